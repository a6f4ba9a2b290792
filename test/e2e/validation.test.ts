// Validation through the API server: `kubectl apply --dry-run=server` of non-compliant Pods and
// pod controllers is denied with every rule ID in the output, `warn` rules print `Warning:` lines,
// tenants cannot be spoofed, shared namespaces refuse cross-tenant references, and nothing that was
// denied is persisted.
import t from 'tap'
import {
  MUTATED_BY, TENANT_LABEL, requireControlPlane, dryRun, getJson, kubectl, kubectlOk, namespace, plainPod,
  restorePolicy, storeLabels, waitFor, webhook, webhookLive, writePolicy,
} from './fixtures/k8s.js'

requireControlPlane()
const ns = 'e2e-deny'
const shared = 'e2e-shared'
// no Pod Security enforcement here: the webhook's own denials are what is looked at
t.teardown(namespace(ns, storeLabels('acme')))
t.teardown(namespace(shared, storeLabels('mall', { shared: true })))
t.teardown(restorePolicy)
await webhookLive(ns)

const deniedBy = (rule: string) => new RegExp(`denied the request:[\\s\\S]*\\b${rule}: \\S+: \\S`)

// One pod per rule; each sets the offending field explicitly (mutation never overwrites a set field).
const c = (securityContext: object, extra: object = {}) => ({ container: { securityContext, ...extra } })
const cases: [string, any][] = [
  ['privileged', plainPod('privileged', ns, c({ privileged: true }))],
  ['privilege-escalation', plainPod('escalation', ns, c({ allowPrivilegeEscalation: true }))],
  ['host-namespaces', plainPod('hostpid', ns, { spec: { hostPID: true } })],
  ['host-ports', plainPod('hostport', ns, { container: { ports: [{ containerPort: 8080, hostPort: 8080 }] } })],
  ['volume-types', plainPod('hostpath', ns, { spec: { volumes: [{ name: 'host', hostPath: { path: '/etc' } }] } })],
  ['run-as-root', plainPod('root', ns, c({ runAsUser: 0 }))],
  ['capabilities', plainPod('caps', ns, c({ capabilities: { add: ['SYS_ADMIN'] } }))],
  ['seccomp', plainPod('unconfined', ns, { spec: { securityContext: { seccompProfile: { type: 'Unconfined' } } } })],
  ['selinux', plainPod('spc', ns, c({ seLinuxOptions: { type: 'spc_t' } }))],
  // the API server accepts an unmasked /proc only in a user namespace
  ['proc-mount', plainPod('unmasked', ns, { spec: { hostUsers: false }, ...c({ procMount: 'Unmasked' }) })],
  ['apparmor', plainPod('apparmor', ns, { spec: { securityContext: { appArmorProfile: { type: 'Unconfined' } } } })],
  ['sysctls', plainPod('sysctl', ns, { spec: { securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '65536' }] } } })],
  ['host-process', plainPod('hostprocess', ns, { spec: { os: { name: 'windows' }, hostNetwork: true, securityContext: { windowsOptions: { hostProcess: true } } } })],
  ['probe-host', plainPod('probehost', ns, { container: { livenessProbe: { httpGet: { port: 8080, host: '169.254.169.254' } } } })],
  ['image-tag', plainPod('latest', ns, { container: { image: 'docker.io/library/nginx:latest' } })],
  ['service-account-token', plainPod('token', ns, { spec: { automountServiceAccountToken: true } })],
  ['storefront-shape', plainPod('shapeless', ns, { labels: { 'store.platform.io/role': 'storefront' } })],
  ['tenant-mismatch', plainPod('spoof', ns, { labels: { [TENANT_LABEL]: 'globex' } })],
]

t.test('non-compliant Pods are denied with the rule ID', async (t) => {
  for (const [rule, pod] of cases) {
    const r = dryRun(pod)
    t.not(r.code, 0, `${rule}: denied`)
    t.match(r.stderr, 'admission webhook "validate.store.platform.io" denied the request', `${rule}: by the validating webhook`)
    t.match(r.stderr, deniedBy(rule), `${rule}: rule ID and path in the message`)
  }
})

t.test('a Deployment with a field Pod Security only warns about on templates is denied at dry-run', async (t) => {
  const spec = { securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '65536' }] },
    containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', securityContext: { seLinuxOptions: { type: 'spc_t' } } }] }
  const r = dryRun({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'acme-pss', namespace: ns },
    spec: { selector: { matchLabels: { app: 'pss' } }, template: { metadata: { labels: { app: 'pss' } }, spec } } })
  t.not(r.code, 0, 'denied')
  t.match(r.stderr, /selinux: Deployment\/acme-pss: spec\.template\.spec\.containers\[app\]\.securityContext\.seLinuxOptions\.type: /)
  t.match(r.stderr, /sysctls: Deployment\/acme-pss: spec\.template\.spec\.securityContext\.sysctls\[0\]\.name: kernel\.msgmax/)
})

