// The judgement of a cluster snapshot and the PolicyReports made of it (pure: no cluster here;
// test/e2e/audit.test.ts runs the same against the real API server).
import t from 'tap'
import type { KubernetesObject } from '@kubernetes/client-node'
import { auditSnapshot } from '../../../src/audit/judge.js'
import { keepTimestamps, policyReports, sameContent } from '../../../src/audit/report.js'
import { snapshotOf } from '../../../src/audit/snapshot.js'
import { validateAsCreated, RULES } from '../../../src/pipeline/index.js'
import { defaultPolicy, type Policy } from '../../../src/policy/index.js'

const NOW = new Date('2026-06-01T12:00:00Z')
const policy = defaultPolicy()
const ns = (name: string, labels: Record<string, string> = {}): KubernetesObject => ({ metadata: { name, labels } })
const STORE = { 'store.platform.io/tenant': 'acme' }
const container = (extra: object = {}) => ({ name: 'app', image: 'registry.example.com/app:1.0', ...extra })
const hardenedSecurity = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }
const hardened = container({
  securityContext: hardenedSecurity,
  resources: { requests: { cpu: '10m', memory: '10Mi' }, limits: { memory: '10Mi' } },
})
const compliantSpec = {
  automountServiceAccountToken: false,
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [hardened],
}
const pod = (name: string, namespace: string, spec: object, extra: object = {}): KubernetesObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, uid: `uid-${name}`, labels: { 'store.platform.io/tenant': 'acme' } }, spec, ...extra }) as KubernetesObject
const deployment = (name: string, namespace: string, spec: object, uid = `uid-${name}`): KubernetesObject =>
  ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace, uid }, spec: { template: { metadata: {}, spec } } }) as KubernetesObject

t.test('pods are judged as stored (no mutation), controllers as the pod their template becomes', async (t) => {
  const bare = { containers: [container()] }
  const snapshot = snapshotOf([ns('acme', STORE)], [pod('bare', 'acme', bare), deployment('web', 'acme', bare)], [])
  const result = auditSnapshot(snapshot, policy, NOW)
  const [dep, p] = [result.objects[0], result.objects[1]]
  t.equal(dep?.kind, 'Deployment')
  t.equal(dep?.allowed, true, 'a bare template is mutated into a compliant pod, as the webhook would')
  t.equal(p?.kind, 'Pod')
  t.equal(p?.allowed, false, 'a stored pod that skipped mutation is judged as it is')
  t.ok(p?.violations.some((v) => v.rule === 'run-as-root'))
})

t.test('the audit agrees with check (validateAsCreated) on controllers, and with /validate on Pods', async (t) => {
  const privileged = { containers: [container({ securityContext: { privileged: true } })] }
  const d = deployment('priv', 'acme', privileged)
  const snapshot = snapshotOf([ns('acme', STORE)], [d], [])
  const [audited] = auditSnapshot(snapshot, policy, NOW).objects
  const checked = validateAsCreated({ operation: 'CREATE', kind: 'Deployment', namespace: 'acme', object: d }, { name: 'acme', labels: STORE }, policy, snapshot.lookup, NOW)
  t.same(audited?.violations, checked.violations)
})

t.test('only store namespaces; ended pods, and ReplicaSets/Jobs of a listed controller, are skipped', async (t) => {
  const bad = { containers: [container({ securityContext: { privileged: true } })] }
  const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: 'acme', uid: 'rs', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-web', controller: true }] }, spec: { template: { spec: bad } } }
  const orphan = { ...rs, metadata: { ...rs.metadata, name: 'orphan', uid: 'rs2', ownerReferences: [{ ...rs.metadata.ownerReferences[0], uid: 'gone' }] } }
  const snapshot = snapshotOf([ns('acme', STORE), ns('plain'), ns('kube-system', STORE)], [
    deployment('web', 'acme', bad), rs as KubernetesObject, orphan as KubernetesObject,
    pod('done', 'acme', bad, { status: { phase: 'Succeeded' } }),
    pod('elsewhere', 'plain', bad), pod('system', 'kube-system', bad),
  ], [])
  const result = auditSnapshot(snapshot, policy, NOW)
  t.same(result.objects.map((o) => `${o.kind}/${o.name}`), ['Deployment/web', 'ReplicaSet/orphan'])
  t.same(result.storeNamespaces, ['acme'], 'kube-system is excluded by the policy even with a tenant label')
})

t.test('cross-tenant lookups come from the listed PVCs / Secrets / ConfigMaps', async (t) => {
  const shared = { 'store.platform.io/tenant': 'mall', 'store.platform.io/shared': 'true' }
  const spec = { ...compliantSpec, volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'theirs' } }] }
  const p = pod('p', 'mall', spec)
  const pvc = { kind: 'PersistentVolumeClaim', metadata: { name: 'theirs', namespace: 'mall', labels: { 'store.platform.io/tenant': 'globex' } } }
  const result = auditSnapshot(snapshotOf([ns('mall', shared)], [p], [pvc]), policy, NOW)
  t.same(result.objects[0]?.violations.map((v) => v.rule), ['cross-tenant-reference'])
  const mine = { ...pvc, metadata: { ...pvc.metadata, labels: { 'store.platform.io/tenant': 'acme' } } }
  t.equal(auditSnapshot(snapshotOf([ns('mall', shared)], [p], [mine]), policy, NOW).objects[0]?.allowed, true)
})

