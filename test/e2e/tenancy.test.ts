// Tenant identity through the real API server, with `kubectl --as/--as-group`: in a shared
// namespace holding acme's and globex's stores, globex cannot create or relabel anything as acme,
// cannot become an endpoint or a NetworkPolicy peer of acme's, cannot aim a NetworkPolicy, Service
// or PodDisruptionBudget at acme's pods (tenant-selector), cannot route an Ingress to acme's Service
// or serve acme's TLS Secret (cross-tenant-reference), cannot label a namespace; acme's
// deployer (a service account) installs its store with Helm 3 and 4; controllers still create their
// pods; the webhook's own token reads nothing of a dedicated store namespace.
import t from 'tap'
import { join } from 'node:path'
import {
  ROOT, SHARED_LABEL, TENANT_LABEL, getJson, helm, kubectl, kubectlOk, namespace, plainPod, requireControlPlane, restorePolicy,
  storeLabels, waitFor, writePolicy,
} from './fixtures/k8s.js'

requireControlPlane()
const mall = 'e2e-tenancy-mall'
const dedicated = 'e2e-tenancy-acme'
const WEBHOOK_SA = 'system:serviceaccount:store-admission:store-admission'
const DEPLOYER = `system:serviceaccount:${mall}:acme-deployer`

// Who is who: acme by user, by group and by service account; globex by user. The test's own admin
// (system:masters) is the platform admin, as in manifests/webhook/policy.yaml.
const acmeDev = ['--as=acme-dev']
const acmeGroupMember = ['--as=carol', '--as-group=acme-devs']
const globexDev = ['--as=globex-dev', '--as-group=globex-devs']
const deployer = [`--as=${DEPLOYER}`, '--as-group=system:serviceaccounts', `--as-group=system:serviceaccounts:${mall}`]

t.teardown(restorePolicy)
writePolicy((p) => {
  p.tenants = {
    acme: { users: ['acme-dev'], groups: ['acme-devs'], serviceAccounts: [`${mall}:acme-deployer`] },
    globex: { users: ['globex-dev'] },
  }
})
t.teardown(namespace(mall, storeLabels('mall', { shared: true, restricted: true })))
t.teardown(namespace(dedicated, storeLabels('acme', { restricted: true })))
// RBAC lets every one of them edit the shared namespace and label namespaces: what stops them is the webhook.
kubectlOk(['apply', '-f', '-'], [
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'acme-deployer', namespace: mall } },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'tenants-edit', namespace: mall },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
    subjects: [
      { kind: 'User', name: 'acme-dev', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'User', name: 'carol', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'User', name: 'globex-dev', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'ServiceAccount', name: 'acme-deployer', namespace: mall },
    ],
  },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'e2e-tenancy-namespaces' }, rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'create', 'patch', 'update'] }] },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'e2e-tenancy-namespaces' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'e2e-tenancy-namespaces' },
    subjects: [{ kind: 'User', name: 'globex-dev', apiGroup: 'rbac.authorization.k8s.io' }],
  },
])
t.teardown(() => {
  kubectl(['delete', 'clusterrole,clusterrolebinding', 'e2e-tenancy-namespaces', '--ignore-not-found'])
  kubectl(['delete', 'namespace', 'e2e-tenancy-globex', '--wait=false', '--ignore-not-found'])
})

const labelled = (tenant: string | undefined, more: Record<string, string> = {}): Record<string, string> => ({ ...more, ...(tenant ? { [TENANT_LABEL]: tenant } : {}) })
const secret = (name: string, tenant?: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: mall, labels: labelled(tenant) }, stringData: { password: 'p' } })
const configMap = (name: string, tenant?: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: mall, labels: labelled(tenant) }, data: { a: 'b' } })
const claim = (name: string, tenant?: string) => ({
  apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: mall, labels: labelled(tenant) },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
})
const pod = (name: string, tenant?: string, more: Record<string, string> = {}) => plainPod(name, mall, { labels: labelled(tenant, more) })
const template = (name: string, tenant: string) => ({ metadata: { labels: labelled(tenant, { app: name }) }, spec: plainPod(name, mall).spec })
const deployment = (name: string, tenant: string) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: mall, labels: labelled(tenant) },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: template(name, tenant) },
})
const cronJob = (name: string, tenant: string) => ({
  apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name, namespace: mall, labels: labelled(tenant) },
  spec: {
    schedule: '* * * * *',
    jobTemplate: { metadata: { labels: labelled(tenant) }, spec: { template: { ...template(name, tenant), spec: { ...plainPod(name, mall).spec, restartPolicy: 'Never' } } } },
  },
})

