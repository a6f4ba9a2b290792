// Every rule both ways: a compliant pod passes it, one change makes it report, with its message.
import type { V1Container, V1Pod } from '@kubernetes/client-node'
import t from 'tap'
import { REQUEST_RULES, RULE_IDS, RULES, type NamespaceInfo, type ResourceLookup, type RuleId } from '../../../src/pipeline/index.js'
import { SAFE_SYSCTLS } from '../../../src/pipeline/rules/sysctls.js'
import { defaultPolicy, type Policy } from '../../../src/policy/index.js'
import {
  ACME, MALL, NO_LOOKUP, fixturePod, lookupOf, mutated, plainPod, validatePod,
} from '../../fixtures/support.js'

interface Case {
  rule: RuleId
  name: string
  /** Changes a compliant pod (in place) so that it breaks the rule. */
  breakIt(pod: V1Pod): void
  path: string
  message: RegExp
  base?: () => V1Pod
  ns?: NamespaceInfo
  policy?: Policy
  lookup?: ResourceLookup
}

const first = (pod: V1Pod): V1Container => pod.spec!.containers[0]!
const sc = (pod: V1Pod) => (first(pod).securityContext ??= {})
const shopPod = (): V1Pod => mutated(plainPod({ labels: { 'store.platform.io/tenant': 'shop1' } }), MALL)
const storefront = (): V1Pod => mutated(fixturePod('storefront'))
const allowlist: Policy = { ...defaultPolicy(), registries: ['ghcr.io/acme'] }
const C = 'spec.containers[web]'

