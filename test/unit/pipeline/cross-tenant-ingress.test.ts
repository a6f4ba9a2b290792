// cross-tenant-reference on Ingresses: in a shared namespace an Ingress carries its tenant, and
// every Service it routes to (default backend, path backends) and every TLS Secret it names must
// exist and carry that tenant; a `resource` backend is denied. tenant-identity decides who may make
// it carry a tenant. Each path both ways, who is judged, and a property against an oracle that
// knows which tenant owns every object the generated Ingress names.
import type { KubernetesObject, V1IngressBackend, V1IngressRule, V1IngressTLS } from '@kubernetes/client-node'
import fc from 'fast-check'
import t from 'tap'
import {
  REQUEST_RULES, RULES, formatDenial, validate, type AdmissionRequestInfo, type NamespaceInfo, type ResourceLookup, type Violation,
} from '../../../src/pipeline/index.js'
import type { Policy } from '../../../src/policy/index.js'
import { parsePolicy } from '../../../src/policy/parse.js'
import { ACME, MALL, lookupOf } from '../../fixtures/support.js'
import { TENANT, admin, alice, bob, gc, policy, type Who } from '../../fixtures/tenancy.js'


// What the API server holds in namespace mall: read live, so a name it lacks does not exist.
const OBJECTS: Record<string, Record<string, string>> = {
  'Service/mall/acme-web': { [TENANT]: 'acme' },
  'Service/mall/acme-api': { [TENANT]: 'acme' },
  'Service/mall/globex-web': { [TENANT]: 'globex' },
  'Service/mall/unlabelled': {},
  'Secret/mall/acme-tls': { [TENANT]: 'acme' },
  'Secret/mall/globex-tls': { [TENANT]: 'globex' },
  'Secret/mall/unlabelled-tls': {},
  'ConfigMap/mall/acme-web': { [TENANT]: 'acme' },
}
const LIVE: ResourceLookup = { ...lookupOf(OBJECTS), exhaustive: true }

const labelled = (tenant: string | undefined): Record<string, string> => (tenant ? { [TENANT]: tenant } : {})
const service = (name: string): V1IngressBackend => ({ service: { name, port: { number: 80 } } })
const route = (...backends: V1IngressBackend[]): V1IngressRule => ({
  host: 'shop.acme.example', http: { paths: backends.map((backend, i) => ({ path: `/${i}`, pathType: 'Prefix', backend })) },
})
interface Spec { defaultBackend?: V1IngressBackend; rules?: V1IngressRule[]; tls?: V1IngressTLS[] }
const ingress = (tenant: string | undefined, spec: Spec, name = 'shop'): KubernetesObject => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, labels: labelled(tenant) }, spec,
} as KubernetesObject)
const own: Spec = { rules: [route(service('acme-web'), service('acme-api'))], tls: [{ hosts: ['shop.acme.example'], secretName: 'acme-tls' }] }

function request(object: KubernetesObject, who: Who | undefined, opts: { oldObject?: KubernetesObject; ns?: NamespaceInfo } = {}): AdmissionRequestInfo {
  return {
    operation: opts.oldObject ? 'UPDATE' : 'CREATE', kind: 'Ingress', namespace: (opts.ns ?? MALL).name, object,
    ...(opts.oldObject ? { oldObject: opts.oldObject } : {}),
    ...(who ? { userInfo: { username: who.username, groups: who.groups ?? [] } } : {}),
  }
}
interface Opts { oldObject?: KubernetesObject; ns?: NamespaceInfo; policy?: Policy; lookup?: ResourceLookup }
const judge = (object: KubernetesObject, who: Who | undefined, opts: Opts = {}) =>
  validate(request(object, who, opts), opts.ns ?? MALL, opts.policy ?? policy, opts.lookup ?? LIVE)
const refs = (violations: Violation[]) => violations.filter((v) => v.rule === 'cross-tenant-reference')
const denial = (path: string, message: string): Violation => ({ rule: 'cross-tenant-reference', path: `Ingress/shop: ${path}`, message })

t.test('one rule, two checks: pods (offline too) and Ingresses (online, on UPDATE too)', async (t) => {
  const forIngress = REQUEST_RULES.find((r) => r.id === 'cross-tenant-reference')
  t.equal(forIngress?.appliesOnUpdate, true, 'an Ingress\'s backends and TLS can change')
  t.match(forIngress?.summary, /Ingress.*Service.*Secret/)
  t.equal(RULES.find((r) => r.id === 'cross-tenant-reference')?.appliesOnUpdate, false, 'a pod\'s references cannot')
})