const create = (who: string[], obj: object) => kubectl([...who, 'create', '-f', '-'], obj)
/** The denial names the rule, the field and who asked. */
const denial = (rule: string, path: string, who: string) =>
  new RegExp(`denied the request:[\\s\\S]*${rule}: ${path.replace(/[[\]/.]/g, '\\$&')}: user "${who}"`)
const TENANT_FIELD = `metadata.labels[${TENANT_LABEL}]`

// The policy above is live once acme's user may create what a stranger may not.
await waitFor('the tenancy policy live', () => kubectl([...acmeDev, 'create', '--dry-run=server', '-f', '-'], secret('probe', 'acme')).code === 0, 60_000)

t.test('globex cannot create a Pod, Deployment, CronJob, Secret, ConfigMap or PVC as acme', async (t) => {
  const attempts: [string, object, string][] = [
    ['Pod', pod('spoof', 'acme'), TENANT_FIELD],
    ['Deployment', deployment('spoof', 'acme'), `Deployment/spoof: ${TENANT_FIELD}`],
    ['CronJob', cronJob('spoof', 'acme'), `CronJob/spoof: ${TENANT_FIELD}`],
    ['Secret', secret('spoof', 'acme'), `Secret/spoof: ${TENANT_FIELD}`],
    ['ConfigMap', configMap('spoof', 'acme'), `ConfigMap/spoof: ${TENANT_FIELD}`],
    ['PVC', claim('spoof', 'acme'), `PersistentVolumeClaim/spoof: ${TENANT_FIELD}`],
  ]
  for (const [kind, obj, path] of attempts) {
    const r = create(globexDev, obj)
    t.not(r.code, 0, `${kind}: denied`)
    t.match(r.stderr, denial('tenant-identity', path, 'globex-dev'), `${kind}: rule, field and requester named`)
    t.match(r.stderr, /does not act for tenant "acme"/)
  }
  t.same(getJson(['-n', mall, 'get', 'pods,deployments,cronjobs,secrets,configmaps,pvc', '-l', TENANT_LABEL]).items, [], 'nothing was stored')
  // a Deployment that hides the claim in its pod template is caught there
  const hidden = deployment('hidden', 'globex')
  hidden.spec.template.metadata.labels[TENANT_LABEL] = 'acme'
  t.match(create(globexDev, hidden).stderr, denial('tenant-identity', `Deployment/hidden: spec.template.${TENANT_FIELD}`, 'globex-dev'))
})

t.test('acme acts for acme: by user, by group, by service account', async (t) => {
  for (const [who, name] of [[acmeDev, 'by-user'], [acmeGroupMember, 'by-group'], [deployer, 'by-sa']] as const) {
    const r = create(who, secret(`acme-${name}`, 'acme'))
    t.equal(r.code, 0, `${name}: ${r.out}`)
  }
  t.equal(create(globexDev, secret('globex-own', 'globex')).code, 0, 'globex acts for globex')
})

t.test('globex cannot relabel its objects to acme, nor take acme\'s', async (t) => {
  kubectlOk([...globexDev, 'create', '-f', '-'], [pod('globex-pod', 'globex'), deployment('globex-web', 'globex'), configMap('globex-cm', 'globex'), claim('globex-claim', 'globex')])
  for (const target of ['pod/globex-pod', 'deployment/globex-web', 'secret/globex-own', 'configmap/globex-cm', 'pvc/globex-claim']) {
    const r = kubectl([...globexDev, '-n', mall, 'label', target, `${TENANT_LABEL}=acme`, '--overwrite'])
    t.not(r.code, 0, `${target}: relabel denied`)
    t.match(r.stderr, /tenant-identity: (\S+ )?metadata\.labels\[store\.platform\.io\/tenant\]: user "globex-dev".*does not act for tenant "acme"/, target)
  }
  const steal = kubectl([...globexDev, '-n', mall, 'label', 'secret/acme-by-user', `${TENANT_LABEL}=globex`, '--overwrite'])
  t.match(steal.stderr, /does not act for tenant "acme" \(this update takes it away\)/, 'taking acme\'s Secret')
  const touch = kubectl([...globexDev, '-n', mall, 'label', 'secret/acme-by-user', 'note=mine'])
  t.match(touch.stderr, denial('tenant-identity', `Secret/acme-by-user: ${TENANT_FIELD}`, 'globex-dev'), 'any change of acme\'s object')
  t.equal(getJson(['-n', mall, 'get', 'pod', 'globex-pod']).metadata.labels[TENANT_LABEL], 'globex', 'still globex')
})