const cases: Case[] = [
  { rule: 'tenant-mismatch', name: 'other tenant label', breakIt: (p) => { p.metadata!.labels!['store.platform.io/tenant'] = 'globex' },
    path: 'metadata.labels[store.platform.io/tenant]', message: /tenant "globex" differs from namespace acme's tenant "acme"/ },
  { rule: 'tenant-missing', name: 'no tenant label in a shared namespace', base: shopPod, ns: MALL,
    breakIt: (p) => { delete p.metadata!.labels!['store.platform.io/tenant'] },
    path: 'metadata.labels[store.platform.io/tenant]', message: /required in shared namespace mall/ },
  { rule: 'cross-tenant-reference', name: 'secret volume of another tenant', base: shopPod, ns: MALL,
    lookup: lookupOf({ 'Secret/mall/db': { 'store.platform.io/tenant': 'shop2' } }),
    breakIt: (p) => { p.spec!.volumes = [{ name: 'db', secret: { secretName: 'db' } }] },
    path: 'spec.volumes[db].secret.secretName', message: /Secret db belongs to tenant "shop2", not "shop1"/ },
  { rule: 'cross-tenant-reference', name: 'envFrom configMap without tenant label', base: shopPod, ns: MALL,
    lookup: lookupOf({ 'ConfigMap/mall/settings': {} }),
    breakIt: (p) => { first(p).envFrom = [{ configMapRef: { name: 'settings' } }] },
    path: `${C}.envFrom[0].configMapRef.name`, message: /ConfigMap settings has no tenant label/ },
  { rule: 'cross-tenant-reference', name: 'pull secret of another tenant', base: shopPod, ns: MALL,
    lookup: lookupOf({ 'Secret/mall/pull': { 'store.platform.io/tenant': 'shop2' } }),
    breakIt: (p) => { p.spec!.imagePullSecrets = [{ name: 'pull' }] },
    path: 'spec.imagePullSecrets[pull]', message: /Secret pull belongs to tenant "shop2"/ },
  { rule: 'cross-tenant-reference', name: 'PVC of another tenant', base: shopPod, ns: MALL,
    lookup: lookupOf({ 'PersistentVolumeClaim/mall/data': { 'store.platform.io/tenant': 'shop2' } }),
    breakIt: (p) => { p.spec!.volumes = [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] },
    path: 'spec.volumes[data].persistentVolumeClaim.claimName', message: /PersistentVolumeClaim data belongs to tenant "shop2"/ },
  { rule: 'privileged', name: 'privileged container', breakIt: (p) => { sc(p).privileged = true },
    path: `${C}.securityContext.privileged`, message: /must not be true/ },
  { rule: 'privilege-escalation', name: 'escalation allowed', breakIt: (p) => { sc(p).allowPrivilegeEscalation = true },
    path: `${C}.securityContext.allowPrivilegeEscalation`, message: /must be false \(is true\)/ },
  { rule: 'privilege-escalation', name: 'escalation unset', breakIt: (p) => { delete sc(p).allowPrivilegeEscalation },
    path: `${C}.securityContext.allowPrivilegeEscalation`, message: /must be false \(is unset\)/ },
  { rule: 'host-namespaces', name: 'hostPID', breakIt: (p) => { p.spec!.hostPID = true },
    path: 'spec.hostPID', message: /must not be true/ },
  { rule: 'host-ports', name: 'a hostPort', breakIt: (p) => { first(p).ports = [{ containerPort: 80, hostPort: 8080 }] },
    path: `${C}.ports[0].hostPort`, message: /host port 8080 is not allowed/ },
  { rule: 'volume-types', name: 'hostPath volume', breakIt: (p) => { p.spec!.volumes = [{ name: 'root', hostPath: { path: '/' } }] },
    path: 'spec.volumes[root].hostPath', message: /hostPath volumes are not allowed/ },
  { rule: 'run-as-root', name: 'pod runAsNonRoot false', breakIt: (p) => { p.spec!.securityContext!.runAsNonRoot = false },
    path: 'spec.securityContext.runAsNonRoot', message: /must be true \(is false\)/ },
  { rule: 'run-as-root', name: 'runAsNonRoot unset everywhere', breakIt: (p) => { delete p.spec!.securityContext!.runAsNonRoot },
    path: `${C}.securityContext.runAsNonRoot`, message: /unset here and at pod level/ },
  { rule: 'run-as-root', name: 'container runAsUser 0', breakIt: (p) => { sc(p).runAsUser = 0 },
    path: `${C}.securityContext.runAsUser`, message: /must not be 0/ },
  { rule: 'capabilities', name: 'adds SYS_ADMIN', breakIt: (p) => { sc(p).capabilities!.add = ['NET_BIND_SERVICE', 'SYS_ADMIN'] },
    path: `${C}.securityContext.capabilities.add`, message: /may only add NET_BIND_SERVICE \(adds SYS_ADMIN\)/ },
  { rule: 'capabilities', name: 'drop without ALL', breakIt: (p) => { sc(p).capabilities!.drop = ['NET_RAW'] },
    path: `${C}.securityContext.capabilities.drop`, message: /must include ALL \(is \[NET_RAW\]\)/ },
  { rule: 'seccomp', name: 'container Unconfined', breakIt: (p) => { sc(p).seccompProfile = { type: 'Unconfined' } },
    path: `${C}.securityContext.seccompProfile.type`, message: /must be RuntimeDefault or Localhost \(is Unconfined\)/ },
  { rule: 'seccomp', name: 'unset everywhere', breakIt: (p) => { delete p.spec!.securityContext!.seccompProfile },
    path: `${C}.securityContext.seccompProfile.type`, message: /unset here and at pod level/ },
  { rule: 'selinux', name: 'container type spc_t', breakIt: (p) => { sc(p).seLinuxOptions = { type: 'spc_t' } },
    path: `${C}.securityContext.seLinuxOptions.type`, message: /type spc_t is not allowed \(allowed: container_t, container_init_t, container_kvm_t, container_engine_t\)/ },
  { rule: 'selinux', name: 'pod user set', breakIt: (p) => { p.spec!.securityContext!.seLinuxOptions = { type: 'container_t', user: 'system_u' } },
    path: 'spec.securityContext.seLinuxOptions.user', message: /must not be set \(is system_u\)/ },
  { rule: 'selinux', name: 'debug container role set',
    breakIt: (p) => { p.spec!.ephemeralContainers = [{ name: 'dbg', image: 'busybox:1.36', securityContext: { ...sc(p), seLinuxOptions: { role: 'sysadm_r' } } }] },
    path: 'spec.ephemeralContainers[dbg].securityContext.seLinuxOptions.role', message: /must not be set \(is sysadm_r\)/ },
  { rule: 'proc-mount', name: 'Unmasked', breakIt: (p) => { sc(p).procMount = 'Unmasked' },
    path: `${C}.securityContext.procMount`, message: /must be Default or unset \(is Unmasked\)/ },
  { rule: 'apparmor', name: 'pod profile Unconfined', breakIt: (p) => { p.spec!.securityContext!.appArmorProfile = { type: 'Unconfined' } },
    path: 'spec.securityContext.appArmorProfile.type', message: /must be RuntimeDefault or Localhost \(is Unconfined\)/ },
  { rule: 'apparmor', name: 'container profile Unconfined', breakIt: (p) => { sc(p).appArmorProfile = { type: 'Unconfined' } },
    path: `${C}.securityContext.appArmorProfile.type`, message: /is Unconfined/ },
  { rule: 'apparmor', name: 'annotation unconfined',
    breakIt: (p) => { p.metadata!.annotations!['container.apparmor.security.beta.kubernetes.io/web'] = 'unconfined' },
    path: 'metadata.annotations[container.apparmor.security.beta.kubernetes.io/web]', message: /must be runtime\/default or localhost\/<profile> \(is unconfined\)/ },
  { rule: 'sysctls', name: 'kernel.msgmax', breakIt: (p) => { p.spec!.securityContext!.sysctls = [{ name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }, { name: 'kernel.msgmax', value: '65536' }] },
    path: 'spec.securityContext.sysctls[1].name', message: /kernel\.msgmax is not a safe sysctl/ },
  { rule: 'host-process', name: 'pod hostProcess', breakIt: (p) => { p.spec!.securityContext!.windowsOptions = { hostProcess: true } },
    path: 'spec.securityContext.windowsOptions.hostProcess', message: /must not be true/ },
  { rule: 'host-process', name: 'container hostProcess', breakIt: (p) => { sc(p).windowsOptions = { hostProcess: true } },
    path: `${C}.securityContext.windowsOptions.hostProcess`, message: /must not be true/ },
  { rule: 'probe-host', name: 'liveness httpGet host', breakIt: (p) => { first(p).livenessProbe = { httpGet: { port: 80, host: '10.0.0.1' } } },
    path: `${C}.livenessProbe.httpGet.host`, message: /must not be set \(is 10\.0\.0\.1\)/ },
  { rule: 'probe-host', name: 'preStop tcpSocket host on an init container',
    breakIt: (p) => { p.spec!.initContainers = [{ ...first(p), name: 'init', lifecycle: { preStop: { tcpSocket: { port: 80, host: 'metadata' } } } }] },
    path: 'spec.initContainers[init].lifecycle.preStop.tcpSocket.host', message: /is metadata/ },
  { rule: 'resources', name: 'no memory limit', breakIt: (p) => { delete first(p).resources!.limits },
    path: `${C}.resources`, message: /missing limits\.memory/ },
  { rule: 'image-tag', name: 'untagged image', breakIt: (p) => { first(p).image = 'registry.example.com/web' },
    path: `${C}.image`, message: /has no tag/ },
  { rule: 'image-tag', name: 'latest tag', breakIt: (p) => { first(p).image = 'localhost:5000/web:latest' },
    path: `${C}.image`, message: /uses tag latest/ },
  { rule: 'image-registry', name: 'registry outside the allowlist', policy: allowlist,
    base: () => { const p = mutated(plainPod()); first(p).image = 'ghcr.io/acme/web:1'; return p },
    breakIt: (p) => { first(p).image = 'ghcr.io/acmeevil/web:1' },
    path: `${C}.image`, message: /ghcr\.io\/acmeevil\/web is not in the registry allowlist/ },
  { rule: 'service-account-token', name: 'token automounted', breakIt: (p) => { p.spec!.automountServiceAccountToken = true },
    path: 'spec.automountServiceAccountToken', message: /must not be true on a store pod/ },
  { rule: 'storefront-shape', name: 'no nginx', base: storefront,
    breakIt: (p) => { p.spec!.containers = p.spec!.containers.filter((c) => c.name !== 'nginx') },
    path: 'spec.containers', message: /no nginx container/ },
  { rule: 'storefront-shape', name: 'storage is not a PVC', base: storefront,
    breakIt: (p) => { p.spec!.volumes!.find((v) => v.name === 'bagisto-storage')!.persistentVolumeClaim = undefined },
    path: 'spec.volumes[bagisto-storage]', message: /must be a persistentVolumeClaim/ },
  { rule: 'storefront-shape', name: 'app container annotation names nothing', base: storefront,
    breakIt: (p) => { p.metadata!.annotations!['store.platform.io/app-container'] = 'php' },
    path: 'metadata.annotations[store.platform.io/app-container]', message: /names container php, which does not exist/ },
]

t.test('every rule has a case and a summary', async (t) => {
  // Rules on the request (tenant-identity, namespace-tenant) have their cases in tenancy.test.ts.
  const ids = [...RULES, ...REQUEST_RULES].map((r) => r.id)
  t.same([...new Set(ids)].sort(), [...RULE_IDS].sort())
  // One ID in both tables: cross-tenant-reference's check of pods and its check of Ingresses.
  t.same(ids.filter((id, i) => ids.indexOf(id) !== i), ['cross-tenant-reference'], 'no other ID twice')
  for (const { id } of RULES) t.ok(cases.some((c) => c.rule === id), `case for ${id}`)
  for (const rule of RULES) t.match(rule.summary, /\w/, `${rule.id} summary`)
})

for (const c of cases) {
  t.test(`${c.rule}: ${c.name}`, async (t) => {
    const ns = c.ns ?? ACME
    const policy = c.policy ?? defaultPolicy()
    const lookup = c.lookup ?? NO_LOOKUP
    const good = (c.base ?? (() => mutated(plainPod())))()
    // The reference is added with a same-tenant owner first: the rule must stay quiet then.
    const goodResult = validatePod(good, ns, policy, lookup)
    t.same(goodResult.violations, [], 'compliant pod passes')
    const bad = structuredClone(good)
    c.breakIt(bad)
    const result = validatePod(bad, ns, policy, lookup)
    t.equal(result.allowed, false, 'denied')
    t.ok(result.violations.every((v) => v.rule === c.rule), `only ${c.rule}: ${JSON.stringify(result.violations)}`)
    const found = result.violations.find((v) => v.path === c.path)
    t.equal(found?.rule, c.rule, `${c.rule} at ${c.path}`)
    t.match(found?.message ?? '', c.message)
  })
}

t.test('cross-tenant-reference passes references of the same tenant, and unknown ones', async (t) => {
  const pod = shopPod()
  pod.spec!.volumes = [{ name: 'db', secret: { secretName: 'db' } }, { name: 'x', configMap: { name: 'unknown' } }]
  const lookup = lookupOf({ 'Secret/mall/db': { 'store.platform.io/tenant': 'shop1' } })
  t.same(validatePod(pod, MALL, defaultPolicy(), lookup).violations, [])
})

t.test('cross-tenant-reference accepts the cluster CA ConfigMap of a service account token volume', async (t) => {
  const pod = shopPod()
  pod.spec!.volumes = [{ name: 'ca', projected: { sources: [{ configMap: { name: 'kube-root-ca.crt' } }] } }]
  const lookup = lookupOf({ 'ConfigMap/mall/kube-root-ca.crt': {} })
  t.same(validatePod(pod, MALL, defaultPolicy(), lookup).violations, [])
})

t.test('image-tag accepts a digest; image-registry is quiet without an allowlist', async (t) => {
  const pod = mutated(plainPod())
  first(pod).image = 'nginx@sha256:' + 'a'.repeat(64)
  t.same(validatePod(pod).violations, [])
  first(pod).image = 'nginx:1.27'
  t.same(validatePod(pod, ACME, { ...defaultPolicy(), registries: ['docker.io/library'] }).violations, [])
})

t.test('container values override the pod level (effective values)', async (t) => {
  const pod = mutated(plainPod())
  delete pod.spec!.securityContext!.runAsNonRoot
  delete pod.spec!.securityContext!.seccompProfile
  sc(pod).runAsNonRoot = true
  sc(pod).seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' }
  t.same(validatePod(pod).violations, [])
})

t.test('image-tag: a malformed digest pins nothing', async (t) => {
  for (const image of ['nginx@', 'nginx@junk', 'nginx:1.27@sha256:abc']) {
    const pod = mutated(plainPod())
    first(pod).image = image
    t.match(validatePod(pod).violations, [{ rule: 'image-tag', message: /malformed digest/ }], image)
  }
})

t.test('cross-tenant-reference: an ephemeral volume cloned from another tenant\'s PVC', async (t) => {
  const lookup = lookupOf({ 'PersistentVolumeClaim/mall/other': { 'store.platform.io/tenant': 'shop2' } })
  for (const field of ['dataSource', 'dataSourceRef'] as const) {
    const pod = shopPod()
    pod.spec!.volumes = [{ name: 'copy', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], [field]: { kind: 'PersistentVolumeClaim', name: 'other' } } } } }]
    t.match(validatePod(pod, MALL, defaultPolicy(), lookup).violations, [
      { rule: 'cross-tenant-reference', path: `spec.volumes[copy].ephemeral.volumeClaimTemplate.spec.${field}.name`, message: /belongs to tenant "shop2"/ },
    ], field)
  }
})

