// The CLI as a real process: stdin, exit status, and a reader that stops early (`| head`).
import { spawnSync } from 'node:child_process'
import t from 'tap'

const MAIN = new URL('../../../src/cli/main.ts', import.meta.url).href

/** Runs `store-admission <args>` in a new node process through a shell pipeline. */
function shell(pipeline: (cli: string) => string, input = ''): { status: number | null; stdout: string; stderr: string } {
  const script = `import { main } from ${JSON.stringify(MAIN)}\nprocess.exitCode = await main(process.argv.slice(1))`
  const node = [process.execPath, ...process.execArgv, '--input-type=module', '-e', script].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')
  return spawnSync('bash', ['-c', `set -o pipefail; ${pipeline(node)}`], { input, encoding: 'utf8' })
}

const pod = (i: number): string => `kind: Pod\nmetadata: {name: pod-${i}, namespace: acme}\nspec:\n  containers: [{name: a, image: "r/a:latest", securityContext: {privileged: true}}]\n`
const MANY = Array.from({ length: 1000 }, (_, i) => pod(i)).join('---\n') // ~0.3 MB of findings: far past a pipe's buffer

t.test('reads stdin; exit 1 on a denial, 0 without one, 2 on unusable input', async (t) => {
  const denied = shell((cli) => `${cli} check -f -`, pod(1))
  t.equal(denied.status, 1, denied.stderr)
  t.match(denied.stdout, /^DENY Pod\/pod-1: privileged:/)
  const clean = shell((cli) => `${cli} check -f -`, pod(1).replace(', securityContext: {privileged: true}', '').replace('latest', '1'))
  t.equal(clean.status, 0, clean.stderr)
  const empty = shell((cli) => `${cli} check -f -`, '')
  t.same([empty.status, empty.stdout], [2, ''])
  t.match(empty.stderr, /^store-admission: nothing to judge/)
})

t.test('| head ends the run quietly with the verdict as exit status', async (t) => {
  for (const output of ['text', 'json']) {
    const r = shell((cli) => `${cli} check -f - -o ${output} | head -n 1 >/dev/null`, MANY)
    t.equal(r.status, 1, `${output}: pipefail sees the verdict (1), not a crash`)
    t.notMatch(r.stderr, /EPIPE|Error|at /, `${output}: no stack trace`)
    t.match(r.stderr, /checked 1000 object\(s\): 1000 denied/)
  }
  const mutate = shell((cli) => `${cli} mutate -f - | head -c 10 >/dev/null`, MANY)
  t.equal(mutate.status, 0)
  t.equal(mutate.stderr.includes('EPIPE'), false)
})