t.test('globex cannot become an endpoint of acme\'s Service or a peer of acme\'s NetworkPolicy', async (t) => {
  // Selectors as the shared-mode chart writes them: tenant and instance.
  const instanceLabels = { 'app.kubernetes.io/instance': 'acme', 'app.kubernetes.io/component': 'redis' }
  const selector = { [TENANT_LABEL]: 'acme', ...instanceLabels }
  kubectlOk([...acmeDev, 'create', '-f', '-'], [
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'acme-redis', namespace: mall, labels: labelled('acme') }, spec: { selector, ports: [{ port: 6379 }] } },
    {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'acme-redis', namespace: mall, labels: labelled('acme') },
      spec: { podSelector: { matchLabels: selector }, ingress: [{ from: [{ podSelector: { matchLabels: { [TENANT_LABEL]: 'acme', 'app.kubernetes.io/instance': 'acme' } } }] }] },
    },
  ])
  const asAcme = create(globexDev, pod('fake-redis', 'acme', instanceLabels))
  t.match(asAcme.stderr, denial('tenant-identity', TENANT_FIELD, 'globex-dev'), 'carrying acme\'s tenant: tenant-identity')
  const anonymous = create(globexDev, pod('fake-redis', undefined, instanceLabels))
  t.match(anonymous.stderr, /tenant-missing: metadata\.labels\[store\.platform\.io\/tenant\]/, 'carrying none: tenant-missing')
  t.equal(create(globexDev, pod('fake-redis', 'globex', instanceLabels)).code, 0, 'carrying its own tenant: admitted')
  kubectlOk([...acmeDev, 'create', '-f', '-'], pod('acme-redis', 'acme', instanceLabels))
  // what the Service and the NetworkPolicy select, as the API server evaluates their selectors
  const selected = (labels: Record<string, string>) =>
    getJson(['-n', mall, 'get', 'pods', '-l', Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',')]).items.map((p: any) => p.metadata.name)
  t.same(selected(selector), ['acme-redis'], 'the Service and policy select acme\'s pod only')
  t.same(selected({ [TENANT_LABEL]: 'acme', 'app.kubernetes.io/instance': 'acme' }), ['acme-redis'], 'the NetworkPolicy peer: acme\'s pod only')
  const endpoints = await waitFor('acme-redis endpoints', () => {
    const slices = getJson(['-n', mall, 'get', 'endpointslices', '-l', 'kubernetes.io/service-name=acme-redis']).items
    const targets = slices.flatMap((s: any) => (s.endpoints ?? []).map((e: any) => e.targetRef?.name))
    return targets.length > 0 ? targets : undefined
  }, 60_000)
  t.same(endpoints, ['acme-redis'], 'the endpoints of acme\'s Service: acme\'s pod, not globex\'s')
})