t.test('every violation of one pod is reported at once, one per line', async (t) => {
  const pod = plainPod('everything', ns, {
    labels: { [TENANT_LABEL]: 'globex' },
    spec: { hostNetwork: true, automountServiceAccountToken: true, securityContext: { seccompProfile: { type: 'Unconfined' } } },
    container: { image: 'docker.io/library/busybox', securityContext: { privileged: true, runAsUser: 0, capabilities: { add: ['NET_ADMIN'] } } },
  })
  const r = dryRun(pod)
  t.not(r.code, 0)
  for (const rule of ['tenant-mismatch', 'host-namespaces', 'service-account-token', 'seccomp', 'image-tag', 'privileged', 'run-as-root', 'capabilities']) {
    t.match(r.stderr, new RegExp(`(^|denied the request: )${rule}: `, 'm'), `${rule} on its own line`)
  }
})

t.test('pod controllers are judged by the pod they would become', async (t) => {
  const template = (spec: object) => ({ metadata: { labels: { app: 'ctl' } }, spec })
  const bad = { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', securityContext: { privileged: true } }], hostNetwork: true }
  const objs: [string, any][] = [
    ['Deployment', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'acme-bagisto', namespace: ns }, spec: { selector: { matchLabels: { app: 'ctl' } }, template: template(bad) } }],
    ['StatefulSet', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'acme-db', namespace: ns }, spec: { serviceName: 'db', selector: { matchLabels: { app: 'ctl' } }, template: template(bad) } }],
    ['DaemonSet', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'acme-ds', namespace: ns }, spec: { selector: { matchLabels: { app: 'ctl' } }, template: template(bad) } }],
    ['Job', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'acme-job', namespace: ns }, spec: { template: template({ ...bad, restartPolicy: 'Never' }) } }],
    ['CronJob', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'acme-cron', namespace: ns }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: template({ ...bad, restartPolicy: 'Never' }) } } } }],
  ]
  for (const [kind, obj] of objs) {
    const r = dryRun(obj)
    t.not(r.code, 0, `${kind} denied`)
    t.match(r.stderr, new RegExp(`privileged: ${kind}/${obj.metadata.name}: spec\\.`), `${kind}: path starts at the object`)
    t.match(r.stderr, new RegExp(`host-namespaces: ${kind}/${obj.metadata.name}: `), `${kind}: host-namespaces`)
  }
  // a compliant-after-mutation Deployment passes: its template has no explicit violations
  const good = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'acme-ok', namespace: ns },
    spec: { selector: { matchLabels: { app: 'ok' } }, template: { metadata: { labels: { app: 'ok' } }, spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10' }] } } } }
  const ok = dryRun(good)
  t.equal(ok.code, 0, ok.out)
})

t.test('tenant spoofing is denied; the namespace tenant is applied when unset', async (t) => {
  const spoof = dryRun(plainPod('spoof', ns, { labels: { [TENANT_LABEL]: 'globex' } }))
  t.match(spoof.stderr, /tenant-mismatch: metadata\.labels\[store\.platform\.io\/tenant\]: .*globex/)
  const deployment = dryRun({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'spoof', namespace: ns },
    spec: { selector: { matchLabels: { app: 's' } }, template: { metadata: { labels: { app: 's', [TENANT_LABEL]: 'globex' } }, spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10' }] } } } })
  t.match(deployment.stderr, /tenant-mismatch: Deployment\/spoof: /, 'spoofed Deployment template denied')
  const own = dryRun(plainPod('own', ns, { labels: { [TENANT_LABEL]: 'acme' } }))
  t.equal(own.code, 0, own.out)
})

t.test('shared namespace: tenant label required, cross-tenant references denied', async (t) => {
  kubectlOk(['apply', '-f', '-'], [
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'globex-db', namespace: shared, labels: { [TENANT_LABEL]: 'globex' } }, stringData: { password: 'x' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'globex-env', namespace: shared, labels: { [TENANT_LABEL]: 'globex' } }, data: { a: 'b' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'initech-env', namespace: shared, labels: { [TENANT_LABEL]: 'initech' } }, data: { a: 'b' } },
  ])
  const missingTenant = dryRun(plainPod('anon', shared))
  t.not(missingTenant.code, 0)
  t.match(missingTenant.stderr, deniedBy('tenant-missing'))

  const thief = plainPod('thief', shared, {
    labels: { [TENANT_LABEL]: 'initech' },
    spec: { volumes: [{ name: 'cfg', configMap: { name: 'globex-env' } }] },
    container: { env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'globex-db', key: 'password' } } }] },
  })
  // the webhook's metadata caches see the objects a moment after they are created
  const r = await waitFor('cross-tenant denial', () => {
    const res = dryRun(thief)
    return /Secret globex-db/.test(res.stderr) && /ConfigMap globex-env/.test(res.stderr) ? res : undefined
  }, 30_000)
  t.match(r.stderr, deniedBy('cross-tenant-reference'))
  t.match(r.stderr, /globex/)

  const honest = dryRun(plainPod('honest', shared, {
    labels: { [TENANT_LABEL]: 'initech' },
    spec: { automountServiceAccountToken: false, volumes: [{ name: 'cfg', configMap: { name: 'initech-env' } }] },
  }))
  t.equal(honest.code, 0, honest.out)
  t.match(honest.stdout, /store\.platform\.io\/tenant: initech/, 'tenant kept from the pod in shared mode')
})

