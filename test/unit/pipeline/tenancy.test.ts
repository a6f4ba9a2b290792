// tenant-identity and namespace-tenant, each both ways: who may make an object carry a tenant in a
// shared namespace, and who may change a Namespace's tenancy labels.
import type { KubernetesObject } from '@kubernetes/client-node'
import t from 'tap'
import { REQUEST_RULES, RULE_IDS, RULES, validate, type AdmissionRequestInfo, type NamespaceInfo, type ResourceLookup } from '../../../src/pipeline/index.js'
import { defaultPolicy, type Policy } from '../../../src/policy/index.js'
import { parsePolicy } from '../../../src/policy/parse.js'
import { ACME, MALL, lookupOf, mutated, plainPod } from '../../fixtures/support.js'

const TENANT = 'store.platform.io/tenant'
const SHARED = 'store.platform.io/shared'
const policy = parsePolicy(`
tenants:
  acme: {users: [alice], groups: [acme-devs], serviceAccounts: ['acme-ci:deployer']}
  globex: {users: [bob]}
platformAdmins: {users: [root], groups: [platform]}
`, 'test policy')

interface Who { username: string; groups?: string[] }
const alice: Who = { username: 'alice' }
const bob: Who = { username: 'bob', groups: ['globex-devs', 'system:authenticated'] }
const controller = (name: string): Who => ({ username: `system:serviceaccount:kube-system:${name}` })

function request(kind: string, object: KubernetesObject, who: Who | undefined, opts: { oldObject?: KubernetesObject; ns?: NamespaceInfo } = {}): AdmissionRequestInfo {
  return {
    operation: opts.oldObject ? 'UPDATE' : 'CREATE', kind, namespace: opts.ns?.name ?? MALL.name, object,
    ...(opts.oldObject ? { oldObject: opts.oldObject } : {}),
    ...(who ? { userInfo: { username: who.username, groups: who.groups ?? [] } } : {}),
  }
}

const judge = (req: AdmissionRequestInfo, lookup: ResourceLookup = lookupOf(), p: Policy = policy, ns: NamespaceInfo = MALL) => validate(req, ns, p, lookup)
const labelled = (tenant: string | undefined): Record<string, string> => (tenant ? { [TENANT]: tenant } : {})
const secret = (tenant?: string, name = 'db'): KubernetesObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, labels: labelled(tenant) } })
const tenantPod = (tenant: string, owner?: object) => {
  const pod = mutated(plainPod({ labels: labelled(tenant) }), MALL)
  if (owner) pod.metadata!.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'u1', controller: true, ...owner }]
  return pod
}
const deployment = (metaTenant: string | undefined, templateTenant: string) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: labelled(metaTenant) },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { ...plainPod({ labels: { app: 'web', ...labelled(templateTenant) } }) } },
})
const identityOnly = (result: ReturnType<typeof judge>) => result.violations.filter((v) => v.rule === 'tenant-identity')

t.test('every request rule has a summary; with the pod rules they are the rule IDs', async (t) => {
  for (const rule of REQUEST_RULES) t.match(rule.summary, /\w/, rule.id)
  t.same([...RULES, ...REQUEST_RULES].map((r) => r.id).filter((id) => RULE_IDS.includes(id)).length, RULES.length + REQUEST_RULES.length)
  t.ok(REQUEST_RULES.some((r) => r.id === 'tenant-identity') && REQUEST_RULES.some((r) => r.id === 'namespace-tenant'))
})

t.test('tenant-identity: a Secret of tenant acme', async (t) => {
  for (const who of [alice, { username: 'carol', groups: ['acme-devs'] }, { username: 'system:serviceaccount:acme-ci:deployer' }, { username: 'root' }, { username: 'ops', groups: ['platform'] }]) {
    t.same(judge(request('Secret', secret('acme'), who)).violations, [], `${who.username} acts for acme`)
  }
  const denied = judge(request('Secret', secret('acme'), bob))
  t.equal(denied.allowed, false)
  t.same(denied.violations, [{
    rule: 'tenant-identity', path: `Secret/db: metadata.labels[${TENANT}]`,
    message: 'user "bob" (groups: globex-devs) does not act for tenant "acme"',
  }], 'names rule, field and who asked')
  t.same(judge(request('Secret', secret('globex'), bob)).violations, [], 'bob acts for globex')
  t.same(judge(request('Secret', secret(undefined), bob)).violations, [], 'no tenant label: no claim')
  t.same(judge(request('Secret', secret('acme'), { username: 'system:serviceaccount:other:deployer' })).allowed, false, 'another namespace\'s service account of the same name is not bound')
})