t.test('globex cannot aim a NetworkPolicy, Service or PodDisruptionBudget at acme\'s pods', async (t) => {
  const acmePods = { matchLabels: { [TENANT_LABEL]: 'acme', 'app.kubernetes.io/instance': 'acme' } }
  const netpol = (name: string, tenant: string | undefined, podSelector: object) => ({
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: mall, labels: labelled(tenant) },
    spec: { podSelector, policyTypes: ['Ingress'], ingress: [{}] }, // ingress from anywhere, to what it selects
  })
  const budget = (name: string, tenant: string, selector: object) => ({
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: mall, labels: labelled(tenant) },
    spec: { maxUnavailable: 0, selector },
  })
  const svc = (name: string, tenant: string, selector: Record<string, string> | undefined, type = 'ClusterIP') => ({
    apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: mall, labels: labelled(tenant) },
    spec: { type, ports: [{ port: 80 }], ...(selector ? { selector } : {}) },
  })
  const refused = (kind: string, name: string, path: string) =>
    new RegExp(`denied the request:[\\s\\S]*tenant-selector: ${kind}/${name}: ${path.replace(/[[\]/.]/g, '\\$&')}: `)
  const attempts: [object, RegExp, string][] = [
    [netpol('open-acme', 'globex', acmePods), refused('NetworkPolicy', 'open-acme', 'spec.podSelector'), 'a NetworkPolicy opening acme\'s pods to everyone'],
    [netpol('open-all', 'globex', {}), refused('NetworkPolicy', 'open-all', 'spec.podSelector'), 'a NetworkPolicy selecting every pod'],
    [netpol('open-unpinned', 'globex', { matchExpressions: [{ key: TENANT_LABEL, operator: 'NotIn', values: ['globex'] }] }), refused('NetworkPolicy', 'open-unpinned', 'spec.podSelector'), 'NotIn [globex]'],
    [svc('expose-acme', 'globex', { 'app.kubernetes.io/instance': 'acme' }, 'NodePort'), refused('Service', 'expose-acme', 'spec.selector'), 'a NodePort Service on acme\'s instance labels'],
    [svc('expose-acme-lb', 'globex', acmePods.matchLabels, 'LoadBalancer'), refused('Service', 'expose-acme-lb', 'spec.selector'), 'a LoadBalancer Service on acme\'s tenant'],
    [budget('block-acme', 'globex', { matchExpressions: [{ key: TENANT_LABEL, operator: 'In', values: ['globex', 'acme'] }] }), refused('PodDisruptionBudget', 'block-acme', 'spec.selector'), 'a PDB blocking acme\'s evictions'],
    [budget('block-all', 'globex', {}), refused('PodDisruptionBudget', 'block-all', 'spec.selector'), 'a PDB on every pod'],
    [netpol('no-tenant', undefined, { matchLabels: { [TENANT_LABEL]: 'globex' } }), refused('NetworkPolicy', 'no-tenant', TENANT_FIELD), 'one carrying no tenant'],
  ]
  for (const [obj, why, name] of attempts) {
    const r = create(globexDev, obj)
    t.not(r.code, 0, `${name}: denied`)
    t.match(r.stderr, why, `${name}: the rule and the field named`)
  }
  t.match(create(globexDev, attempts[0]![0]).stderr, /lets store\.platform\.io\/tenant be "acme", not only its own tenant "globex"/, 'and why')
  const asAcme = create(globexDev, netpol('as-acme', 'acme', acmePods))
  t.match(asAcme.stderr, denial('tenant-identity', `NetworkPolicy/as-acme: ${TENANT_FIELD}`, 'globex-dev'), 'carrying acme\'s tenant: tenant-identity')
  t.same(getJson(['-n', mall, 'get', 'networkpolicies,services,poddisruptionbudgets', '-l', `${TENANT_LABEL}=globex`]).items, [], 'nothing was stored')

  const globexPods = { matchLabels: { [TENANT_LABEL]: 'globex', app: 'web' } }
  kubectlOk([...globexDev, 'create', '-f', '-'], [
    netpol('globex-web', 'globex', globexPods),
    netpol('globex-web-expr', 'globex', { matchExpressions: [{ key: TENANT_LABEL, operator: 'In', values: ['globex'] }] }),
    svc('globex-web', 'globex', globexPods.matchLabels, 'NodePort'),
    svc('globex-external', 'globex', undefined),
    budget('globex-web', 'globex', globexPods),
  ])
  t.pass('globex\'s own, pinned to globex (and a Service without a selector): admitted')
  const widen = kubectl([...globexDev, '-n', mall, 'patch', 'networkpolicy', 'globex-web', '--type=json', '-p', JSON.stringify([{ op: 'replace', path: '/spec/podSelector', value: {} }])])
  t.match(widen.stderr, refused('NetworkPolicy', 'globex-web', 'spec.podSelector'), 'an UPDATE widening it to every pod')
  t.same(getJson(['-n', mall, 'get', 'networkpolicy', 'globex-web']).spec.podSelector, globexPods, 'unchanged')
  const defaultDeny = kubectl(['create', '--dry-run=server', '-f', '-'], { ...netpol('default-deny', undefined, {}), spec: { podSelector: {}, policyTypes: ['Ingress'] } })
  t.equal(defaultDeny.code, 0, `a platform admin's namespace-wide default-deny: ${defaultDeny.out}`)
  // A dedicated store namespace is acme's alone: its namespace-wide policy is its own business.
  kubectlOk(['-n', dedicated, 'create', 'rolebinding', 'acme-edit', '--clusterrole=edit', '--user=acme-dev'])
  const own = kubectl([...acmeDev, 'create', '--dry-run=server', '-f', '-'], { ...netpol('all-mine', undefined, {}), metadata: { name: 'all-mine', namespace: dedicated } })
  t.equal(own.code, 0, `a dedicated namespace: unchanged: ${own.out}`)
})

