// tenant-selector: in a shared namespace a NetworkPolicy, Service or PodDisruptionBudget selects
// only pods of the tenant it carries (and tenant-identity decides who may make it carry one).
// Each kind both ways, the selector forms (matchLabels, matchExpressions, empty, missing), who is
// exempt, and a property checked against a brute-force label-selector matcher: whatever the rule
// admits selects no pod of another tenant.
import type { KubernetesObject, V1LabelSelector, V1LabelSelectorRequirement } from '@kubernetes/client-node'
import fc from 'fast-check'
import t from 'tap'
import { REQUEST_RULES, formatDenial, validate, type AdmissionRequestInfo, type NamespaceInfo, type Violation } from '../../../src/pipeline/index.js'
import type { Policy } from '../../../src/policy/index.js'
import { parsePolicy } from '../../../src/policy/parse.js'
import { ACME, MALL, NO_LOOKUP } from '../../fixtures/support.js'
import { TENANT, admin, alice, bob, gc, policy, type Who } from '../../fixtures/tenancy.js'


function request(object: KubernetesObject, who: Who | undefined, opts: { oldObject?: KubernetesObject; ns?: NamespaceInfo } = {}): AdmissionRequestInfo {
  return {
    operation: opts.oldObject ? 'UPDATE' : 'CREATE', kind: object.kind ?? '', namespace: (opts.ns ?? MALL).name, object,
    ...(opts.oldObject ? { oldObject: opts.oldObject } : {}),
    ...(who ? { userInfo: { username: who.username, groups: who.groups ?? [] } } : {}),
  }
}
const judge = (object: KubernetesObject, who: Who | undefined, opts: { oldObject?: KubernetesObject; ns?: NamespaceInfo; policy?: Policy } = {}) =>
  validate(request(object, who, opts), opts.ns ?? MALL, opts.policy ?? policy, NO_LOOKUP)
const selectorOnly = (violations: Violation[]) => violations.filter((v) => v.rule === 'tenant-selector')
const labelled = (tenant: string | undefined): Record<string, string> => (tenant ? { [TENANT]: tenant } : {})

const networkPolicy = (tenant: string | undefined, podSelector: V1LabelSelector | undefined): KubernetesObject => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'open', labels: labelled(tenant) },
  spec: { ...(podSelector ? { podSelector } : {}), policyTypes: ['Ingress'], ingress: [{}] },
} as KubernetesObject)
const pdb = (tenant: string | undefined, selector: V1LabelSelector | undefined): KubernetesObject => ({
  apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'hold', labels: labelled(tenant) },
  spec: { minAvailable: '100%', ...(selector ? { selector } : {}) },
} as KubernetesObject)
const service = (tenant: string | undefined, selector: Record<string, string> | undefined, type = 'ClusterIP'): KubernetesObject => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: labelled(tenant) },
  spec: { type, ports: [{ port: 80 }], ...(selector ? { selector } : {}) },
} as KubernetesObject)
const labelKinds = [['NetworkPolicy', networkPolicy, 'spec.podSelector'], ['PodDisruptionBudget', pdb, 'spec.selector']] as const

const own: V1LabelSelector = { matchLabels: { app: 'web', [TENANT]: 'acme' } }
const expr = (...requirements: V1LabelSelectorRequirement[]): V1LabelSelector => ({ matchExpressions: requirements })
const tenantIn = (...values: string[]): V1LabelSelectorRequirement => ({ key: TENANT, operator: 'In', values })

t.test('a request rule with an id, a summary, judged on UPDATE', async (t) => {
  const rule = REQUEST_RULES.find((r) => r.id === 'tenant-selector')
  t.ok(rule)
  t.equal(rule?.appliesOnUpdate, true)
  t.match(rule?.summary, /NetworkPolicy.*Service.*PodDisruptionBudget/)
})