t.test('its own Services and TLS Secret: admitted', async (t) => {
  t.same(judge(ingress('acme', own), alice), { allowed: true, violations: [], warnings: [] })
  t.same(judge(ingress('acme', { defaultBackend: service('acme-web') }), alice).violations, [], 'a default backend only')
  t.same(judge(ingress('acme', { rules: [{ host: 'shop.acme.example' }] }), alice).violations, [], 'a rule without http routes nowhere')
  t.same(judge(ingress('acme', { rules: own.rules ?? [], tls: [{ hosts: ['shop.acme.example'] }] }), alice).violations, [], 'TLS without secretName (the controller\'s default certificate)')
})

t.test('default backend: another tenant\'s Service is denied, naming field, object and both tenants', async (t) => {
  const r = judge(ingress('acme', { defaultBackend: service('globex-web') }), alice)
  t.equal(r.allowed, false)
  t.same(r.violations, [denial('spec.defaultBackend.service.name', 'Service globex-web belongs to tenant "globex", not "acme"')])
})

t.test('path backends: each rule and path is judged, by index', async (t) => {
  const r = judge(ingress('acme', { rules: [route(service('acme-web')), route(service('acme-api'), service('globex-web'))] }), alice)
  t.same(r.violations, [denial('spec.rules[1].http.paths[1].backend.service.name', 'Service globex-web belongs to tenant "globex", not "acme"')])
  t.same(refs(judge(ingress('acme', { rules: [route(service('unlabelled'))] }), alice).violations),
    [denial('spec.rules[0].http.paths[0].backend.service.name', 'Service unlabelled has no tenant label, not "acme"')], 'a Service of no tenant')
})

t.test('TLS: another tenant\'s Secret (its certificate and private key) is denied', async (t) => {
  const r = judge(ingress('acme', { ...own, tls: [{ hosts: ['a.example'], secretName: 'acme-tls' }, { hosts: ['shop.acme.example'], secretName: 'globex-tls' }] }), alice)
  t.same(r.violations, [denial('spec.tls[1].secretName', 'Secret globex-tls belongs to tenant "globex", not "acme"')])
  t.same(refs(judge(ingress('acme', { ...own, tls: [{ secretName: 'unlabelled-tls' }] }), alice).violations),
    [denial('spec.tls[0].secretName', 'Secret unlabelled-tls has no tenant label, not "acme"')])
  t.same(refs(judge(ingress('acme', { tls: [{ secretName: 'acme-web' }] }), alice).violations),
    [denial('spec.tls[0].secretName', 'Secret acme-web does not exist in namespace mall')], 'a ConfigMap of that name is not the Secret')
})

t.test('a missing Service or Secret is denied where lookups are exhaustive (the server reads misses live)', async (t) => {
  const missing = ingress('acme', { defaultBackend: service('later'), tls: [{ secretName: 'later-tls' }] })
  t.same(judge(missing, alice).violations, [
    denial('spec.defaultBackend.service.name', 'Service later does not exist in namespace mall'),
    denial('spec.tls[0].secretName', 'Secret later-tls does not exist in namespace mall'),
  ])
  t.same(judge(missing, alice, { lookup: lookupOf(OBJECTS) }).violations, [], 'a lookup that cannot tell missing from unknown does not judge it')
})

t.test('resource backends are denied: they can name any object', async (t) => {
  const bucket: V1IngressBackend = { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'globex-assets' } }
  const r = judge(ingress('acme', { defaultBackend: bucket, rules: [route(service('acme-web'), bucket)] }), alice)
  const message = 'a resource backend can name any object in the namespace, of any tenant: route to a Service of tenant "acme" (service.name)'
  t.same(r.violations, [denial('spec.defaultBackend.resource', message), denial('spec.rules[0].http.paths[1].backend.resource', message)])
})

t.test('it must carry a tenant label; only its tenant may make it carry one (tenant-identity)', async (t) => {
  const message = "an Ingress in a shared namespace must carry its tenant's label, and route to and serve only that tenant's Services and Secrets"
  t.same(judge(ingress(undefined, own), alice).violations, [denial(`metadata.labels[${TENANT}]`, message)])
  t.same(judge(ingress('', own), alice).violations, [denial(`metadata.labels[${TENANT}]`, message)], 'an empty label is none')
  const spoofed = judge(ingress('acme', own), bob)
  t.same(spoofed.violations, [{ rule: 'tenant-identity', path: `Ingress/shop: metadata.labels[${TENANT}]`, message: 'user "bob" does not act for tenant "acme"' }],
    'globex claiming acme\'s Ingress, with acme\'s objects: tenant-identity')
  const relabel = judge(ingress('globex', own), bob, { oldObject: ingress('acme', own) })
  t.match(relabel.violations.map((v) => v.message), ['user "bob" does not act for tenant "acme" (this update takes it away)', /Service acme-web belongs to tenant "acme", not "globex"/],
    'taking acme\'s Ingress: tenant-identity, and its references are now another tenant\'s')
  t.same(judge(ingress('globex', { defaultBackend: service('globex-web'), tls: [{ secretName: 'globex-tls' }] }), bob).violations, [], 'globex\'s own')
})