t.test('globex cannot route an Ingress to acme\'s Service nor serve acme\'s TLS Secret', async (t) => {
  const svc = (name: string, tenant: string) => ({
    apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: mall, labels: labelled(tenant) },
    spec: { selector: { [TENANT_LABEL]: tenant, app: name }, ports: [{ port: 80 }] },
  })
  const tls = (name: string, tenant: string) => ({ ...secret(name, tenant), type: 'kubernetes.io/tls', stringData: { 'tls.crt': 'c', 'tls.key': 'k' } })
  kubectlOk([...acmeDev, 'create', '-f', '-'], [svc('acme-shop', 'acme'), tls('acme-shop-tls', 'acme')])
  kubectlOk([...globexDev, 'create', '-f', '-'], [svc('globex-shop', 'globex'), tls('globex-shop-tls', 'globex')])
  const backend = (name: string) => ({ service: { name, port: { number: 80 } } })
  const ingress = (name: string, tenant: string | undefined, spec: { service?: string; defaultBackend?: object; secretName?: string }) => ({
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: mall, labels: labelled(tenant) },
    spec: {
      ...(spec.defaultBackend ? { defaultBackend: spec.defaultBackend } : {}),
      ...(spec.secretName ? { tls: [{ hosts: ['shop.globex.example'], secretName: spec.secretName }] } : {}),
      rules: [{ host: 'shop.globex.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend(spec.service ?? 'globex-shop') }] } }],
    },
  })
  const refused = (name: string, path: string, reason: string) =>
    new RegExp(`denied the request:[\\s\\S]*cross-tenant-reference: Ingress/${name}: ${path.replace(/[[\]/.]/g, '\\$&')}: ${reason}`)
  const PATH_BACKEND = 'spec.rules[0].http.paths[0].backend.service.name'
  const attempts: [object, RegExp, string][] = [
    [ingress('route-acme', 'globex', { service: 'acme-shop' }), refused('route-acme', PATH_BACKEND, 'Service acme-shop belongs to tenant "acme", not "globex"'), 'a path to acme\'s shop under globex\'s host'],
    [ingress('default-acme', 'globex', { defaultBackend: backend('acme-shop') }), refused('default-acme', 'spec.defaultBackend.service.name', 'Service acme-shop belongs'), 'acme\'s shop as the default backend'],
    [ingress('serve-acme-key', 'globex', { secretName: 'acme-shop-tls' }), refused('serve-acme-key', 'spec.tls[0].secretName', 'Secret acme-shop-tls belongs to tenant "acme", not "globex"'), 'acme\'s certificate and key for globex\'s host'],
    [ingress('route-nothing', 'globex', { service: 'no-such-service' }), refused('route-nothing', PATH_BACKEND, 'Service no-such-service does not exist in namespace e2e-tenancy-mall'), 'a Service that does not exist (read live)'],
    [ingress('route-bucket', 'globex', { defaultBackend: { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'acme-assets' } } }), refused('route-bucket', 'spec.defaultBackend.resource', 'a resource backend can name any object'), 'a resource backend'],
    [ingress('no-tenant', undefined, {}), refused('no-tenant', TENANT_FIELD, 'an Ingress in a shared namespace must carry its tenant\'s label'), 'one carrying no tenant'],
  ]
  for (const [obj, why, name] of attempts) {
    const r = create(globexDev, obj)
    t.not(r.code, 0, `${name}: denied`)
    t.match(r.stderr, why, `${name}: the rule, the field and the reason named`)
  }
  const asAcme = create(globexDev, ingress('as-acme', 'acme', { service: 'acme-shop', secretName: 'acme-shop-tls' }))
  t.match(asAcme.stderr, denial('tenant-identity', `Ingress/as-acme: ${TENANT_FIELD}`, 'globex-dev'), 'carrying acme\'s tenant: tenant-identity')
  t.same(getJson(['-n', mall, 'get', 'ingresses']).items, [], 'nothing was stored')

  kubectlOk([...globexDev, 'create', '-f', '-'], ingress('globex-shop', 'globex', { secretName: 'globex-shop-tls' }))
  t.pass('globex\'s own Service and TLS Secret: admitted')
  const repoint = kubectl([...globexDev, '-n', mall, 'patch', 'ingress', 'globex-shop', '--type=json', '-p',
    JSON.stringify([{ op: 'replace', path: '/spec/tls/0/secretName', value: 'acme-shop-tls' }])])
  t.match(repoint.stderr, refused('globex-shop', 'spec.tls[0].secretName', 'Secret acme-shop-tls belongs'), 'an UPDATE to acme\'s Secret')
  t.equal(getJson(['-n', mall, 'get', 'ingress', 'globex-shop']).spec.tls[0].secretName, 'globex-shop-tls', 'unchanged')
  const acmeOwn = kubectl([...acmeDev, 'create', '--dry-run=server', '-f', '-'], ingress('acme-shop', 'acme', { service: 'acme-shop', secretName: 'acme-shop-tls' }))
  t.equal(acmeOwn.code, 0, `acme's own: ${acmeOwn.out}`)
  // The test's admin is a platform admin: it acts for acme, and its Ingress is still held to acme's objects.
  t.equal(kubectl(['create', '--dry-run=server', '-f', '-'], ingress('acme-by-admin', 'acme', { service: 'acme-shop', secretName: 'acme-shop-tls' })).code, 0, 'an admin writing acme\'s Ingress')
  const mixed = kubectl(['create', '--dry-run=server', '-f', '-'], ingress('admin-mixed', 'acme', { service: 'acme-shop', secretName: 'globex-shop-tls' }))
  t.match(mixed.stderr, refused('admin-mixed', 'spec.tls[0].secretName', 'Secret globex-shop-tls belongs to tenant "globex", not "acme"'), 'an admin serving globex\'s key for acme: denied too')
  // A dedicated store namespace is acme's alone: its Ingresses are not judged on references.
  const own = kubectl([...acmeDev, 'create', '--dry-run=server', '-f', '-'], { ...ingress('anywhere', undefined, { service: 'not-here' }), metadata: { name: 'anywhere', namespace: dedicated } })
  t.equal(own.code, 0, `a dedicated namespace: unchanged: ${own.out}`)
})

