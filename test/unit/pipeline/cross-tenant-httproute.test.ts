// cross-tenant-reference on Gateway API HTTPRoutes: in a shared namespace an HTTPRoute carries its
// tenant, and every backendRef it names (a rule's, a backendRef's own filters', a rule filter's
// requestMirror) must be a Service of that tenant in the route's namespace; another group or kind,
// another namespace, or an extensionRef filter is denied; a parentRef to a core Service (GAMMA) is
// judged as a backendRef, one to a Gateway is not. The same code
// path as Ingresses (routeReferencesOf); a property against an ownership oracle.
import type { KubernetesObject } from '@kubernetes/client-node'
import fc from 'fast-check'
import t from 'tap'
import { formatDenial, validate, type AdmissionRequestInfo, type NamespaceInfo, type ResourceLookup, type Violation } from '../../../src/pipeline/index.js'
import type { Policy } from '../../../src/policy/index.js'
import { parsePolicy } from '../../../src/policy/parse.js'
import { ACME, MALL, lookupOf } from '../../fixtures/support.js'
import { TENANT, admin, alice, bob, gc, policy, type Who } from '../../fixtures/tenancy.js'


// What the API server holds in namespace mall: read live, so a name it lacks does not exist.
const OBJECTS: Record<string, Record<string, string>> = {
  'Service/mall/acme-web': { [TENANT]: 'acme' },
  'Service/mall/acme-canary': { [TENANT]: 'acme' },
  'Service/mall/globex-web': { [TENANT]: 'globex' },
  'Service/mall/unlabelled': {},
  'Secret/mall/acme-secret': { [TENANT]: 'acme' },
}
const LIVE: ResourceLookup = { ...lookupOf(OBJECTS), exhaustive: true }

type Json = Record<string, unknown>
const labelled = (tenant: string | undefined): Record<string, string> => (tenant ? { [TENANT]: tenant } : {})
const ref = (name: string, more: Json = {}): Json => ({ name, port: 80, ...more })
const mirror = (backendRef: Json): Json => ({ type: 'RequestMirror', requestMirror: { backendRef } })
const rule = (...backendRefs: Json[]): Json => ({ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs })
const PARENT = { parentRefs: [{ name: 'shared-gateway', namespace: 'gateways' }], hostnames: ['shop.acme.example'] }
const route = (tenant: string | undefined, rules: Json[], name = 'shop'): KubernetesObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name, labels: labelled(tenant) }, spec: { ...PARENT, rules },
} as KubernetesObject)
const own = [rule(ref('acme-web', { weight: 90 }), ref('acme-canary', { weight: 10 }))]

function request(object: KubernetesObject, who: Who | undefined, opts: { oldObject?: KubernetesObject; ns?: NamespaceInfo } = {}): AdmissionRequestInfo {
  return {
    operation: opts.oldObject ? 'UPDATE' : 'CREATE', kind: 'HTTPRoute', namespace: (opts.ns ?? MALL).name, object,
    ...(opts.oldObject ? { oldObject: opts.oldObject } : {}),
    ...(who ? { userInfo: { username: who.username, groups: who.groups ?? [] } } : {}),
  }
}
interface Opts { oldObject?: KubernetesObject; ns?: NamespaceInfo; policy?: Policy; lookup?: ResourceLookup }
const judge = (object: KubernetesObject, who: Who | undefined, opts: Opts = {}) =>
  validate(request(object, who, opts), opts.ns ?? MALL, opts.policy ?? policy, opts.lookup ?? LIVE)
const refs = (violations: Violation[]) => violations.filter((v) => v.rule === 'cross-tenant-reference')
const denial = (path: string, message: string): Violation => ({ rule: 'cross-tenant-reference', path: `HTTPRoute/shop: ${path}`, message })

