// The rendered chart through the admission CLI (the same pipeline as the webhook):
// `store-admission check` finds zero violations, and every pod template is a fixed point of
// `store-admission mutate` (nothing changes, not even the store.platform.io/mutated-by annotation).
// Needs dist/ (make build): `make test` builds it first; a missing build FAILS here, never skips.
import t from 'tap'
import { existsSync } from 'node:fs'
import * as path from 'node:path'
import { ROOT, ciValuesFiles, parseObjects, podTemplates, render, run } from './fixtures/helm.js'

const CLI = path.join(ROOT, 'bin/store-admission.js')
const MAIN = path.join(ROOT, 'dist/cli/main.js')
const MUTATED_BY = 'store.platform.io/mutated-by'

if (!existsSync(MAIN)) {
  t.fail(`${path.relative(ROOT, MAIN)} is missing: run \`make build\` (npx tsc -p tsconfig.json) before the chart tests`)
} else {
  const scenarios = ciValuesFiles().map((file) => {
    const shared = file.includes('shared-namespace')
    return {
      file,
      namespace: shared ? 'stores' : 'acme',
      labels: shared ? 'store.platform.io/tenant=stores,store.platform.io/shared=true' : 'store.platform.io/tenant=acme',
    }
  })

  for (const s of scenarios) {
    t.test(path.basename(s.file), async (t) => {
      const { text, objects } = render({ values: [s.file], namespace: s.namespace })

      const check = run('node', [CLI, 'check', '-f', '-', '--namespace-labels', s.labels, '-o', 'json'], text)
      t.equal(check.status, 0, 'check exits 0', { stderr: check.stderr })
      const report = JSON.parse(check.stdout) as { results: { kind: string; name: string; allowed: boolean; violations: unknown[]; warnings: unknown[] }[] }
      t.ok(report.results.length >= podTemplates(objects).length, `judged ${report.results.length} objects`)
      for (const r of report.results) {
        t.equal(r.allowed, true, `${r.kind}/${r.name} allowed`)
        t.same(r.violations, [], `${r.kind}/${r.name}: no violations`)
        t.same(r.warnings, [], `${r.kind}/${r.name}: no warnings`)
      }
      const textCheck = run('node', [CLI, 'check', '-f', '-', '--namespace-labels', s.labels], text)
      t.equal(textCheck.status, 0, 'text output: exit 0')
      t.notMatch(textCheck.stdout, /^(DENY|WARN) /m, 'text output: no DENY/WARN lines')

      const mutate = run('node', [CLI, 'mutate', '-f', '-', '--namespace-labels', s.labels], text)
      t.equal(mutate.status, 0, 'mutate exits 0', { stderr: mutate.stderr })
      const before = podTemplates(objects)
      const after = podTemplates(parseObjects(mutate.stdout))
      t.same(after.map((p) => p.owner), before.map((p) => p.owner), 'same pod controllers out as in')
      for (const [i, b] of before.entries()) {
        const a = after[i]!
        const annotations = { ...(a.metadata.annotations ?? {}) }
        t.equal(annotations[MUTATED_BY], undefined, `${b.owner}: not stamped with ${MUTATED_BY} (nothing changed)`)
        const stripped = { ...a.metadata, annotations: Object.keys(annotations).length ? annotations : undefined }
        const orig = { ...b.metadata, annotations: b.metadata.annotations }
        t.same(JSON.parse(JSON.stringify(stripped)), JSON.parse(JSON.stringify(orig)), `${b.owner}: metadata unchanged`)
        t.same(a.spec, b.spec, `${b.owner}: pod spec is a fixed point of the webhook`)
      }
      t.ok(after.some((p) => p.metadata.labels?.['store.platform.io/role'] === 'storefront'), 'the storefront pod was among them')
    })
  }

  // The webhook injects copy-public-files into storefront pods that lack it: it must be the chart's
  // container (same script, env and mounts), which test/runtime runs for real.
  t.test('the injected copy-public-files init container is the chart\'s', async (t) => {
    const { objects } = render({ namespace: 'acme' })
    const chartPod = podTemplates(objects).find((p) => p.metadata.labels?.['store.platform.io/role'] === 'storefront')!
    const chartInit = chartPod.spec.initContainers.find((c: { name: string }) => c.name === 'copy-public-files')
    const bare = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bare', namespace: 'acme', labels: { 'store.platform.io/role': 'storefront' },
        annotations: { 'store.platform.io/storage-claim': 'bagisto-storage' } },
      spec: { containers: [{ name: 'bagisto', image: chartInit.image }, { name: 'nginx', image: 'nginx:1.28.0' }] },
    }
    const mutate = run('node', [CLI, 'mutate', '-f', '-', '--namespace-labels', 'store.platform.io/tenant=acme'], JSON.stringify(bare))
    t.equal(mutate.status, 0, 'mutate exits 0', { stderr: mutate.stderr })
    const injected = parseObjects(mutate.stdout)[0]!.spec.initContainers[0]
    t.equal(injected.name, 'copy-public-files', 'injected first')
    t.equal(injected.command[2], chartInit.command[2], 'byte-for-byte the chart\'s script')
    t.same(injected.command, chartInit.command, 'same command')
    t.same(injected.env, chartInit.env, 'same env')
    t.same(injected.volumeMounts, chartInit.volumeMounts, 'same mounts')
  })
}