t.test('nobody but a platform admin labels a namespace', async (t) => {
  const relabel = kubectl([...globexDev, 'label', 'namespace', mall, `${TENANT_LABEL}=globex`, '--overwrite'])
  t.match(relabel.stderr, /namespace-tenant: Namespace\/e2e-tenancy-mall: metadata\.labels\[store\.platform\.io\/tenant\]: user "globex-dev".*is not a platform admin: may not change it from "mall" to "globex"/)
  const unshare = kubectl([...globexDev, 'label', 'namespace', mall, `${SHARED_LABEL}-`])
  t.match(unshare.stderr, /namespace-tenant: \S+ metadata\.labels\[store\.platform\.io\/shared\]: user "globex-dev"/, 'removing the shared label')
  const fresh = kubectl([...globexDev, 'create', '-f', '-'], { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'e2e-tenancy-globex', labels: { [TENANT_LABEL]: 'acme' } } })
  t.match(fresh.stderr, /namespace-tenant: Namespace\/e2e-tenancy-globex: metadata\.labels\[store\.platform\.io\/tenant\]: user "globex-dev"/, 'creating one with a tenant')
  t.equal(getJson(['get', 'namespace', mall]).metadata.labels[TENANT_LABEL], 'mall', 'unchanged')
  t.equal(kubectl([...globexDev, 'label', 'namespace', mall, 'team=globex']).code, 0, 'other labels are RBAC\'s business')
  t.equal(kubectl(['label', 'namespace', mall, 'team-']).code, 0)
})

t.test('references are judged against the truth: a missing Secret is a violation', async (t) => {
  const p = pod('reads-later', 'acme')
  p.spec.volumes = [{ name: 'later', secret: { secretName: 'acme-not-yet' } }]
  const r = create(acmeDev, p)
  t.match(r.stderr, /cross-tenant-reference: spec\.volumes\[later\]\.secret\.secretName: Secret acme-not-yet does not exist in namespace e2e-tenancy-mall/)
  const own = pod('reads-own', 'acme')
  own.spec.volumes = [{ name: 'own', secret: { secretName: 'acme-by-user' } }]
  t.equal(create(acmeDev, own).code, 0, 'its own Secret, created a moment ago, read live')
  const theirs = pod('reads-theirs', 'globex')
  theirs.spec.volumes = [{ name: 'theirs', secret: { secretName: 'acme-by-user' } }]
  t.match(create(globexDev, theirs).stderr, /cross-tenant-reference: .*Secret acme-by-user belongs to tenant "acme", not "globex"/)
})

t.test('a hand-made ownerReference does not make a trusted controller act for acme', async (t) => {
  const rsController = ['--as=system:serviceaccount:kube-system:replicaset-controller', '--as-group=system:serviceaccounts']
  const forged = pod('forged', 'acme')
  forged.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'no-such-rs', uid: '00000000-0000-0000-0000-000000000000', controller: true }]
  const r = kubectl([...rsController, 'create', '--dry-run=server', '-f', '-'], forged)
  t.match(r.stderr, /tenant-identity: metadata\.labels\[store\.platform\.io\/tenant\]: user "system:serviceaccount:kube-system:replicaset-controller" is a trusted controller, but may carry tenant "acme" only for an owner of that tenant: its controller owner ReplicaSet\/no-such-rs does not exist/)
  const globexRs = getJson(['-n', mall, 'get', 'replicasets', '-l', 'app=globex-web']).items[0]
  forged.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: globexRs.metadata.name, uid: globexRs.metadata.uid, controller: true }]
  t.match(kubectl([...rsController, 'create', '--dry-run=server', '-f', '-'], forged).stderr, /its controller owner ReplicaSet\/\S+ carries tenant "globex"/)
})