for (const [kind, make, path] of labelKinds) {
  t.test(`${kind}: a selector pinned to its own tenant is admitted`, async (t) => {
    t.same(judge(make('acme', own), alice).violations, [], 'matchLabels')
    t.same(judge(make('acme', expr(tenantIn('acme'))), alice).violations, [], 'matchExpressions In [acme]')
    t.same(judge(make('acme', expr(tenantIn('acme', 'acme'), { key: 'app', operator: 'Exists' })), alice).violations, [], 'In with only acme, beside another requirement')
    t.same(judge(make('acme', expr(tenantIn('acme', 'globex'), tenantIn('acme'))), alice).violations, [], 'requirements are ANDed: one In [acme] is enough')
    t.same(judge(make('acme', { matchLabels: { [TENANT]: 'acme' }, matchExpressions: [{ key: TENANT, operator: 'NotIn', values: ['globex'] }] }), alice).violations, [])
  })

  t.test(`${kind}: a selector that can pick another tenant's pods is denied, naming rule, field and fix`, async (t) => {
    const denied = judge(make('acme', { matchLabels: { app: 'web', [TENANT]: 'globex' } }), alice)
    t.equal(denied.allowed, false)
    t.same(denied.violations, [{
      rule: 'tenant-selector', path: `${kind}/${make('acme', undefined).metadata?.name}: ${path}`,
      message: `lets ${TENANT} be "globex", not only its own tenant "acme": pin it with matchLabels {${TENANT}: acme} (the ${kind} carries tenant "acme")`,
    }])
    const cases: [string, V1LabelSelector][] = [
      ['In [acme, globex]', expr(tenantIn('acme', 'globex'))],
      ['NotIn [acme]', expr({ key: TENANT, operator: 'NotIn', values: ['acme'] })],
      ['NotIn [globex]: any other tenant still matches', expr({ key: TENANT, operator: 'NotIn', values: ['globex'] })],
      ['Exists', expr({ key: TENANT, operator: 'Exists' })],
      ['only the instance label, which another tenant\'s pod can carry', { matchLabels: { 'app.kubernetes.io/instance': 'acme' } }],
      ['In on another key', expr({ key: 'tenant', operator: 'In', values: ['acme'] })],
    ]
    for (const [name, selector] of cases) {
      t.match(selectorOnly(judge(make('acme', selector), alice).violations), [{ path: new RegExp(`${path}$`) }], name)
    }
  })

  t.test(`${kind}: an empty selector selects every pod: denied`, async (t) => {
    for (const empty of [{}, { matchLabels: {} }, { matchLabels: {}, matchExpressions: [] }]) {
      t.match(selectorOnly(judge(make('acme', empty), alice).violations), [{ message: /^is empty, so it selects every pod in the namespace, of every tenant/ }], JSON.stringify(empty))
    }
  })

  t.test(`${kind}: it must carry a tenant, and only its tenant may make it carry one`, async (t) => {
    t.same(selectorOnly(judge(make(undefined, own), alice).violations), [{
      rule: 'tenant-selector', path: `${kind}/${make('acme', undefined).metadata?.name}: metadata.labels[${TENANT}]`,
      message: `a ${kind} in a shared namespace must carry its tenant's label, and its selector must pin that tenant`,
    }])
    t.equal(selectorOnly(judge(make('', own), alice).violations).length, 1, 'an empty tenant label is none')
    const spoofed = judge(make('acme', own), bob)
    t.same(spoofed.violations.map((v) => v.rule), ['tenant-identity'], 'globex labelling it acme: tenant-identity')
    t.match(spoofed.violations[0], { message: 'user "bob" does not act for tenant "acme"' })
    t.same(judge(make('globex', { matchLabels: { [TENANT]: 'globex' } }), bob).violations, [], 'globex\'s own')
  })
}

t.test('NetworkPolicy: a missing podSelector is the empty one', async (t) => {
  t.match(selectorOnly(judge(networkPolicy('acme', undefined), alice).violations), [{ path: 'NetworkPolicy/open: spec.podSelector', message: /^is empty/ }])
})

t.test('PodDisruptionBudget: a missing selector selects no pod (policy/v1): admitted', async (t) => {
  t.same(judge(pdb('acme', undefined), alice).violations, [])
})

t.test('Service: the selector must include the tenant', async (t) => {
  for (const type of ['ClusterIP', 'NodePort', 'LoadBalancer']) {
    t.same(judge(service('acme', { app: 'web', [TENANT]: 'acme' }, type), alice).violations, [], `${type}: own tenant`)
    t.same(selectorOnly(judge(service('acme', { app: 'web', [TENANT]: 'globex' }, type), alice).violations), [{
      rule: 'tenant-selector', path: 'Service/web: spec.selector',
      message: `selects pods of tenant "globex", not of its own tenant "acme": make it select ${TENANT}: acme (the Service carries tenant "acme")`,
    }], `${type}: globex's pods`)
    t.match(selectorOnly(judge(service('acme', { 'app.kubernetes.io/instance': 'acme' }, type), alice).violations), [{
      path: 'Service/web: spec.selector', message: new RegExp(`^does not include ${TENANT}, so other tenants' pods can become its endpoints`),
    }], `${type}: no tenant in the selector`)
  }
  t.same(judge(service('acme', undefined), alice).violations, [], 'no selector: it selects no pods')
  t.same(judge(service('acme', {}), alice).violations, [], 'an empty selector is no selector for a Service')
  t.same(judge(service('acme', undefined, 'ExternalName'), alice).violations, [], 'ExternalName')
  t.equal(judge(service(undefined, undefined), alice).allowed, false, 'it still carries its tenant')
})