t.test('tenant-identity: only in shared namespaces, only for the kinds it guards, only online', async (t) => {
  t.same(judge(request('Secret', secret('acme'), bob, { ns: ACME }), lookupOf(), policy, ACME).violations, [], 'a dedicated namespace: the namespace decides the tenant')
  t.same(judge(request('Role', { ...secret('acme'), kind: 'Role' }, bob)).violations, [], 'a Role is not judged')
  t.same(judge(request('Secret', secret('acme'), undefined)).violations, [], 'offline (CLI): no requester, not judged')
})

t.test('tenant-identity: ConfigMap and PVC, a tenant nobody is bound to, a tenant named like a prototype key', async (t) => {
  for (const kind of ['ConfigMap', 'PersistentVolumeClaim']) {
    t.match(identityOnly(judge(request(kind, { ...secret('acme'), kind }, bob))), [{ path: `${kind}/db: metadata.labels[${TENANT}]` }], kind)
  }
  t.equal(judge(request('Secret', secret('initech'), alice)).allowed, false, 'unbound tenant: not alice')
  t.equal(judge(request('Secret', secret('initech'), { username: 'root' })).allowed, true, 'unbound tenant: a platform admin')
  for (const key of ['constructor', 'toString', 'hasOwnProperty']) {
    t.match(judge(request('Secret', secret(key), bob)).violations, [{ rule: 'tenant-identity', message: new RegExp(`tenant "${key}"`) }], key)
  }
})

t.test('tenant-identity: a Pod, created or relabelled', async (t) => {
  t.same(identityOnly(judge(request('Pod', tenantPod('acme'), alice))), [])
  t.match(identityOnly(judge(request('Pod', tenantPod('acme'), bob))), [{ path: `metadata.labels[${TENANT}]`, message: /user "bob".*does not act for tenant "acme"$/ }])
  // relabelling globex's pod to acme, and acme's to globex
  t.match(identityOnly(judge(request('Pod', tenantPod('acme'), bob, { oldObject: tenantPod('globex') }))), [{ message: /does not act for tenant "acme"$/ }])
  t.match(identityOnly(judge(request('Pod', tenantPod('globex'), bob, { oldObject: tenantPod('acme') }))), [{ message: /tenant "acme" \(this update takes it away\)/ }])
  t.same(identityOnly(judge(request('Pod', tenantPod('acme'), alice, { oldObject: tenantPod('acme') }))), [], 'acme updates its own pod')
  t.equal(judge(request('Pod', tenantPod('acme'), bob, { oldObject: tenantPod('acme') })).allowed, false, 'globex may not touch acme\'s pod at all')
})

t.test('tenant-identity: a pod controller claims what it hands down', async (t) => {
  t.same(identityOnly(judge(request('Deployment', deployment('acme', 'acme'), alice))), [])
  t.match(identityOnly(judge(request('Deployment', deployment('globex', 'acme'), bob))), [
    { path: `Deployment/web: spec.template.metadata.labels[${TENANT}]`, message: /does not act for tenant "acme"/ },
  ], 'the pod template')
  const cron = {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', labels: labelled('globex') },
    spec: { schedule: '@daily', jobTemplate: { metadata: { labels: labelled('acme') }, spec: { template: plainPod({ labels: labelled('globex') }) } } },
  }
  t.match(identityOnly(judge(request('CronJob', cron, bob))), [{ path: `CronJob/nightly: spec.jobTemplate.metadata.labels[${TENANT}]` }], 'the job template')
  const sts = {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', labels: labelled('globex') },
    spec: { selector: {}, serviceName: 'db', template: plainPod({ labels: labelled('globex') }), volumeClaimTemplates: [{ metadata: { name: 'data', labels: labelled('acme') } }] },
  }
  t.match(identityOnly(judge(request('StatefulSet', sts, bob))), [{ path: `StatefulSet/db: spec.volumeClaimTemplates[data].metadata.labels[${TENANT}]` }], 'the claim templates')
})