t.test('Deployments, StatefulSets, Jobs and CronJobs still create their pods', async (t) => {
  const sts = {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'acme-db', namespace: mall, labels: labelled('acme') },
    spec: {
      serviceName: 'acme-db', replicas: 1, selector: { matchLabels: { app: 'acme-db' } }, template: template('acme-db', 'acme'),
      volumeClaimTemplates: [{ metadata: { name: 'data', labels: labelled('acme') }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  }
  const job = {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'acme-once', namespace: mall, labels: labelled('acme') },
    spec: { template: { ...template('acme-once', 'acme'), spec: { ...plainPod('acme-once', mall).spec, restartPolicy: 'Never' } } },
  }
  kubectlOk([...acmeDev, 'create', '-f', '-'], [deployment('acme-web', 'acme'), sts, job, cronJob('acme-tick', 'acme')])
  for (const app of ['acme-web', 'acme-db', 'acme-once', 'acme-tick']) {
    const pods = await waitFor(`a pod of ${app}`, () => {
      const items = getJson(['-n', mall, 'get', 'pods', '-l', `app=${app}`]).items
      return items.length > 0 ? items : undefined
    }, 150_000)
    t.equal(pods[0].metadata.labels[TENANT_LABEL], 'acme', `${app}: a pod of tenant acme, made by its controller`)
  }
  const pvc = getJson(['-n', mall, 'get', 'pvc', 'data-acme-db-0'])
  t.equal(pvc.metadata.labels[TENANT_LABEL], 'acme', 'the StatefulSet\'s claim, made by statefulset-controller')
  await waitFor('the claim bound (persistent-volume-binder updates it)', () => getJson(['-n', mall, 'get', 'pvc', 'data-acme-db-0']).status.phase === 'Bound', 60_000)
  t.pass('bound')
})

for (const v of [3, 4] as const) {
  t.test(`acme's deployer installs its store with Helm ${v}`, async (t) => {
    const release = `acme${v}`
    const as = ['--kube-as-user', DEPLOYER, '--kube-as-group', 'system:serviceaccounts', '--kube-as-group', `system:serviceaccounts:${mall}`]
    const install = helm(v, ['install', release, join(ROOT, 'charts', 'bagisto'), '-n', mall, '--set', 'tenant=acme', '--set', 'sharedNamespace=true',
      '--set', 'ingress.enabled=true', '--set', `ingress.hosts[0].host=${release}.acme.example`, '--set', 'ingress.hosts[0].paths[0].path=/',
      '--set', 'ingress.hosts[0].paths[0].pathType=Prefix', '--wait', '--timeout', '5m', ...as])
    t.equal(install.code, 0, `helm install --wait as ${DEPLOYER}:\n${install.out}`)
    if (install.code !== 0) t.comment(kubectl(['-n', mall, 'get', 'all,pvc,events']).out)
    const pods = getJson(['-n', mall, 'get', 'pods', '-l', `app.kubernetes.io/instance=${release}`]).items.filter((p: any) => p.status.phase === 'Running')
    t.ok(pods.length >= 3, `running pods: ${pods.map((p: any) => p.metadata.name).join(', ')}`)
    for (const p of pods) t.equal(p.metadata.labels[TENANT_LABEL], 'acme', p.metadata.name)
    // The chart's selectors: globex can match them only by carrying acme's tenant, which it cannot.
    const redis = getJson(['-n', mall, 'get', 'service', `${release}-bagisto-redis`]).spec.selector
    t.equal(redis[TENANT_LABEL], 'acme', 'the chart\'s Redis Service selects by tenant')
    // Every selecting object the chart made passed tenant-selector: each carries acme and selects acme's pods.
    const selecting = getJson(['-n', mall, 'get', 'services,networkpolicies,poddisruptionbudgets', '-l', `app.kubernetes.io/instance=${release}`]).items
    t.same([...new Set(selecting.map((o: any) => o.kind))].sort(), ['NetworkPolicy', 'PodDisruptionBudget', 'Service'], 'the chart made all three kinds')
    for (const o of selecting) {
      const selector = o.kind === 'Service' ? o.spec.selector : (o.spec.podSelector ?? o.spec.selector).matchLabels
      t.ok(o.metadata.labels[TENANT_LABEL] === 'acme' && selector[TENANT_LABEL] === 'acme', `${o.kind}/${o.metadata.name}: carries and selects acme`)
    }
    // The chart's Ingress passed cross-tenant-reference: it carries acme and routes to acme's Service only.
    const ingress = getJson(['-n', mall, 'get', 'ingress', `${release}-bagisto`])
    t.equal(ingress.metadata.labels[TENANT_LABEL], 'acme', 'the chart\'s Ingress carries acme')
    t.same(ingress.spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => p.backend.service.name)), [`${release}-bagisto`], 'and routes to the release\'s Service')
    const peers = getJson(['-n', mall, 'get', 'networkpolicy', `${release}-bagisto-redis`]).spec.ingress.flatMap((r: any) => r.from ?? [])
    t.ok(peers.length > 0 && peers.every((f: any) => f.podSelector?.matchLabels?.[TENANT_LABEL] === 'acme'), 'its NetworkPolicy peers are acme\'s pods only')
    const hijack = create(globexDev, pod(`hijack${v}`, 'acme', redis))
    t.match(hijack.stderr, denial('tenant-identity', TENANT_FIELD, 'globex-dev'), 'a globex pod with the Service\'s selector labels: denied')
    kubectlOk([...globexDev, 'create', '-f', '-'], pod(`lookalike${v}`, 'globex', { ...redis, [TENANT_LABEL]: 'globex' }))
    const endpoints = getJson(['-n', mall, 'get', 'endpointslices', '-l', `kubernetes.io/service-name=${release}-bagisto-redis`]).items
      .flatMap((e: any) => (e.endpoints ?? []).map((x: any) => x.targetRef?.name))
    t.notOk(endpoints.includes(`lookalike${v}`), `a globex lookalike is no endpoint of acme's Redis: ${endpoints.join(', ')}`)
    const globex = helm(v, ['install', `globex${v}`, join(ROOT, 'charts', 'bagisto'), '-n', mall, '--set', 'tenant=acme', '--set', 'sharedNamespace=true',
      '--kube-as-user', 'globex-dev', '--kube-as-group', 'globex-devs'])
    t.not(globex.code, 0, 'globex cannot install a store as acme')
    t.match(globex.out, /tenant-identity: .*user "globex-dev"/)
    helm(v, ['uninstall', `globex${v}`, '-n', mall])
    const uninstall = helm(v, ['uninstall', release, '-n', mall, '--wait', '--timeout', '90s', ...as])
    t.equal(uninstall.code, 0, uninstall.out)
  })
}