t.test('its own Services: admitted, whatever Gateway it attaches to', async (t) => {
  t.same(judge(route('acme', own), alice), { allowed: true, violations: [], warnings: [] })
  const explicit = [rule(ref('acme-web', { group: '', kind: 'Service', namespace: 'mall' }))]
  t.same(judge(route('acme', explicit), alice).violations, [], 'group "", kind Service and its own namespace spelled out (as the API server defaults them)')
  t.same(judge(route('acme', [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }] }]), alice).violations,
    [], 'a rule with no backendRefs (a redirect) routes to nothing')
  const anyParent = { ...route('acme', own), spec: { parentRefs: [{ group: 'example.com', kind: 'Mesh', name: 'globex-gateway', namespace: 'globex' }], rules: own } } as KubernetesObject
  t.same(judge(anyParent, alice).violations, [], 'parentRefs to Gateways (or anything but a core Service) are the platform\'s business: not judged')
})

t.test('a parentRef to a Service (GAMMA, a mesh route of that Service\'s traffic) names it as a backendRef does', async (t) => {
  const withParents = (parentRefs: Json[]): KubernetesObject => ({ ...route('acme', own), spec: { parentRefs, rules: own } } as KubernetesObject)
  const service = (name: string, more: Json = {}): Json => ({ group: '', kind: 'Service', name, ...more })
  t.same(judge(withParents([service('acme-web')]), alice).violations, [], 'its own Service: admitted')
  t.same(judge(withParents([service('globex-web')]), alice).violations,
    [denial('spec.parentRefs[0].name', 'Service globex-web belongs to tenant "globex", not "acme"')], 'taking over another tenant\'s Service traffic is denied')
  t.same(judge(withParents([{ name: 'shared-gateway' }, service('gone')]), alice).violations,
    [denial('spec.parentRefs[1].name', 'Service gone does not exist in namespace mall')], 'a missing one, by index')
  t.equal(judge(withParents([service('acme-web', { namespace: 'globex-ns' })]), alice).violations[0]?.path, 'HTTPRoute/shop: spec.parentRefs[0].namespace', 'another namespace is refused')
  t.same(judge(withParents([{ kind: 'Service', name: 'globex-web' }]), alice).violations, [],
    'without group "" it is not a core Service (a parentRef\'s group defaults to gateway.networking.k8s.io): the platform\'s')
})

t.test('backendRefs: another tenant\'s, an unlabelled or a missing Service is denied, by rule and index', async (t) => {
  const r = judge(route('acme', [rule(ref('acme-web')), rule(ref('acme-canary'), ref('globex-web'))]), alice)
  t.equal(r.allowed, false)
  t.same(r.violations, [denial('spec.rules[1].backendRefs[1].name', 'Service globex-web belongs to tenant "globex", not "acme"')])
  t.same(refs(judge(route('acme', [rule(ref('unlabelled'))]), alice).violations),
    [denial('spec.rules[0].backendRefs[0].name', 'Service unlabelled has no tenant label, not "acme"')])
  t.same(refs(judge(route('acme', [rule(ref('later'))]), alice).violations),
    [denial('spec.rules[0].backendRefs[0].name', 'Service later does not exist in namespace mall')], 'missing, read live')
  t.same(refs(judge(route('acme', [rule(ref('acme-secret'))]), alice).violations),
    [denial('spec.rules[0].backendRefs[0].name', 'Service acme-secret does not exist in namespace mall')], 'a Secret of that name is not the Service')
  t.same(judge(route('acme', [rule(ref('later'))]), alice, { lookup: lookupOf(OBJECTS) }).violations, [], 'a lookup that cannot tell missing from unknown does not judge it')
})