t.test('all findings at once, one line each', async (t) => {
  const r = judge(ingress('globex', own), bob)
  t.equal(formatDenial(r.violations), [
    'cross-tenant-reference: Ingress/shop: spec.rules[0].http.paths[0].backend.service.name: Service acme-web belongs to tenant "acme", not "globex"',
    'cross-tenant-reference: Ingress/shop: spec.rules[0].http.paths[1].backend.service.name: Service acme-api belongs to tenant "acme", not "globex"',
    'cross-tenant-reference: Ingress/shop: spec.tls[0].secretName: Secret acme-tls belongs to tenant "acme", not "globex"',
  ].join('\n'))
})

t.test('UPDATE is judged: repointing an admitted Ingress at another tenant\'s Service is denied', async (t) => {
  const before = ingress('acme', own)
  t.same(judge(ingress('acme', { ...own, defaultBackend: service('acme-api') }), alice, { oldObject: before }).violations, [])
  t.same(refs(judge(ingress('acme', { ...own, defaultBackend: service('globex-web') }), alice, { oldObject: before }).violations),
    [denial('spec.defaultBackend.service.name', 'Service globex-web belongs to tenant "globex", not "acme"')])
})

t.test('platform admins act for every tenant, and are judged on references like anyone', async (t) => {
  t.same(judge(ingress('acme', own), admin).violations, [], 'acme\'s Ingress, written by an admin')
  t.same(judge(ingress('acme', { ...own, tls: [{ secretName: 'globex-tls' }] }), admin).violations,
    [denial('spec.tls[0].secretName', 'Secret globex-tls belongs to tenant "globex", not "acme"')], 'the leak is the same whoever writes it')
  t.equal(judge(ingress(undefined, { defaultBackend: service('acme-web') }), admin).allowed, false, 'an admin\'s Ingress still carries a tenant')
})

t.test('a trusted controller may keep what exists; a change is judged', async (t) => {
  const dangling = ingress('acme', { defaultBackend: service('deleted') })
  const finalized = { ...dangling, metadata: { ...dangling.metadata, finalizers: ['example.com/cleanup'] } }
  t.same(judge(finalized, gc, { oldObject: dangling }).violations, [], 'upkeep of an Ingress whose Service was deleted since')
  t.equal(refs(judge(ingress('acme', { defaultBackend: service('globex-web') }), gc, { oldObject: dangling }).violations).length, 1, 'changing a backend')
  t.equal(refs(judge(dangling, gc).violations).length, 1, 'a controller\'s create')
  t.equal(refs(judge(finalized, alice, { oldObject: dangling }).violations).length, 1, 'a tenant\'s update of it is judged in full')
})

t.test('only Ingresses, only in shared namespaces, only online, by the policy\'s enforcement', async (t) => {
  const theirs = ingress('acme', { defaultBackend: service('globex-web') })
  t.same(judge(ingress(undefined, { defaultBackend: service('elsewhere') }), alice, { ns: ACME }).violations, [], 'a dedicated namespace: its tenant\'s alone')
  t.same(judge(theirs, undefined).violations, [], 'offline: no requester, request rules are not run')
  const notIngress = validate({ ...request(theirs, alice), kind: 'Gateway' }, MALL, policy, LIVE)
  t.same(refs(notIngress.violations), [], 'another kind with the same fields is not read as an Ingress')
  const warned = judge(theirs, alice, { policy: parsePolicy('tenants: {acme: {users: [alice]}}\nrules: {cross-tenant-reference: warn}', 'warn') })
  t.equal(warned.allowed, true)
  t.match(warned.warnings, [{ rule: 'cross-tenant-reference', path: 'Ingress/shop: spec.defaultBackend.service.name' }])
  const off = parsePolicy('tenants: {acme: {users: [alice]}}\nrules: {cross-tenant-reference: "off"}', 'off')
  t.same(judge(theirs, alice, { policy: off }), { allowed: true, violations: [], warnings: [] })
  const asked: string[] = []
  const counting: ResourceLookup = { labelsOf: (kind, namespace, name) => { asked.push(`${kind}/${namespace}/${name}`); return LIVE.labelsOf(kind, namespace, name) }, exhaustive: true }
  judge(theirs, alice, { policy: off, lookup: counting })
  t.same(asked, [], 'a rule that is off is not run: it names nothing to read live')
  judge(theirs, alice, { lookup: counting })
  t.ok(asked.length > 0, 'on, it reads what the Ingress names')
})