t.test('the webhook\'s token reads no Secret of a dedicated store namespace', async (t) => {
  kubectlOk(['create', '-f', '-'], { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bagisto', namespace: dedicated }, stringData: { DB_PASSWORD: 'p' } })
  const can = (...args: string[]) => kubectl(['auth', 'can-i', ...args, `--as=${WEBHOOK_SA}`]).stdout.trim()
  t.equal(can('get', 'secret/bagisto', '-n', dedicated), 'no', 'get a dedicated store\'s Secret')
  t.equal(can('list', 'secrets', '-n', dedicated), 'no')
  t.equal(can('list', 'secrets', '--all-namespaces'), 'no', 'no cluster-wide list of Secrets')
  t.equal(can('watch', 'secrets', '--all-namespaces'), 'no')
  t.equal(can('get', 'secrets', '-n', mall), 'yes', 'metadata of a shared namespace\'s Secrets, by name: its Role')
  t.equal(can('list', 'secrets', '-n', mall), 'no', 'but no list there either')
  t.equal(can('get', 'services', '-n', mall), 'yes', 'an Ingress\'s backends, by name: its Role')
  for (const verb of ['list', 'watch']) {
    t.equal(can(verb, 'services', '-n', mall), 'no', `no ${verb} of a shared namespace's Services`)
    t.equal(can(verb, 'services', '--all-namespaces'), 'no', `no cluster-wide ${verb} of Services`)
  }
  t.equal(can('get', 'services', '-n', dedicated), 'no', 'nor a dedicated store\'s Services')
  const list = kubectl(['auth', 'can-i', '--list', '-n', dedicated, `--as=${WEBHOOK_SA}`])
  t.notMatch(list.stdout, /^secrets\b/m, `what it may do in ${dedicated}:\n${list.stdout}`)
})