// The ServiceAccount admission plugin (built in, runs before the webhooks) adds the projected
// kube-api-access-* volume, whose sources include the ConfigMap kube-root-ca.crt that every
// namespace has, without a tenant label. The mutation then sets automountServiceAccountToken: false
// but leaves that volume, and cross-tenant-reference judges it.
t.test('shared namespace: a pod with the default service account token is admitted', async (t) => {
  const r = dryRun(plainPod('default-sa', shared, { labels: { [TENANT_LABEL]: 'initech' } }))
  t.equal(r.code, 0, r.out)
})

t.test('a warn rule admits with Warning: lines (policy reloaded live)', async (t) => {
  writePolicy((p) => {
    p.rules['image-tag'] = 'warn'
    p.registries = ['registry.k8s.io']
  })
  const latest = plainPod('warned', ns, { container: { image: 'registry.k8s.io/pause:latest' } })
  const r = await waitFor('the image-tag rule at warn', () => { const res = dryRun(latest); return res.code === 0 ? res : undefined }, 30_000)
  t.match(r.stderr, /^Warning: .*image-tag/m, 'Warning: line naming the rule')
  for (const line of r.stderr.split('\n').filter((l) => l.startsWith('Warning:'))) {
    t.ok(line.replace(/^Warning: /, '').length <= 120, `warning at most 120 characters: ${line}`)
  }
  t.match(r.stdout, MUTATED_BY, 'admitted (dry run) and mutated')
  const elsewhere = dryRun(plainPod('registry', ns, { container: { image: 'docker.io/library/nginx:1.27' } }))
  t.not(elsewhere.code, 0)
  t.match(elsewhere.stderr, deniedBy('image-registry'), 'registry allowlist enforced')

  restorePolicy()
  const back = await waitFor('the image-tag rule back at deny', () => { const res = dryRun(latest); return res.code !== 0 ? res : undefined }, 30_000)
  t.match(back.stderr, deniedBy('image-tag'))
})

t.test('mutation skipped (it fails open): validation still denies the raw pod', async (t) => {
  kubectlOk(['delete', 'mutatingwebhookconfiguration', 'store-admission-mutate'])
  try {
    const r = await waitFor('validation of an unmutated pod', () => { const res = dryRun(plainPod('raw', ns)); return res.code !== 0 ? res : undefined }, 30_000)
    for (const rule of ['privilege-escalation', 'run-as-root', 'capabilities', 'seccomp', 'resources']) {
      t.match(r.stderr, deniedBy(rule), `${rule}: unset counts as not compliant`)
    }
  } finally {
    webhook('register')
  }
  await webhookLive(ns)
})

t.test('nothing denied was persisted', async (t) => {
  const create = kubectl(['create', '-f', '-'], plainPod('for-real', ns, c({ privileged: true })))
  t.not(create.code, 0, 'a real (not dry-run) create is denied too')
  const left = getJson(['-n', ns, 'get', 'pods,deployments,statefulsets,daemonsets,jobs,cronjobs'])
  t.same(left.items.map((i: any) => `${i.kind}/${i.metadata.name}`), [], 'no objects in the namespace')
  const sharedPods = getJson(['-n', shared, 'get', 'pods'])
  t.same(sharedPods.items, [])
})

t.test('kubectl debug: a privileged debug container is denied, a restricted one admitted', async (t) => {
  kubectlOk(['apply', '-f', '-'], plainPod('debugged', ns))
  t.teardown(() => { kubectl(['-n', ns, 'delete', 'pod', 'debugged', '--wait=false']) })
  const debug = (name: string, profile: string) => kubectl(['-n', ns, 'debug', 'debugged', `--container=${name}`, '--image=registry.k8s.io/pause:3.10', `--profile=${profile}`])
  const denied = debug('sysadmin', 'sysadmin')
  t.not(denied.code, 0, 'sysadmin profile (privileged): refused')
  t.match(denied.stderr, /denied the request:[\s\S]*privileged: spec\.ephemeralContainers\[sysadmin\]\.securityContext\.privileged: must not be true/)
  const admitted = debug('restricted', 'restricted')
  t.equal(admitted.code, 0, `restricted profile: admitted\n${admitted.out}`)
  const names = getJson(['-n', ns, 'get', 'pod', 'debugged']).spec.ephemeralContainers.map((c: { name: string }) => c.name)
  t.same(names, ['restricted'], 'only the restricted debug container was added')
})