t.test('filters: requestMirror on a rule and on a backendRef, and any filter naming a backendRef', async (t) => {
  const mirrored = { ...rule(ref('acme-web')), filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x', value: 'y' }] } }, mirror(ref('globex-web'))] }
  t.same(judge(route('acme', [mirrored]), alice).violations,
    [denial('spec.rules[0].filters[1].requestMirror.backendRef.name', 'Service globex-web belongs to tenant "globex", not "acme"')], 'copying acme\'s traffic to globex')
  const perBackend = rule(ref('acme-web', { filters: [mirror(ref('globex-web'))] }))
  t.same(judge(route('acme', [perBackend]), alice).violations,
    [denial('spec.rules[0].backendRefs[0].filters[0].requestMirror.backendRef.name', 'Service globex-web belongs to tenant "globex", not "acme"')])
  t.same(judge(route('acme', [{ ...rule(ref('acme-web')), filters: [mirror(ref('acme-canary'))] }]), alice).violations, [], 'mirroring to its own Service')
  const externalAuth = { ...rule(ref('acme-web')), filters: [{ type: 'ExternalAuth', externalAuth: { protocol: 'HTTP', backendRef: ref('globex-web') } }] }
  t.same(judge(route('acme', [externalAuth]), alice).violations,
    [denial('spec.rules[0].filters[0].externalAuth.backendRef.name', 'Service globex-web belongs to tenant "globex", not "acme"')], 'an experimental filter with a backendRef too')
  const extension = { ...rule(ref('acme-web')), filters: [{ type: 'ExtensionRef', extensionRef: { group: 'example.com', kind: 'AuthPolicy', name: 'globex-auth' } }] }
  t.same(judge(route('acme', [extension]), alice).violations, [denial('spec.rules[0].filters[0].extensionRef',
    'an extensionRef filter can name any object in the namespace, of any tenant: route to a Service of tenant "acme" with standard filters only')])
})

t.test('another group or kind is denied: no tenant label of it is read', async (t) => {
  const message = (what: string) => `a backendRef to ${what} can name any object in the namespace, of any tenant: route to a Service of tenant "acme" (group "", kind Service)`
  t.same(judge(route('acme', [rule(ref('acme-web'), ref('acme-pool', { group: 'inference.networking.k8s.io', kind: 'InferencePool' }))]), alice).violations,
    [denial('spec.rules[0].backendRefs[1]', message('InferencePool.inference.networking.k8s.io acme-pool'))])
  t.same(judge(route('acme', [rule(ref('acme-web', { kind: 'ServiceImport' }))]), alice).violations,
    [denial('spec.rules[0].backendRefs[0]', message('ServiceImport acme-web'))], 'a core kind other than Service')
  t.same(judge(route('acme', [rule(ref('acme-web', { group: 'multicluster.x-k8s.io', kind: 'Service' }))]), alice).violations,
    [denial('spec.rules[0].backendRefs[0]', message('Service.multicluster.x-k8s.io acme-web'))], 'a Service of another group')
  t.same(judge(route('acme', [{ ...rule(ref('acme-web')), filters: [mirror(ref('b', { group: 'example.com', kind: 'Bucket' }))] }]), alice).violations,
    [denial('spec.rules[0].filters[0].requestMirror.backendRef', message('Bucket.example.com b'))], 'a mirror of another kind')
})

t.test('another namespace is denied: cross-namespace references are the platform\'s (ReferenceGrant)', async (t) => {
  const message = 'a backendRef to namespace globex leaves this shared namespace, which only a ReferenceGrant the platform controls may open: route to a Service of tenant "acme" in this namespace (no namespace)'
  t.same(judge(route('acme', [rule(ref('acme-web'), ref('web', { namespace: 'globex' }))]), alice).violations,
    [denial('spec.rules[0].backendRefs[1].namespace', message)])
  t.same(judge(route('acme', [rule(ref('acme-web', { filters: [mirror(ref('web', { namespace: 'globex' }))] }))]), alice).violations,
    [denial('spec.rules[0].backendRefs[0].filters[0].requestMirror.backendRef.namespace', message)], 'a mirror to another namespace')
  t.same(judge(route('acme', [rule(ref('web', { namespace: 'globex' }))]), admin).violations, [denial('spec.rules[0].backendRefs[0].namespace', message)], 'an admin\'s too')
})

t.test('it must carry a tenant label; only its tenant may make it carry one (tenant-identity)', async (t) => {
  const message = "an HTTPRoute in a shared namespace must carry its tenant's label, and route only to that tenant's Services"
  t.same(judge(route(undefined, own), alice).violations, [denial(`metadata.labels[${TENANT}]`, message)])
  t.same(judge(route('', own), alice).violations, [denial(`metadata.labels[${TENANT}]`, message)], 'an empty label is none')
  t.same(judge(route('acme', own), bob).violations, [{ rule: 'tenant-identity', path: `HTTPRoute/shop: metadata.labels[${TENANT}]`, message: 'user "bob" does not act for tenant "acme"' }],
    'globex claiming acme\'s route to acme\'s Services: tenant-identity')
  const taken = judge(route('globex', own), bob, { oldObject: route('acme', own) })
  t.match(taken.violations.map((v) => v.message), ['user "bob" does not act for tenant "acme" (this update takes it away)', /Service acme-web belongs to tenant "acme", not "globex"/, /Service acme-canary/])
  t.same(judge(route('globex', [rule(ref('globex-web'))]), bob).violations, [], 'globex\'s own')
})

t.test('all findings at once, one line each', async (t) => {
  const r = judge(route('globex', [{ ...rule(ref('acme-web'), ref('x', { namespace: 'acme' })), filters: [mirror(ref('acme-canary'))] }]), bob)
  t.equal(formatDenial(r.violations), [
    'cross-tenant-reference: HTTPRoute/shop: spec.rules[0].backendRefs[1].namespace: a backendRef to namespace acme leaves this shared namespace, which only a ReferenceGrant the platform controls may open: route to a Service of tenant "globex" in this namespace (no namespace)',
    'cross-tenant-reference: HTTPRoute/shop: spec.rules[0].filters[0].requestMirror.backendRef.name: Service acme-canary belongs to tenant "acme", not "globex"',
    'cross-tenant-reference: HTTPRoute/shop: spec.rules[0].backendRefs[0].name: Service acme-web belongs to tenant "acme", not "globex"',
  ].join('\n'))
})

t.test('UPDATE is judged; admins are judged on references; a trusted controller may keep what exists', async (t) => {
  const before = route('acme', own)
  t.same(judge(route('acme', [rule(ref('acme-web'))]), alice, { oldObject: before }).violations, [])
  t.same(refs(judge(route('acme', [rule(ref('acme-web'), ref('globex-web'))]), alice, { oldObject: before }).violations),
    [denial('spec.rules[0].backendRefs[1].name', 'Service globex-web belongs to tenant "globex", not "acme"')], 'adding globex\'s Service to an admitted route')
  t.same(judge(route('acme', own), admin).violations, [], 'acme\'s route, written by an admin')
  t.same(judge(route('acme', [rule(ref('globex-web'))]), admin).violations,
    [denial('spec.rules[0].backendRefs[0].name', 'Service globex-web belongs to tenant "globex", not "acme"')], 'the leak is the same whoever writes it')
  const dangling = route('acme', [rule(ref('deleted'))])
  const finalized = { ...dangling, metadata: { ...dangling.metadata, finalizers: ['gateway.example.com/cleanup'] } }
  t.same(judge(finalized, gc, { oldObject: dangling }).violations, [], 'upkeep of a route whose Service was deleted since')
  t.equal(refs(judge(route('acme', [rule(ref('globex-web'))]), gc, { oldObject: dangling }).violations).length, 1, 'a controller changing a backendRef')
})

t.test('only in shared namespaces, only online, by the policy\'s enforcement and exceptions', async (t) => {
  const theirs = route('acme', [rule(ref('globex-web'))])
  t.same(judge(route(undefined, [rule(ref('anything', { namespace: 'elsewhere' }))]), alice, { ns: ACME }).violations, [], 'a dedicated namespace: its tenant\'s alone')
  t.same(judge(theirs, undefined).violations, [], 'offline: request rules are not run')
  t.same(refs(validate({ ...request(theirs, alice), kind: 'GRPCRoute' }, MALL, policy, LIVE).violations), [], 'a kind the rule does not know is not read as an HTTPRoute')
  const warned = judge(theirs, alice, { policy: parsePolicy('tenants: {acme: {users: [alice]}}\nrules: {cross-tenant-reference: warn}', 'warn') })
  t.equal(warned.allowed, true)
  t.match(warned.warnings, [{ rule: 'cross-tenant-reference', path: 'HTTPRoute/shop: spec.rules[0].backendRefs[0].name' }])
  const excepted = parsePolicy(`
tenants: {acme: {users: [alice]}}
exceptions:
  - {namespace: mall, name: shop, kind: '*', rules: [cross-tenant-reference], expires: '2030-01-01T00:00:00Z', reason: shared search backend}
`, 'exception policy')
  const r = validate(request(theirs, alice), MALL, excepted, LIVE, new Date('2029-01-01T00:00:00Z'))
  t.equal(r.allowed, true, 'an exception (kind *: the enum names pods and pod controllers)')
  t.equal(validate(request(theirs, alice), MALL, excepted, LIVE, new Date('2031-01-01T00:00:00Z')).allowed, false, 'expired')
})

t.test('malformed and hostile input: no crash, no prototype lookups', async (t) => {
  const odd: Json[] = [
    { spec: null }, { spec: { rules: 'x' } }, { spec: { rules: [null, 3, { backendRefs: 'x', filters: {} }] } },
    { spec: { rules: [{ backendRefs: [null, { name: 7 }, { kind: 'Bucket' }, { filters: [null, 'x', { requestMirror: null }] }] }] } },
    { spec: { rules: [{ filters: [{ requestMirror: { backendRef: null } }, { requestMirror: 'x' }, { extensionRef: null }] }] } },
  ]
  for (const o of odd) {
    const object = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'shop', labels: labelled('acme') }, ...o } as KubernetesObject
    t.doesNotThrow(() => judge(object, alice), JSON.stringify(o))
    t.same(refs(judge(object, alice).violations), [], `${JSON.stringify(o)}: names nothing`)
  }
  const proto = JSON.parse('[{"backendRefs": [{"name": "__proto__"}], "filters": [{"__proto__": {"backendRef": {"name": "constructor"}}}]}]') as Json[]
  t.same(refs(judge(route('acme', proto), alice).violations).map((v) => v.message),
    ['Service constructor does not exist in namespace mall', 'Service __proto__ does not exist in namespace mall'], 'names and filter types like prototype members are data')
})

