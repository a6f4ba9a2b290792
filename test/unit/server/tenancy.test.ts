// The server's side of tenancy: who asked comes from the review's userInfo, a Namespace is judged
// without a namespace lookup, and objects the cache lacks are read live before the decision stands.
import { pino } from 'pino'
import t from 'tap'
import { ResolvingLookup } from '../../../src/cluster/lookup.js'
import type { ClusterView } from '../../../src/cluster/types.js'
import type { LookupKind, NamespaceInfo } from '../../../src/pipeline/types.js'
import { parsePolicy } from '../../../src/policy/parse.js'
import { type AdmissionReviewBody, readReview } from '../../../src/server/admission.js'
import { type ReviewContext, review as judgeReview } from '../../../src/server/review.js'
import type { Webhook } from '../../../src/pipeline/types.js'

const TENANT = 'store.platform.io/tenant'
const policy = parsePolicy('tenants: {acme: {users: [alice]}}\nplatformAdmins: {users: [root]}\n', 'test policy')
const mall: NamespaceInfo = { name: 'mall', labels: { [TENANT]: 'mall', 'store.platform.io/shared': 'true' } }

/** A cluster whose cache holds `cached` and whose API server holds `live`; counts what is asked of each. */
function cluster(cached: Record<string, Record<string, string>>, live: Record<string, Record<string, string>>) {
  const asked = { namespaces: 0, fetched: [] as string[] }
  const view: ClusterView = {
    namespace: (name) => { asked.namespaces++; return Promise.resolve(name === 'mall' ? mall : undefined) },
    labelsOf: (kind: LookupKind, ns: string, name: string) => cached[`${kind}/${ns}/${name}`],
    fetchLabels: (kind: LookupKind, ns: string, name: string) => {
      asked.fetched.push(`${kind}/${ns}/${name}`)
      return Promise.resolve(live[`${kind}/${ns}/${name}`])
    },
    synced: () => true,
    stop: async () => {},
  }
  const ctx: ReviewContext = { policy: () => policy, cluster: view, ownNamespace: 'store-admission', logger: pino({ level: 'silent' }) }
  return { ctx, asked }
}

const review = (kind: string, object: object, username: string | undefined, namespace = 'mall', oldObject?: object) => readReview({
  kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1',
  request: {
    uid: 'u1', kind: { group: '', version: 'v1', kind }, namespace, operation: oldObject ? 'UPDATE' : 'CREATE', object,
    ...(oldObject ? { oldObject } : {}), ...(username === undefined ? {} : { userInfo: { username, groups: ['system:authenticated'] } }),
  },
} as AdmissionReviewBody)

/** The outcome, as the server would answer it. */
const answer = async (webhook: Webhook, parsed: ReturnType<typeof readReview>, ctx: ReviewContext) => ({ outcome: await judgeReview(webhook, parsed, ctx) })

const pod = (secretName: string) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', labels: { [TENANT]: 'acme' } },
  spec: {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    volumes: [{ name: 's', secret: { secretName } }],
    containers: [{
      name: 'web', image: 'registry.example.com/web:1', resources: { requests: { cpu: '1', memory: '1Mi' }, limits: { memory: '1Mi' } },
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    }],
  },
})

t.test('a reference the cache lacks is read live before the pod is judged', async (t) => {
  const { ctx, asked } = cluster({}, { 'Secret/mall/acme-db': { [TENANT]: 'acme' }, 'Secret/mall/globex-db': { [TENANT]: 'globex' } })
  const own = await answer('validate', review('Pod', pod('acme-db'), 'alice'), ctx)
  t.equal(own.outcome.decision, 'allow', JSON.stringify(own.outcome.response.status))
  t.same(asked.fetched, ['Secret/mall/acme-db'], 'asked once')
  const theirs = await answer('validate', review('Pod', pod('globex-db'), 'alice'), ctx)
  t.match(theirs.outcome.response.status?.message, /cross-tenant-reference: spec\.volumes\[s\]\.secret\.secretName: Secret globex-db belongs to tenant "globex"/)
  const missing = await answer('validate', review('Pod', pod('nothing'), 'alice'), ctx)
  t.match(missing.outcome.response.status?.message, /Secret nothing does not exist in namespace mall/)
})

t.test('a cache hit is not asked again', async (t) => {
  const { ctx, asked } = cluster({ 'Secret/mall/acme-db': { [TENANT]: 'acme' } }, {})
  t.equal((await answer('validate', review('Pod', pod('acme-db'), 'alice'), ctx)).outcome.decision, 'allow')
  t.same(asked.fetched, [])
})

t.test('the requester comes from userInfo; a review without one is no one in particular', async (t) => {
  const { ctx } = cluster({}, {})
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', labels: { [TENANT]: 'acme' } } }
  t.equal((await answer('validate', review('Secret', secret, 'alice'), ctx)).outcome.decision, 'allow')
  t.match((await answer('validate', review('Secret', secret, 'bob'), ctx)).outcome.response.status?.message, /tenant-identity: Secret\/db: metadata\.labels\[store\.platform\.io\/tenant\]: user "bob" does not act for tenant "acme"/)
  t.match((await answer('validate', review('Secret', secret, undefined), ctx)).outcome.response.status?.message, /user "" does not act/, 'no userInfo: denied, not skipped')
})

