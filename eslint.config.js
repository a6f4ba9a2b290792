// Lint for src/ and test/ alike. src/ gets typescript-eslint's type-aware rules; tests get the
// plain recommended set (tap's top-level t.test() promises are awaited by the runner); the
// JavaScript of bench/, scripts/ and bin/ the recommended set too.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.testenv/', 'charts/', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // Node scripts: the globals are those of the Node running the lint (process, console, URL, ...),
    // so a misspelt name is still an error.
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: Object.fromEntries(Object.getOwnPropertyNames(globalThis).map((name) => [name, 'readonly'])) },
  },
  {
    // kubectl's and helm's JSON output is read loosely in the tests that drive them
    files: ['test/e2e/**/*.ts', 'test/runtime/**/*.ts', 'test/unit/cli/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: { defaultProject: 'tsconfig.test.json' }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // misjudges casts of client-node's KubernetesObject to a concrete kind
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // stop()/current() handles are plain closures, never methods that use `this`
      '@typescript-eslint/unbound-method': 'off',
    },
  },
)