t.test('reports: a result per object and rule, fail/warn/pass, the denial text, summary counts', async (t) => {
  const warnPolicy: Policy = { ...policy, rules: { ...policy.rules, 'image-tag': 'warn', resources: 'off' } }
  const spec = { ...compliantSpec, containers: [{ ...hardened, image: 'registry.example.com/app:latest', securityContext: { ...hardenedSecurity, privileged: true } }] }
  const result = auditSnapshot(snapshotOf([ns('acme', STORE)], [pod('p', 'acme', spec)], []), warnPolicy, NOW)
  const [report] = policyReports(result, NOW)
  t.equal(report?.metadata.name, 'store-admission')
  t.equal(report?.metadata.namespace, 'acme')
  const byRule = new Map(report?.results.map((r) => [r.rule, r]))
  t.match(byRule.get('privileged'), { result: 'fail', severity: 'high', category: 'Pod Security', policy: 'store-admission', message: 'privileged: spec.containers[app].securityContext.privileged: must not be true', resources: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', namespace: 'acme', uid: 'uid-p' }] })
  t.equal(byRule.get('image-tag')?.result, 'warn')
  t.equal(byRule.get('seccomp')?.result, 'pass')
  t.notOk(byRule.has('resources'), 'a rule that is off has no result')
  t.equal(report?.results.length, RULES.length - 1, 'one result per enabled rule')
  t.same(report?.summary, { pass: RULES.length - 3, fail: 1, warn: 1, error: 0, skip: 0 }, 'privileged fails, image-tag warns, the rest pass')
  t.same(report?.results[0]?.timestamp, { seconds: Math.floor(NOW.getTime() / 1000), nanos: 0 })
})

t.test('an excepted denial is a warn result naming the exception', async (t) => {
  const excepting: Policy = { ...policy, exceptions: [{ namespace: 'acme', name: 'p', kind: 'Pod', rules: ['privileged'], expires: '2026-07-01T00:00:00Z', reason: 'PLAT-2' }] }
  const spec = { ...compliantSpec, containers: [{ ...hardened, securityContext: { ...hardenedSecurity, privileged: true } }] }
  const snapshot = snapshotOf([ns('acme', STORE)], [pod('p', 'acme', spec)], [])
  const [report] = policyReports(auditSnapshot(snapshot, excepting, NOW), NOW)
  t.match(report?.results.find((r) => r.rule === 'privileged'), { result: 'warn', properties: { exception: 'acme/Pod/p', exceptionExpires: '2026-07-01T00:00:00Z', exceptionReason: 'PLAT-2' } })
  const later = auditSnapshot(snapshot, excepting, new Date('2026-07-01T00:00:00Z'))
  t.equal(later.expired.length, 1, 'reported as expired')
  t.equal(policyReports(later, NOW)[0]?.results.find((r) => r.rule === 'privileged')?.result, 'fail', 'and ignored')
})

t.test('no churn: an unchanged audit, later, equals the stored report; a change does not', async (t) => {
  const snapshot = snapshotOf([ns('acme', STORE)], [pod('p', 'acme', { containers: [container()] })], [])
  const [first] = policyReports(auditSnapshot(snapshot, policy, NOW), NOW)
  if (!first) throw new Error('no report')
  // As the API server gives it back: keys in another order.
  const stored = JSON.parse(JSON.stringify({ ...first, results: first.results.map((r) => Object.fromEntries(Object.entries(r).reverse())) }))
  const later = new Date(NOW.getTime() + 3_600_000)
  const [again] = policyReports(auditSnapshot(snapshot, policy, later), later)
  if (!again) throw new Error('no report')
  t.notOk(sameContent(again, stored), 'new timestamps alone would differ')
  t.ok(sameContent(keepTimestamps(again, stored), stored), 'with the stored timestamps kept it is the same')
  const changed = snapshotOf([ns('acme', STORE)], [pod('p', 'acme', compliantSpec)], [])
  const [fixed] = policyReports(auditSnapshot(changed, policy, later), later)
  if (!fixed) throw new Error('no report')
  t.notOk(sameContent(keepTimestamps(fixed, stored), stored), 'a fixed pod changes the report')
  const changedResult = keepTimestamps(fixed, stored).results.find((r) => r.rule === 'run-as-root')
  t.equal(changedResult?.timestamp.seconds, Math.floor(later.getTime() / 1000), 'a changed result gets the new time')
})

t.test('a store namespace with nothing judged gets no report (the server deletes its old one)', async (t) => {
  t.same(policyReports(auditSnapshot(snapshotOf([ns('acme', STORE)], [], []), policy, NOW), NOW), [])
})