t.test('a Namespace is judged on its own labels, without a namespace lookup', async (t) => {
  const { ctx, asked } = cluster({}, {})
  const ns = (labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fresh', labels } })
  const denied = await answer('validate', review('Namespace', ns({ [TENANT]: 'acme' }), 'bob', 'fresh'), ctx)
  t.equal(denied.outcome.decision, 'deny')
  t.equal(denied.outcome.response.status?.code, 403)
  t.match(denied.outcome.response.status?.message, /namespace-tenant: Namespace\/fresh: metadata\.labels\[store\.platform\.io\/tenant\]: user "bob" is not a platform admin/)
  t.equal((await answer('validate', review('Namespace', ns({ [TENANT]: 'acme' }), 'root', 'fresh'), ctx)).outcome.decision, 'allow', 'a platform admin')
  t.equal(asked.namespaces, 0, 'a namespace being created is not looked up (it would fail closed)')
  t.equal((await answer('mutate', review('Namespace', ns({}), 'bob', 'fresh'), ctx)).outcome.decision, 'skip', '/mutate leaves Namespaces alone')
})

t.test('a NetworkPolicy, Service or PDB is judged from the request alone: nothing is read for it', async (t) => {
  const { ctx, asked } = cluster({}, {})
  const netpol = (podSelector: object) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'open', labels: { [TENANT]: 'acme' } }, spec: { podSelector } })
  const denied = await answer('validate', review('NetworkPolicy', netpol({}), 'alice'), ctx)
  t.equal(denied.outcome.response.status?.code, 403)
  t.match(denied.outcome.response.status?.message, /^tenant-selector: NetworkPolicy\/open: spec\.podSelector: is empty, so it selects every pod in the namespace/)
  t.equal((await answer('validate', review('NetworkPolicy', netpol({ matchLabels: { [TENANT]: 'acme' } }), 'alice'), ctx)).outcome.decision, 'allow')
  const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { [TENANT]: 'acme' } }, spec: { type: 'LoadBalancer', selector: { app: 'web' } } }
  t.match((await answer('validate', review('Service', service, 'alice'), ctx)).outcome.response.status?.message, /tenant-selector: Service\/web: spec\.selector: does not include/)
  const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'hold', labels: { [TENANT]: 'acme' } }, spec: { selector: { matchLabels: { [TENANT]: 'acme' } } } }
  t.equal((await answer('validate', review('PodDisruptionBudget', pdb, 'alice'), ctx)).outcome.decision, 'allow')
  t.same(asked.fetched, [], 'no live read: the webhook needs no permission on these kinds')
})

t.test('an Ingress\'s Services and TLS Secrets the cache lacks are read live (metadata GETs) before it is judged', async (t) => {
  const { ctx, asked } = cluster({}, {
    'Service/mall/acme-web': { [TENANT]: 'acme' }, 'Secret/mall/acme-tls': { [TENANT]: 'acme' },
    'Service/mall/globex-web': { [TENANT]: 'globex' }, 'Secret/mall/globex-tls': { [TENANT]: 'globex' },
  })
  const ingress = (service: string, secretName: string) => ({
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'shop', labels: { [TENANT]: 'acme' } },
    spec: { tls: [{ hosts: ['shop.acme.example'], secretName }], rules: [{ host: 'shop.acme.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service, port: { number: 80 } } } }] } }] },
  })
  const own = await answer('validate', review('Ingress', ingress('acme-web', 'acme-tls'), 'alice'), ctx)
  t.equal(own.outcome.decision, 'allow', JSON.stringify(own.outcome.response.status))
  t.same(asked.fetched.sort(), ['Secret/mall/acme-tls', 'Service/mall/acme-web'], 'each read once, by name')
  const theirs = await answer('validate', review('Ingress', ingress('globex-web', 'globex-tls'), 'alice'), ctx)
  t.equal(theirs.outcome.response.status?.code, 403)
  t.equal(theirs.outcome.response.status?.message, [
    'cross-tenant-reference: Ingress/shop: spec.rules[0].http.paths[0].backend.service.name: Service globex-web belongs to tenant "globex", not "acme"',
    'cross-tenant-reference: Ingress/shop: spec.tls[0].secretName: Secret globex-tls belongs to tenant "globex", not "acme"',
  ].join('\n'))
  const missing = await answer('validate', review('Ingress', ingress('nothing', 'acme-tls'), 'alice'), ctx)
  t.match(missing.outcome.response.status?.message, /^cross-tenant-reference: Ingress\/shop: spec\.rules\[0\]\.http\.paths\[0\]\.backend\.service\.name: Service nothing does not exist in namespace mall$/)
  const spoofed = await answer('validate', review('Ingress', ingress('acme-web', 'acme-tls'), 'bob'), ctx)
  t.match(spoofed.outcome.response.status?.message, /^tenant-identity: Ingress\/shop: metadata\.labels\[store\.platform\.io\/tenant\]: user "bob" does not act for tenant "acme"$/, 'who may make it carry acme: tenant-identity')
  const admin = await answer('validate', review('Ingress', ingress('acme-web', 'globex-tls'), 'root'), ctx)
  t.match(admin.outcome.response.status?.message, /^cross-tenant-reference: Ingress\/shop: spec\.tls\[0\]\.secretName: Secret globex-tls belongs to tenant "globex"/, 'a platform admin\'s Ingress too')
})

t.test('ResolvingLookup: re-judges until nothing new is missed, and says a miss is a missing object', async (t) => {
  const { ctx, asked } = cluster({}, { 'Deployment/mall/web': { [TENANT]: 'acme' } })
  const lookup = new ResolvingLookup(ctx.cluster)
  t.equal(lookup.exhaustive, true)
  let runs = 0
  const seen = await lookup.settle((l) => { runs++; return [l.labelsOf('Deployment', 'mall', 'web'), l.labelsOf('Secret', 'mall', 'gone')] })
  t.same(seen, [{ [TENANT]: 'acme' }, undefined])
  t.equal(runs, 2, 'judged, fetched, judged again')
  t.same(asked.fetched.sort(), ['Deployment/mall/web', 'Secret/mall/gone'])
})