// The oracle: the generator knows where every backendRef leads (acme's, globex's, unlabelled,
// missing, another kind, another namespace); the rule must admit exactly the routes whose every
// backendRef, wherever it is, is acme's Service in mall.
const TARGETS: Record<string, Json> = {
  acme: ref('acme-web'), acme2: ref('acme-canary', { group: '', kind: 'Service', namespace: 'mall' }), globex: ref('globex-web'),
  unlabelled: ref('unlabelled'), missing: ref('gone'), kind: ref('acme-web', { group: 'example.com', kind: 'Bucket' }), away: ref('acme-web', { namespace: 'acme' }),
}
const target = fc.constantFrom(...Object.keys(TARGETS))
const backend = fc.record({ to: target, mirrors: fc.array(target, { maxLength: 1 }) })
const ruleSpec = fc.record({ backends: fc.array(backend, { maxLength: 3 }), mirrors: fc.array(target, { maxLength: 1 }) })
const build = (rules: Array<{ backends: Array<{ to: string; mirrors: string[] }>; mirrors: string[] }>): Json[] => rules.map((r) => ({
  backendRefs: r.backends.map((b) => ({ ...TARGETS[b.to], ...(b.mirrors.length ? { filters: b.mirrors.map((m) => mirror(TARGETS[m] ?? {})) } : {}) })),
  ...(r.mirrors.length ? { filters: r.mirrors.map((m) => mirror(TARGETS[m] ?? {})) } : {}),
}))

t.test('property: an HTTPRoute is admitted exactly when every backendRef is acme\'s Service in mall', async (t) => {
  let admitted = 0
  fc.assert(fc.property(fc.array(ruleSpec, { maxLength: 3 }), (rules) => {
    const named = rules.flatMap((r) => [...r.mirrors, ...r.backends.flatMap((b) => [b.to, ...b.mirrors])])
    const allowed = judge(route('acme', build(rules)), alice).allowed
    if (allowed) admitted++
    return allowed === named.every((n) => n === 'acme' || n === 'acme2')
  }), { numRuns: 2000, seed: 11 })
  t.ok(admitted > 50, `${admitted} of 2000 generated HTTPRoutes admitted: the property is not vacuous`)
})