t.test('UPDATE is judged: repointing an admitted object at another tenant is denied', async (t) => {
  const before = networkPolicy('acme', own)
  t.same(judge(networkPolicy('acme', { ...own, matchLabels: { ...own.matchLabels, app: 'api' } }), alice, { oldObject: before }).violations, [])
  t.equal(judge(networkPolicy('acme', {}), alice, { oldObject: before }).allowed, false)
  t.equal(judge(service('acme', { [TENANT]: 'globex' }), alice, { oldObject: service('acme', { [TENANT]: 'acme' }) }).allowed, false)
})

t.test('platform admins may select anything; trusted controllers may keep what exists', async (t) => {
  t.same(judge(networkPolicy(undefined, {}), admin).violations, [], 'a namespace-wide default-deny by a platform admin')
  t.same(judge(pdb('acme', { matchLabels: { app: 'web' } }), admin).violations, [])
  const old = service('acme', { app: 'web' })
  const finalized = { ...old, metadata: { ...old.metadata, finalizers: ['service.kubernetes.io/load-balancer-cleanup'] } }
  t.same(selectorOnly(judge(finalized, gc, { oldObject: old }).violations), [], 'a controller\'s upkeep of an object that predates the rule')
  t.equal(selectorOnly(judge(service('acme', { app: 'db' }), gc, { oldObject: old }).violations).length, 1, 'a controller changing the selector is judged')
  t.equal(selectorOnly(judge(service('acme', { app: 'web' }), gc).violations).length, 1, 'a controller\'s create is judged')
  t.equal(selectorOnly(judge(networkPolicy('acme', {}), { username: 'mallory', groups: ['platform-admins'] }).violations).length, 1, 'a group named like admins is not the policy\'s')
})

t.test('only in shared namespaces, only online, by the policy\'s enforcement', async (t) => {
  t.same(judge(networkPolicy(undefined, {}), bob, { ns: ACME }).violations, [], 'a dedicated namespace: unchanged')
  t.same(judge(networkPolicy(undefined, {}), undefined).violations, [], 'offline: no requester, request rules are not run')
  const warn = parsePolicy('tenants: {acme: {users: [alice]}}\nrules: {tenant-selector: warn}', 'warn policy')
  const warned = judge(networkPolicy('acme', {}), alice, { policy: warn })
  t.equal(warned.allowed, true)
  t.match(warned.warnings, [{ rule: 'tenant-selector' }])
  const off = parsePolicy('tenants: {acme: {users: [alice]}}\nrules: {tenant-selector: "off"}', 'off policy')
  t.same(judge(networkPolicy('acme', {}), alice, { policy: off }), { allowed: true, violations: [], warnings: [] })
})

t.test('a policy exception (kind *: its kind list names Pods and pod controllers only) turns the denial into a warning until it expires', async (t) => {
  const excepted = parsePolicy(`
tenants: {acme: {users: [alice]}}
exceptions:
  - {namespace: mall, name: open, kind: '*', rules: [tenant-selector], expires: '2030-01-01T00:00:00Z', reason: migrating}
`, 'exception policy')
  const object = networkPolicy('acme', {})
  const now = new Date('2029-01-01T00:00:00Z')
  const r = validate(request(object, alice), MALL, excepted, NO_LOOKUP, now)
  t.equal(r.allowed, true)
  t.match(r.warnings, [{ rule: 'tenant-selector', exception: { reason: 'migrating' } }])
  t.equal(validate(request(object, alice), MALL, excepted, NO_LOOKUP, new Date('2031-01-01T00:00:00Z')).allowed, false, 'expired')
})

