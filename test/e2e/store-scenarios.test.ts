// `helm install --wait` of a store with media on S3 (ci/s3-values.yaml, Helm 3) and with search on the
// in-chart OpenSearch plus Mailpit (ci/opensearch-values.yaml, Helm 4), each into a store namespace
// that enforces Pod Security "restricted", through the webhook; then `helm test`. What the API server
// stores is checked: every pod mutated and admitted, credentials only in the Secret.
import t from 'tap'
import { join } from 'node:path'
import {
  MUTATED_BY, ROOT, TENANT_LABEL, requireControlPlane, getJson, helm, kubectl, namespace, storeLabels, webhookLive,
} from './fixtures/k8s.js'

requireControlPlane()
const chart = join(ROOT, 'charts', 'bagisto')
const selector = 'app.kubernetes.io/instance=bagisto'

interface Scenario { name: string; helm: 3 | 4; file: string; workloads: string[]; env: Record<string, string>; secretKeys: string[] }
const scenarios: Scenario[] = [
  {
    name: 's3', helm: 3, file: 's3-values.yaml',
    workloads: ['Deployment/bagisto', 'Deployment/bagisto-worker', 'Deployment/bagisto-scheduler', 'StatefulSet/bagisto-mysql', 'StatefulSet/bagisto-redis'],
    env: { FILESYSTEM_DISK: 's3', AWS_BUCKET: 'acme-media', AWS_USE_PATH_STYLE_ENDPOINT: 'true' },
    secretKeys: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'],
  },
  {
    name: 'search', helm: 4, file: 'opensearch-values.yaml',
    workloads: ['Deployment/bagisto', 'StatefulSet/bagisto-opensearch', 'Deployment/bagisto-mailpit'],
    env: { ELASTICSEARCH_HOST: 'bagisto-opensearch', ELASTICSEARCH_PORT: '9200', MAIL_HOST: 'bagisto-mailpit', MAIL_PORT: '1025' },
    secretKeys: [],
  },
]

for (const s of scenarios) {
  t.test(`${s.name} store (ci/${s.file}) with Helm ${s.helm}: install --wait, helm test`, async (t) => {
    const ns = `e2e-store-${s.name}`
    t.teardown(namespace(ns, storeLabels(ns, { restricted: true })))
    await webhookLive(ns)

    const install = helm(s.helm, ['install', 'bagisto', chart, '-n', ns, '-f', join(chart, 'ci', s.file), '--wait', '--timeout', '5m'])
    t.equal(install.code, 0, `helm install --wait succeeded:\n${install.out}`)
    if (install.code !== 0) {
      t.comment(kubectl(['-n', ns, 'get', 'all,pvc,events', '-o', 'wide']).out)
      return
    }
    for (const w of s.workloads) {
      const [kind, name] = w.split('/') as [string, string]
      const o = getJson(['-n', ns, 'get', kind.toLowerCase(), name])
      t.equal(o.status.readyReplicas ?? 0, o.spec.replicas, `${w} ready`)
    }
    const pods = getJson(['-n', ns, 'get', 'pods', '-l', selector]).items.filter((p: any) => p.status.phase === 'Running')
    t.ok(pods.length >= s.workloads.length, `${pods.length} running pods`)
    for (const p of pods) {
      t.equal(p.metadata.labels[TENANT_LABEL], ns, `${p.metadata.name}: tenant label`)
      t.equal(p.metadata.annotations?.[MUTATED_BY], undefined, `${p.metadata.name}: a fixed point of the mutating webhook (no mutated-by stamp)`)
      t.equal(p.spec.securityContext.runAsNonRoot, true, `${p.metadata.name}: admitted by Pod Security restricted as non-root`)
    }

    const env = getJson(['-n', ns, 'get', 'configmap', 'bagisto-env']).data
    t.match(env, s.env, 'the settings, in the ConfigMap the API server holds')
    const secret = getJson(['-n', ns, 'get', 'secret', 'bagisto']).data
    const stored = JSON.stringify(getJson(['-n', ns, 'get', 'configmaps']).items.map((c: any) => c.data))
    for (const [key, value] of Object.entries(secret as Record<string, string>)) {
      t.notOk(stored.includes(Buffer.from(value, 'base64').toString()), `the value of ${key} is in no ConfigMap`)
    }
    const storefront = pods.find((p: any) => p.metadata.labels['store.platform.io/role'] === 'storefront')
    const app = storefront.spec.containers.find((c: any) => c.name === 'bagisto')
    for (const key of s.secretKeys) {
      t.ok(secret[key], `${key} in the Secret`)
      t.same(app.env.find((e: any) => e.name === key)?.valueFrom?.secretKeyRef, { name: 'bagisto', key }, `${key} reaches the app from the Secret`)
    }

    // helm test: the curl Job, its pod admitted by the webhook and Pod Security (kwok completes Job pods)
    const test = helm(s.helm, ['test', 'bagisto', '-n', ns, '--timeout', '2m'])
    t.equal(test.code, 0, `helm test succeeded:\n${test.out}`)
    t.match(test.stdout, /bagisto-test-health[\s\S]*Phase:\s+Succeeded/, 'the test hook succeeded')

    const uninstall = helm(s.helm, ['uninstall', 'bagisto', '-n', ns, '--wait', '--timeout', '90s'])
    t.equal(uninstall.code, 0, `helm uninstall succeeded:\n${uninstall.out}`)
  })
}