t.test('a policy exception (kind *) turns the denial into a warning until it expires', async (t) => {
  const excepted = parsePolicy(`
tenants: {acme: {users: [alice]}}
exceptions:
  - {namespace: mall, name: shop, kind: '*', rules: [cross-tenant-reference], expires: '2030-01-01T00:00:00Z', reason: shared wildcard certificate}
`, 'exception policy')
  const object = ingress('acme', { ...own, tls: [{ secretName: 'globex-tls' }] })
  const r = validate(request(object, alice), MALL, excepted, LIVE, new Date('2029-01-01T00:00:00Z'))
  t.equal(r.allowed, true)
  t.match(r.warnings, [{ rule: 'cross-tenant-reference', exception: { reason: 'shared wildcard certificate' } }])
  t.equal(validate(request(object, alice), MALL, excepted, LIVE, new Date('2031-01-01T00:00:00Z')).allowed, false, 'expired')
})

t.test('malformed and hostile input: no crash, no prototype lookups', async (t) => {
  const odd = [
    { spec: null }, { spec: 'x' }, { spec: { rules: 'x', tls: { secretName: 'globex-tls' }, defaultBackend: [] } },
    { spec: { rules: [null, 3, { http: null }, { http: { paths: [null, { backend: null }, { backend: { service: 'globex-web' } }] } }] } },
    { spec: { defaultBackend: { service: { name: 7 } }, tls: [null, { secretName: ['globex-tls'] }] } },
  ]
  for (const o of odd) {
    const object = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'shop', labels: labelled('acme') }, ...o } as KubernetesObject
    t.doesNotThrow(() => judge(object, alice), JSON.stringify(o))
    t.same(refs(judge(object, alice).violations), [], `${JSON.stringify(o)}: names nothing`)
  }
  const proto = JSON.parse('{"defaultBackend": {"service": {"name": "__proto__"}}, "tls": [{"secretName": "constructor"}]}') as Spec
  t.same(refs(judge(ingress('acme', proto), alice).violations).map((v) => v.message),
    ['Service __proto__ does not exist in namespace mall', 'Secret constructor does not exist in namespace mall'], 'names like prototype members are names')
})

// The oracle: the generator knows the tenant of every object it names (or that it is missing or a
// resource backend); the rule must admit exactly the Ingresses that name only acme's objects.
const OWNER: Record<string, string | undefined> = {
  'acme-web': 'acme', 'acme-api': 'acme', 'globex-web': 'globex', unlabelled: undefined, missing: undefined,
  'acme-tls': 'acme', 'globex-tls': 'globex', 'unlabelled-tls': undefined, 'missing-tls': undefined,
}
const backend: fc.Arbitrary<V1IngressBackend> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('acme-web', 'acme-api', 'globex-web', 'unlabelled', 'missing').map(service) },
  { weight: 1, arbitrary: fc.constant({ resource: { kind: 'Bucket', name: 'b' } }) },
)
const spec: fc.Arbitrary<Spec> = fc.record({
  defaultBackend: backend,
  rules: fc.array(fc.array(backend, { maxLength: 3 }).map((bs) => route(...bs)), { maxLength: 3 }),
  tls: fc.array(fc.constantFrom('acme-tls', 'globex-tls', 'unlabelled-tls', 'missing-tls').map((secretName) => ({ secretName })), { maxLength: 2 }),
}, { requiredKeys: [] })

function onlyAcmes(s: Spec): boolean {
  const backends = [...(s.defaultBackend ? [s.defaultBackend] : []), ...(s.rules ?? []).flatMap((r) => (r.http?.paths ?? []).map((p) => p.backend))]
  return backends.every((b) => b.resource === undefined && OWNER[b.service?.name ?? ''] === 'acme') &&
    (s.tls ?? []).every((tls) => OWNER[tls.secretName ?? ''] === 'acme')
}

t.test('property: an Ingress is admitted exactly when everything it names is acme\'s', async (t) => {
  let admitted = 0
  fc.assert(fc.property(spec, (s) => {
    const allowed = judge(ingress('acme', s), alice).allowed
    if (allowed) admitted++
    return allowed === onlyAcmes(s)
  }), { numRuns: 2000, seed: 7 })
  t.ok(admitted > 50, `${admitted} of 2000 generated Ingresses admitted: the property is not vacuous`)
})