t.test('the denial lists the rule, the object\'s field and the reason, one line each', async (t) => {
  const denied = judge(networkPolicy(undefined, {}), alice)
  t.equal(formatDenial(denied.violations), `tenant-selector: NetworkPolicy/open: metadata.labels[${TENANT}]: a NetworkPolicy in a shared namespace must carry its tenant's label, and its selector must pin that tenant`)
})

t.test('malformed and hostile input: no crash, no prototype lookups', async (t) => {
  const odd = [
    networkPolicy('acme', 'everything' as unknown as V1LabelSelector),
    networkPolicy('acme', { matchLabels: 'x', matchExpressions: 'y' } as unknown as V1LabelSelector),
    networkPolicy('acme', { matchExpressions: [null, 3, { key: TENANT, operator: 'In', values: 'acme' }] } as unknown as V1LabelSelector),
    service('acme', ['a'] as unknown as Record<string, string>),
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'bare', labels: labelled('acme') } },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'bare', labels: labelled('acme') }, spec: null } as unknown as KubernetesObject,
  ]
  for (const object of odd) t.doesNotThrow(() => judge(object, alice), JSON.stringify(object))
  t.equal(judge(odd[2] as KubernetesObject, alice).allowed, false, 'In with a non-list pins nothing')
  const proto = JSON.parse(`{"matchLabels": {"__proto__": "acme", "constructor": "acme"}}`) as V1LabelSelector
  t.equal(judge(networkPolicy('acme', proto), alice).allowed, false, 'keys named like prototype members pin nothing')
  t.equal(judge(networkPolicy('constructor', { matchLabels: { [TENANT]: 'constructor' } }), alice).allowed, false, 'a tenant named constructor: tenant-identity, not a crash')
})

// The oracle: Kubernetes label-selector semantics, brute force over pods of three tenants, no
// tenant, and app labels; the rule may be stricter than needed, never looser.
const TENANTS = ['acme', 'globex', 'zeta']
const POD_LABELS: Record<string, string>[] = [undefined, ...TENANTS].flatMap((tenant) =>
  [undefined, 'web', 'db'].map((app) => ({ ...labelled(tenant), ...(app ? { app } : {}) })))

function matches(selector: V1LabelSelector, labels: Record<string, string>): boolean {
  const has = (key: string): boolean => Object.hasOwn(labels, key)
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => has(k) && labels[k] === v) &&
    (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
      switch (operator) {
        case 'In': return has(key) && values.includes(labels[key] ?? '')
        case 'NotIn': return !has(key) || !values.includes(labels[key] ?? '')
        case 'Exists': return has(key)
        default: return !has(key)
      }
    })
}

const key = fc.constantFrom(TENANT, 'app')
const value = fc.constantFrom('acme', 'globex', 'zeta', 'web', 'db')
const requirement: fc.Arbitrary<V1LabelSelectorRequirement> = fc.oneof(
  fc.record({ key, operator: fc.constantFrom('In', 'NotIn'), values: fc.uniqueArray(value, { minLength: 1, maxLength: 3 }) }),
  fc.record({ key, operator: fc.constantFrom('Exists', 'DoesNotExist') }),
)
const selector: fc.Arbitrary<V1LabelSelector> = fc.record({
  matchLabels: fc.dictionary(key, value, { maxKeys: 2 }),
  matchExpressions: fc.array(requirement, { maxLength: 3 }),
}, { requiredKeys: [] })

t.test('property: an admitted selector selects no pod of another tenant, nor an unlabelled one', async (t) => {
  let admitted = 0
  fc.assert(fc.property(selector, fc.constantFrom<'NetworkPolicy' | 'PodDisruptionBudget'>('NetworkPolicy', 'PodDisruptionBudget'), (sel, kind) => {
    const object = kind === 'NetworkPolicy' ? networkPolicy('acme', sel) : pdb('acme', sel)
    if (!judge(object, alice).allowed) return true
    admitted++
    return POD_LABELS.every((labels) => labels[TENANT] === 'acme' || !matches(sel, labels))
  }), { numRuns: 3000, seed: 12 })
  t.ok(admitted > 100, `${admitted} of 3000 generated selectors admitted: the property is not vacuous`)
  fc.assert(fc.property(fc.dictionary(key, value, { maxKeys: 2 }), (sel) => {
    if (!judge(service('acme', sel), alice).allowed) return true
    return Object.keys(sel).length === 0 || POD_LABELS.every((labels) => labels[TENANT] === 'acme' || !matches({ matchLabels: sel }, labels))
  }), { numRuns: 500, seed: 12 })
})