t.test('tenant-identity: a trusted controller carries its owner\'s tenant, nothing else', async (t) => {
  const rs = controller('replicaset-controller')
  const owners = lookupOf({ 'ReplicaSet/mall/web-1': labelled('acme'), 'ReplicaSet/mall/globex-web': labelled('globex') })
  t.same(identityOnly(judge(request('Pod', tenantPod('acme', {}), rs), owners)), [], 'owner exists and carries acme')
  t.match(identityOnly(judge(request('Pod', tenantPod('acme', { name: 'forged' }), rs), owners)), [
    { message: /trusted controller, but may carry tenant "acme" only for an owner of that tenant: its controller owner ReplicaSet\/forged does not exist in namespace mall/ },
  ], 'a hand-made ownerReference to nothing')
  t.match(identityOnly(judge(request('Pod', tenantPod('acme', { name: 'globex-web' }), rs), owners)), [{ message: /ReplicaSet\/globex-web carries tenant "globex"/ }])
  t.match(identityOnly(judge(request('Pod', tenantPod('acme', { kind: 'ConfigMap', apiVersion: 'v1' }), rs), owners)), [{ message: /is not a pod controller or Pod/ }])
  t.match(identityOnly(judge(request('Pod', tenantPod('acme', { controller: false }), rs), owners)), [{ message: /has no controller owner/ }])
  t.equal(judge(request('Pod', tenantPod('acme', {}), { username: 'mallory' }), owners).allowed, false, 'an ownerReference helps only a trusted controller')
  const notTrusted: Policy = { ...policy, trustedControllers: [] }
  t.equal(judge(request('Pod', tenantPod('acme', {}), rs), owners, notTrusted).allowed, false, 'trust comes from the policy')
})

t.test('tenant-identity: a StatefulSet\'s claims and a controller\'s upkeep', async (t) => {
  const sts = controller('statefulset-controller')
  const claim = (name: string, tenant = 'acme') => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, labels: labelled(tenant) } })
  const sets = lookupOf({ 'StatefulSet/mall/acme-mysql': labelled('acme') })
  t.same(judge(request('PersistentVolumeClaim', claim('data-acme-mysql-0'), sts), sets).violations, [], '<template>-<statefulset>-<ordinal>')
  t.match(judge(request('PersistentVolumeClaim', claim('data-globex-mysql-0'), sts), sets).violations, [
    { message: /no StatefulSet of tenant "acme" in namespace mall has a claim named data-globex-mysql-0/ },
  ])
  const binder = controller('persistent-volume-binder')
  const bound = { ...claim('data-acme-mysql-0'), spec: { volumeName: 'pv-1' } }
  t.same(judge(request('PersistentVolumeClaim', bound, binder, { oldObject: claim('data-acme-mysql-0') })).violations, [], 'binding keeps the tenant')
  t.equal(judge(request('PersistentVolumeClaim', claim('data-acme-mysql-0', 'globex'), binder, { oldObject: claim('data-acme-mysql-0') })).allowed, false, 'relabelling is not upkeep')
  const rs = controller('replicaset-controller')
  const adopted = tenantPod('acme', { name: 'globex-web', uid: 'u2' })
  t.equal(judge(request('Pod', adopted, rs, { oldObject: tenantPod('acme') }), lookupOf({ 'ReplicaSet/mall/globex-web': labelled('globex') })).allowed, false, 'adoption by another tenant\'s owner')
})