t.test('cross-tenant-reference: a debug container reading another tenant\'s Secret', async (t) => {
  const lookup = lookupOf({ 'Secret/mall/theirs': { 'store.platform.io/tenant': 'shop2' } })
  const pod = shopPod()
  pod.spec!.ephemeralContainers = [{ name: 'debugger', image: 'busybox:1.36', env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 'theirs', key: 'password' } } }] }]
  t.match(validatePod(pod, MALL, defaultPolicy(), lookup).violations, [
    { rule: 'cross-tenant-reference', path: 'spec.ephemeralContainers[debugger].env[P].valueFrom.secretKeyRef.name', message: /belongs to tenant "shop2"/ },
  ])
})

t.test('PSS allows: image volumes, safe sysctls, allowed SELinux types and AppArmor profiles, empty hosts', async (t) => {
  const pod = mutated(plainPod({ annotations: {
    'container.apparmor.security.beta.kubernetes.io/web': 'localhost/custom',
    'container.apparmor.security.beta.kubernetes.io/gone': 'runtime/default',
  } }))
  pod.spec!.volumes = [{ name: 'data', image: { reference: 'registry.example.com/data:1' } }]
  pod.spec!.securityContext!.sysctls = [...SAFE_SYSCTLS].map((name) => ({ name, value: '1' }))
  pod.spec!.securityContext!.seLinuxOptions = { type: 'container_engine_t', level: 's0:c1,c2' }
  pod.spec!.securityContext!.appArmorProfile = { type: 'Localhost', localhostProfile: 'p' }
  sc(pod).appArmorProfile = { type: 'RuntimeDefault' }
  sc(pod).procMount = 'Default'
  sc(pod).windowsOptions = { hostProcess: false }
  first(pod).readinessProbe = { httpGet: { port: 80, host: '' }, tcpSocket: { port: 80 } }
  t.same(validatePod(pod).violations, [])
})

