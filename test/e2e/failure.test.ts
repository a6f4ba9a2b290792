// The webhook's availability as the API server sees it: with the webhook process stopped, pods in
// store namespaces are refused (validation fails closed) while other namespaces keep working; the
// webhook started without --tls-* generates its own CA, patches the caBundle of both webhook
// configurations itself, and the API server trusts it.
import t from 'tap'
import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  MUTATED_BY, TESTENV, requireControlPlane, dryRun, getJson, kubectl, kubectlOk, namespace, plainPod, storeLabels,
  waitFor, webhook, webhookLive,
} from './fixtures/k8s.js'

requireControlPlane()
const ns = 'e2e-failure'
const other = 'e2e-other'
// no Pod Security enforcement here: with the webhook down, PodSecurity would refuse the unmutated
// pod before the validating webhook is even called
t.teardown(namespace(ns, storeLabels('acme')))
t.teardown(namespace(other, {}))
// whatever happens below, leave the normal webhook running for the next test file
t.teardown(() => { webhook('start') })
await webhookLive(ns)

const bundles = () => [
  getJson(['get', 'mutatingwebhookconfiguration', 'store-admission-mutate']).webhooks[0].clientConfig.caBundle ?? '',
  getJson(['get', 'validatingwebhookconfiguration', 'store-admission-validate']).webhooks[0].clientConfig.caBundle ?? '',
] as string[]
const certsIn = (b64: string) => (Buffer.from(b64, 'base64').toString('utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [])
  .map((pem) => new X509Certificate(pem))

t.test('webhook stopped: store-namespace pods denied (fail closed), other namespaces work', async (t) => {
  webhook('stop')
  try {
    const r = await waitFor('a store pod refused', () => { const res = dryRun(plainPod('closed', ns)); return res.code !== 0 ? res : undefined }, 30_000)
    t.match(r.stderr, /failed calling webhook "validate\.store\.platform\.io"/, 'the validating webhook could not be called')
    const real = kubectl(['-n', ns, 'run', 'closed', '--image=registry.k8s.io/pause:3.10', '--restart=Never'])
    t.not(real.code, 0, 'a real create is refused too')
    t.same(getJson(['-n', ns, 'get', 'pods']).items, [], 'nothing created')

    const elsewhere = kubectl(['-n', other, 'run', 'fine', '--image=registry.k8s.io/pause:3.10', '--restart=Never'])
    t.equal(elsewhere.code, 0, `other namespaces keep working: ${elsewhere.out}`)
    await waitFor('pod fine Running', () => getJson(['-n', other, 'get', 'pod', 'fine']).status.phase === 'Running')
    t.pass('pod in a namespace without the tenant label is running')
    const sys = kubectl(['-n', 'kube-system', 'create', 'configmap', 'e2e-failure-probe', '--from-literal=a=b'])
    t.equal(sys.code, 0, 'kube-system keeps working')
    kubectl(['-n', 'kube-system', 'delete', 'configmap', 'e2e-failure-probe'])
  } finally {
    webhook('start')
  }
  await webhookLive(ns)
  const back = kubectl(['-n', ns, 'run', 'back', '--image=registry.k8s.io/pause:3.10', '--restart=Never'])
  t.equal(back.code, 0, `webhook back: store pods admitted again: ${back.out}`)
  const pod = getJson(['-n', ns, 'get', 'pod', 'back'])
  t.match(pod.metadata.annotations[MUTATED_BY], /^store-admission\//)
})

t.test('started without --tls-*: the webhook patches both caBundles and the API server trusts it', async (t) => {
  const testenvCa = new X509Certificate(readFileSync(join(TESTENV, 'pki', 'ca.crt')))
  // registered with no caBundle at all: the API server cannot trust anything until the webhook patches it
  webhook('start', '--self-signed')
  const [m, v] = await waitFor('both caBundles patched', () => { const b = bundles(); return b[0] && b[1] ? b : undefined }, 30_000)
  for (const [name, b64] of [['mutate', m], ['validate', v]] as const) {
    const certs = certsIn(b64!)
    t.ok(certs.length >= 1, `${name}: caBundle holds a certificate`)
    t.ok(certs.every((c) => c.fingerprint256 !== testenvCa.fingerprint256), `${name}: a CA the webhook generated, not the test env's`)
    t.ok(certs[0]!.ca, `${name}: it is a CA certificate`)
  }
  t.equal(m, v, 'the same CA in both configurations')
  // the API server now calls the webhook over TLS it verifies with that bundle
  const r = await waitFor('a mutated pod through the self-signed webhook', () => {
    const res = dryRun(plainPod('selfsigned', ns))
    return res.code === 0 && res.stdout.includes(MUTATED_BY) ? res : undefined
  }, 30_000)
  t.match(r.stdout, MUTATED_BY, 'mutating webhook trusted')
  const denied = dryRun(plainPod('selfsigned-bad', ns, { container: { securityContext: { privileged: true } } }))
  t.match(denied.stderr, /denied the request:[\s\S]*privileged: /, 'validating webhook trusted')
  const log = readFileSync(join(TESTENV, 'logs', 'webhook.log'), 'utf8')
  t.match(log, /caBundle patched/, 'the webhook logged the patch')
})
kubectlOk(['get', 'ns', ns])