t.test('tenant-identity: warn admits with a warning; off is silent', async (t) => {
  const warn: Policy = { ...policy, rules: { ...policy.rules, 'tenant-identity': 'warn' } }
  const r = judge(request('Secret', secret('acme'), bob), lookupOf(), warn)
  t.equal(r.allowed, true)
  t.match(r.warnings, [{ rule: 'tenant-identity' }])
  const off: Policy = { ...policy, rules: { ...policy.rules, 'tenant-identity': 'off' } }
  t.same(judge(request('Secret', secret('acme'), bob), lookupOf(), off), { allowed: true, violations: [], warnings: [] })
})

const namespace = (labels: Record<string, string>): KubernetesObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'mall2', labels } })
const nsRequest = (who: Who, labels: Record<string, string>, old?: Record<string, string>) =>
  validate({ ...request('Namespace', namespace(labels), who, old ? { oldObject: namespace(old) } : {}), namespace: 'mall2' }, undefined, policy, lookupOf())

t.test('namespace-tenant: only platform admins set, change or remove the tenancy labels', async (t) => {
  t.same(nsRequest({ username: 'root' }, { [TENANT]: 'acme', [SHARED]: 'true' }).violations, [], 'admin creates a shared store namespace')
  t.same(nsRequest({ username: 'ops', groups: ['platform'] }, {}, { [TENANT]: 'acme' }).violations, [], 'admin (by group) removes it')
  t.same(nsRequest(bob, { team: 'globex' }).violations, [], 'a namespace without them')
  t.same(nsRequest(bob, { [TENANT]: 'acme', team: 'x' }, { [TENANT]: 'acme' }).violations, [], 'other labels change, the tenancy ones stay')
  t.same(nsRequest(bob, { [TENANT]: 'globex' }).violations, [{
    rule: 'namespace-tenant', path: `Namespace/mall2: metadata.labels[${TENANT}]`,
    message: 'user "bob" (groups: globex-devs) is not a platform admin: may not change it from (none) to "globex"',
  }])
  t.match(nsRequest(bob, { [TENANT]: 'acme', [SHARED]: 'true' }, { [TENANT]: 'acme' }).violations, [{ path: `Namespace/mall2: metadata.labels[${SHARED}]`, message: /from \(none\) to "true"/ }], 'added')
  t.match(nsRequest(bob, { [TENANT]: 'globex' }, { [TENANT]: 'acme' }).violations, [{ message: /from "acme" to "globex"/ }], 'changed')
  t.match(nsRequest(bob, {}, { [TENANT]: 'acme', [SHARED]: 'true' }).violations, [{ message: /from "acme" to \(none\)/ }, { message: /from "true" to \(none\)/ }], 'removed')
})

t.test('namespace-tenant: inert without platform admins; exempt users skip it', async (t) => {
  const none = { ...request('Namespace', namespace({ [TENANT]: 'globex' }), bob), namespace: 'mall2' }
  t.same(validate(none, undefined, defaultPolicy(), lookupOf()).violations, [], 'no platformAdmins: inert')
  t.equal(validate(none, undefined, policy, lookupOf()).allowed, false)
  t.equal(validate(none, undefined, { ...policy, exempt: { usernames: ['bob'], serviceAccounts: [] } }, lookupOf()).allowed, true, 'exempt')
})

t.test('cross-tenant-reference: a missing object is a violation only where the lookup is exhaustive, and not for a template', async (t) => {
  const pod = tenantPod('acme')
  pod.spec!.volumes = [{ name: 'later', secret: { secretName: 'acme-later' } }]
  const exhaustive: ResourceLookup = { labelsOf: () => undefined, exhaustive: true }
  t.match(judge(request('Pod', pod, alice), exhaustive).violations, [
    { rule: 'cross-tenant-reference', path: 'spec.volumes[later].secret.secretName', message: 'Secret acme-later does not exist in namespace mall' },
  ])
  t.same(judge(request('Pod', pod, alice), lookupOf()).violations, [], 'offline input may not hold it')
  const d = deployment('acme', 'acme')
  d.spec.template.spec!.volumes = [{ name: 'later', secret: { secretName: 'acme-later' } }]
  t.same(judge(request('Deployment', d, alice), exhaustive).violations, [], 'a template: judged again when its pods are created')
})
