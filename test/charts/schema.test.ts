// values.schema.json: every value is declared; bad values are rejected by helm 3 AND helm 4 with an
// error naming the field; cross-field checks fail with a clear message.
import t from 'tap'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { parse } from 'yaml'
import { BAGISTO, helm, templateArgs, type HelmName } from './fixtures/helm.js'

const schema = JSON.parse(readFileSync(path.join(BAGISTO, 'values.schema.json'), 'utf8'))
const values = parse(readFileSync(path.join(BAGISTO, 'values.yaml'), 'utf8'))

t.test('every key of values.yaml is declared in the schema', async (t) => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const resolve = (s: any): any => (s?.$ref ? schema.definitions[s.$ref.split('/').pop()] : s)
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const walk = (v: any, s: any, at: string): void => {
    s = resolve(s)
    t.ok(s, `${at} has a schema`)
    if (!s || v === null || typeof v !== 'object' || Array.isArray(v)) return
    if (s.properties === undefined) return // free-form maps (labels, annotations, affinity, ...)
    for (const [k, child] of Object.entries(v)) {
      const cs = s.properties[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined)
      t.ok(cs, `${at}.${k} declared`)
      walk(child, cs, `${at}.${k}`)
    }
  }
  walk(values, schema, 'values')
  t.equal(schema.additionalProperties, false, 'unknown top-level keys are rejected')
})

const bad: [string, Record<string, string>, RegExp][] = [
  ['unknown top-level key', { replicas: '3' }, /replicas/],
  ['typo in a nested key', { 'storefront.replicaCont': '3' }, /replicaCont/],
  ['latest tag', { 'image.tag': 'latest' }, /image[./]tag/],
  ['bad digest', { 'image.digest': 'sha256:xyz' }, /image[./]digest/],
  ['port out of range', { 'php.fpmPort': '70000' }, /php[./]fpmPort/],
  ['nginx body size', { 'nginx.clientMaxBodySize': 'lots' }, /nginx[./]clientMaxBodySize/],
  ['tenant not a DNS label', { tenant: 'Acme_Store' }, /tenant/],
  ['access mode', { 'persistence.accessModes[0]': 'ReadWriteEverywhere' }, /persistence[./]accessModes/],
  ['missing memory limit', { 'nginx.resources.limits': 'null' }, /nginx[./]resources/],
  ['scheduler kind', { 'scheduler.kind': 'DaemonSet' }, /scheduler[./]kind/],
  ['pm mode', { 'php.pm.mode': 'fast' }, /php[./]pm[./]mode/],
  ['uid 0', { 'podSecurityContext.runAsUser': '0' }, /podSecurityContext[./]runAsUser/],
  ['appRoot relative', { 'storefront.appRoot': 'var/www' }, /storefront[./]appRoot/],
  ['redis scheme', { 'externalRedis.scheme': 'http' }, /externalRedis[./]scheme/],
  ['service type', { 'service.type': 'ExternalName' }, /service[./]type/],
  ['media disk', { 'media.disk': 'nfs' }, /media[./]disk/],
  ['search engine', { 'search.engine': 'solr' }, /search[./]engine/],
  ['search url with a path', { 'search.url': 'https://es.example/path' }, /search[./]url/],
  ['mailer', { 'mail.mailer': 'sendmail' }, /mail[./]mailer/],
  ['status port', { 'nginx.statusPort': '0' }, /nginx[./]statusPort/],
  ['scrape interval', { 'metrics.serviceMonitor.interval': 'often' }, /metrics[./]serviceMonitor[./]interval/],
  ['worker tolerations', { 'worker.tolerations': 'all' }, /worker[./]tolerations/],
  ['unknown worker key', { 'worker.nodeSelektor.a': 'b' }, /nodeSelektor/],
]

for (const h of ['helm3', 'helm4'] as HelmName[]) {
  t.test(`${h} rejects bad values naming the field`, async (t) => {
    for (const [what, set, field] of bad) {
      const r = helm(templateArgs({ set }), h)
      t.not(r.status, 0, `${what}: rejected`)
      t.match(r.stderr, field, `${what}: error names the field`)
    }
  })
}

const crossField: [string, Record<string, string>, RegExp][] = [
  ['external DB without host', { 'mysql.enabled': 'false' }, /externalDatabase\.host: required/],
  ['external Redis without host', { 'redis.enabled': 'false' }, /externalRedis\.host: required/],
  ['shared namespace without tenant', { sharedNamespace: 'true' }, /tenant: required when sharedNamespace/],
  ['shared namespace with a namespace quota', { sharedNamespace: 'true', tenant: 'acme', 'tenantPolicy.enabled': 'true' }, /tenantPolicy\.enabled/],
  ['cert-manager without issuer', { 'ingress.enabled': 'true', 'ingress.certManager.enabled': 'true' }, /ingress\.certManager: set clusterIssuer or issuer/],
  ['shared namespace with ingress-shim', { sharedNamespace: 'true', tenant: 'acme', 'ingress.enabled': 'true', 'ingress.certManager.enabled': 'true', 'ingress.certManager.clusterIssuer': 'le' }, /ingress\.certManager: cannot be used with sharedNamespace/],
  ['HTTPRoute without a Gateway', { 'httpRoute.enabled': 'true' }, /httpRoute\.parentRefs/],
  ['HPA max below min', { 'autoscaling.enabled': 'true', 'autoscaling.minReplicas': '5', 'autoscaling.maxReplicas': '2' }, /maxReplicas/],
  ['external DB password missing', { 'mysql.enabled': 'false', 'externalDatabase.host': 'db' }, /externalDatabase\.password: required/],
]
t.test('cross-field checks fail with clear messages', async (t) => {
  for (const [what, set, msg] of crossField) {
    const r = helm(templateArgs({ set }))
    t.not(r.status, 0, `${what}: rejected`)
    t.match(r.stderr, msg, `${what}: ${msg}`)
  }
  t.equal(helm(templateArgs({ set: { 'mysql.enabled': 'false', 'externalDatabase.host': 'db', existingSecret: 's' } })).status, 0,
    'external DB password may come from existingSecret')
})

t.test('the README Parameters section is current (make chart-docs) and every value has a @param line', async (t) => {
  const { ROOT, run } = await import('./fixtures/helm.js')
  const { copyFileSync, mkdtempSync, rmSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const dir = mkdtempSync(path.join(tmpdir(), 'chart-docs-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const readme = path.join(dir, 'README.md')
  copyFileSync(path.join(BAGISTO, 'README.md'), readme)
  const gen = run(path.join(ROOT, 'node_modules/.bin/readme-generator'), ['--values', path.join(BAGISTO, 'values.yaml'), '--readme', readme])
  t.equal(gen.status, 0, 'readme-generator accepts the @param docs (a value without one fails it)', { stdout: gen.stdout.split('\n').filter((l) => l.startsWith('ERROR')).join('\n') })
  t.equal(readFileSync(readme, 'utf8'), readFileSync(path.join(BAGISTO, 'README.md'), 'utf8'), 'README.md is what make chart-docs writes')
  const text = readFileSync(path.join(BAGISTO, 'README.md'), 'utf8')
  for (const key of ['storefront.appRoot', 'storefront.initPaths.publicTarget', 'php.fpmPort', 'nginx.statusPort', 'existingSecret', 'tenant', 'global.imageRegistry', 'media.disk', 'mail.existingSecret', 'search.engine', 'metrics.serviceMonitor.enabled']) {
    t.ok(text.includes(`| \`${key}\``), `the Parameters table documents ${key}`)
  }
})
