// helm lint --strict with Helm 3 and Helm 4 for every ci scenario and for the store-lib test chart,
// and the library dependency resolves on a fresh checkout (no `helm dependency build`).
import t from 'tap'
import { cpSync, lstatSync, mkdtempSync, readlinkSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { BAGISTO, HELMS, LIB_TEST, ROOT, STORE_LIB, ciValuesFiles, helm, requireHelm, type HelmName } from './fixtures/helm.js'

requireHelm()
const helms = Object.keys(HELMS) as HelmName[]

t.test('the helm binaries are v3 and v4', async (t) => {
  t.match(helm(['version', '--short'], 'helm3').stdout, /^v3\./)
  t.match(helm(['version', '--short'], 'helm4').stdout, /^v4\./)
})

t.test('ci scenarios cover every branch the issue names', async (t) => {
  const names = ciValuesFiles().map((f) => path.basename(f))
  for (const want of ['default', 'external-db', 'existing-secret', 'autoscaling', 'ingress-tls', 'httproute', 'shared-namespace']) {
    t.ok(names.includes(`${want}-values.yaml`), `ci/${want}-values.yaml exists`)
  }
})

for (const h of helms) {
  t.test(`${h} lint --strict`, async (t) => {
    for (const file of ciValuesFiles()) {
      const r = helm(['lint', '--strict', BAGISTO, '-f', file, '--namespace', 'acme'], h)
      t.equal(r.status, 0, `bagisto with ci/${path.basename(file)}`, { stdout: r.stdout, stderr: r.stderr })
    }
    for (const file of ['values-local.yaml', 'values-prod.yaml']) {
      const r = helm(['lint', '--strict', BAGISTO, '-f', path.join(BAGISTO, file)], h)
      t.equal(r.status, 0, `bagisto with ${file}`, { stdout: r.stdout, stderr: r.stderr })
    }
    const lib = helm(['lint', '--strict', LIB_TEST], h)
    t.equal(lib.status, 0, 'the store-lib test chart', { stdout: lib.stdout, stderr: lib.stderr })
  })

  t.test(`${h}: the library chart cannot be rendered alone`, async (t) => {
    const r = helm(['template', 'x', STORE_LIB], h)
    t.not(r.status, 0)
    t.match(r.stderr, /library/i)
  })
}

t.test('store-lib is vendored as a relative symlink: no `helm dependency build` needed', async (t) => {
  for (const chart of [BAGISTO, LIB_TEST]) {
    const link = path.join(chart, 'charts/store-lib')
    t.ok(lstatSync(link).isSymbolicLink(), `${path.relative(ROOT, link)} is a symlink`)
    t.equal(readlinkSync(link), '../../store-lib', 'relative, so it survives a clone anywhere')
  }
  // A fresh copy of charts/ somewhere else (as a clone would be) installs with both helms.
  const dir = mkdtempSync(path.join(tmpdir(), 'charts-clone-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  cpSync(path.join(ROOT, 'charts'), path.join(dir, 'charts'), { recursive: true, verbatimSymlinks: true })
  for (const h of helms) {
    const r = helm(['template', 'bagisto', path.join(dir, 'charts/bagisto'), '-n', 'acme'], h)
    t.equal(r.status, 0, `${h} template of the copy`, { stderr: r.stderr })
    t.match(r.stdout, /kind: Deployment/)
    const pkg = helm(['package', path.join(dir, 'charts/bagisto'), '-d', dir], h)
    t.equal(pkg.status, 0, `${h} package (the library is bundled into the archive)`, { stderr: pkg.stderr })
  }
})

t.test('Artifact Hub metadata: artifacthub.io/images lists exactly the images the chart can run', async (t) => {
  const { readFileSync } = await import('node:fs')
  const { parse } = await import('yaml')
  const chart = parse(readFileSync(path.join(BAGISTO, 'Chart.yaml'), 'utf8')) as { annotations: Record<string, string> }
  const listed = (parse(chart.annotations['artifacthub.io/images']!) as { image: string }[]).map((i) => i.image).sort()
  // every optional image switched on: what helm template renders is what Artifact Hub should list
  const { podTemplates, allContainers, render } = await import('./fixtures/helm.js')
  const { objects } = render({ set: { 'metrics.enabled': 'true', 'mailpit.enabled': 'true', 'search.engine': 'opensearch', 'opensearch.enabled': 'true' } })
  const rendered = [...new Set(podTemplates(objects).flatMap((p) => allContainers(p.spec).map((c: { image: string }) => c.image)))].sort()
  t.same(listed, rendered)
  for (const key of ['artifacthub.io/license', 'artifacthub.io/category', 'artifacthub.io/changes', 'artifacthub.io/links']) t.ok(chart.annotations[key], key)
  const lib = parse(readFileSync(path.join(STORE_LIB, 'Chart.yaml'), 'utf8')) as { annotations: Record<string, string> }
  t.ok(lib.annotations['artifacthub.io/license'] && lib.annotations['artifacthub.io/changes'], 'store-lib carries Artifact Hub annotations too')
})