t.test('a Windows pod: capabilities, seccomp and privilege escalation are skipped, as Pod Security does', async (t) => {
  const pod = mutated({ ...plainPod(), spec: { os: { name: 'windows' }, containers: [{ name: 'web', image: 'registry.example.com/web:1.2.3' }] } })
  t.notOk(sc(pod).capabilities, 'no capabilities written: the API server refuses them on Windows')
  t.notOk(pod.spec!.securityContext!.seccompProfile, 'no seccomp written')
  t.equal(pod.spec!.securityContext!.runAsNonRoot, true)
  t.same(validatePod(pod).violations, [], 'admitted without the Linux-only fields')
  sc(pod).capabilities = { add: ['SYS_ADMIN'] }
  sc(pod).allowPrivilegeEscalation = true
  sc(pod).seccompProfile = { type: 'Unconfined' }
  t.same(validatePod(pod).violations, [], 'skipped even when set (PSS overrides the baseline capability check too)')
  sc(pod).privileged = true
  t.match(validatePod(pod).violations, [{ rule: 'privileged' }], 'privileged still applies')
  pod.spec!.os = { name: 'linux' }
  t.same(new Set(validatePod(pod).violations.map((v) => v.rule)), new Set(['privileged', 'privilege-escalation', 'capabilities', 'seccomp']), 'a Linux pod is judged')
})
