// The webhook as the API server sees it: the configurations `make up` registered are the ones in
// manifests/webhook/ (only clientConfig swapped to a URL on 127.0.0.1 with a caBundle), and the
// kustomize base itself is accepted by the API server.
import t from 'tap'
import { join } from 'node:path'
import { ROOT, requireControlPlane, getJson, kubectl, kubectlOk, parseYamlDocs, state } from './fixtures/k8s.js'

requireControlPlane()
const rendered = parseYamlDocs(kubectlOk(['kustomize', join(ROOT, 'manifests', 'webhook')]))
const port = state().WEBHOOK_PORT

for (const [kind, name, webhookName] of [
  ['MutatingWebhookConfiguration', 'store-admission-mutate', 'mutate.store.platform.io'],
  ['ValidatingWebhookConfiguration', 'store-admission-validate', 'validate.store.platform.io'],
] as const) {
  t.test(`${name} is registered from manifests/webhook by URL`, async (t) => {
    const live = getJson(['get', kind.toLowerCase(), name])
    const manifest = rendered.find((d) => d.kind === kind && d.metadata.name === name)
    t.ok(manifest, `${kind}/${name} is in manifests/webhook`)
    t.equal(live.webhooks.length, manifest.webhooks.length)
    const w = live.webhooks[0]
    const m = manifest.webhooks[0]
    t.equal(w.name, webhookName)
    for (const field of ['failurePolicy', 'sideEffects', 'matchPolicy', 'timeoutSeconds', 'admissionReviewVersions', 'namespaceSelector', 'rules', 'reinvocationPolicy']) {
      if (m[field] !== undefined) t.same(w[field], m[field], `${field} as in the manifest`)
    }
    t.ok(w.timeoutSeconds <= 5, 'timeoutSeconds <= 5')
    t.same(w.admissionReviewVersions, ['v1'])
    t.equal(w.sideEffects, 'None')
    t.equal(w.matchPolicy, 'Equivalent')
    t.equal(w.clientConfig.url, `https://127.0.0.1:${port}${m.clientConfig.service.path}`)
    t.notOk(w.clientConfig.service, 'no service reference locally')
    t.ok(w.clientConfig.caBundle, 'caBundle set')
    const exprs = w.namespaceSelector.matchExpressions
    t.ok(exprs.some((e: any) => e.key === 'store.platform.io/tenant' && e.operator === 'Exists'))
    t.ok(exprs.some((e: any) => e.key === 'kubernetes.io/metadata.name' && e.operator === 'NotIn' &&
      ['kube-system', 'kube-public', 'kube-node-lease', 'store-admission'].every((n) => e.values.includes(n))))
  })
}

t.test('the failure policies: mutation fails open, validation fails closed', async (t) => {
  const m = getJson(['get', 'mutatingwebhookconfiguration', 'store-admission-mutate'])
  const v = getJson(['get', 'validatingwebhookconfiguration', 'store-admission-validate'])
  t.equal(m.webhooks[0].failurePolicy, 'Ignore')
  t.equal(m.webhooks[0].reinvocationPolicy, 'IfNeeded')
  t.same(m.webhooks[0].rules.map((r: any) => [r.resources, r.operations]), [[['pods'], ['CREATE']]])
  t.equal(v.webhooks[0].failurePolicy, 'Fail')
  const operations = Object.fromEntries(v.webhooks[0].rules.flatMap((r: any) => r.resources.map((resource: string) => [resource, [...r.operations].sort()])))
  const both = ['CREATE', 'UPDATE']
  t.same(operations, {
    pods: both, 'pods/ephemeralcontainers': ['UPDATE'], deployments: both, statefulsets: both, daemonsets: both,
    replicasets: both, jobs: both, cronjobs: both,
  }, 'pods and pod controllers on CREATE and UPDATE, debug containers as they are added')
})

t.test('the tenancy webhooks: shared namespaces\' PVCs, Secrets, ConfigMaps, Services, NetworkPolicies, PDBs and Ingresses; every Namespace but the system ones', async (t) => {
  const v = getJson(['get', 'validatingwebhookconfiguration', 'store-admission-validate'])
  const byName = new Map<string, any>(v.webhooks.map((w: any) => [w.name, w]))
  const shared = byName.get('shared.store.platform.io')
  t.same(shared?.rules.map((r: any) => [r.apiGroups, r.resources, r.operations]), [
    [[''], ['persistentvolumeclaims', 'secrets', 'configmaps', 'services'], ['CREATE', 'UPDATE']],
    [['networking.k8s.io'], ['networkpolicies'], ['CREATE', 'UPDATE']],
    [['policy'], ['poddisruptionbudgets'], ['CREATE', 'UPDATE']],
    [['networking.k8s.io'], ['ingresses'], ['CREATE', 'UPDATE']],
  ])
  t.match(shared?.namespaceSelector.matchExpressions, [{ key: 'store.platform.io/tenant', operator: 'Exists' }, { key: 'store.platform.io/shared', operator: 'In', values: ['true'] }])
  const namespaces = byName.get('namespace.store.platform.io')
  t.same(namespaces?.rules.map((r: any) => [r.resources, r.operations, r.scope]), [[['namespaces'], ['CREATE', 'UPDATE'], 'Cluster']])
  t.same(namespaces?.namespaceSelector, { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'kube-public', 'kube-node-lease', 'store-admission'] }] },
    'a Namespace losing its tenant label is still matched; the system ones and the webhook\'s are not')
  for (const w of [shared, namespaces]) {
    t.equal(w?.failurePolicy, 'Fail')
    t.equal(w?.clientConfig.url, `https://127.0.0.1:${port}/validate`)
  }
})

t.test('kubectl apply -k manifests/webhook --dry-run=server is accepted', async (t) => {
  const r = kubectl(['apply', '-k', join(ROOT, 'manifests', 'webhook'), '--dry-run=server'])
  t.equal(r.code, 0, r.out)
  for (const kind of ['namespace/store-admission', 'serviceaccount/store-admission', 'clusterrole.rbac.authorization.k8s.io/store-admission',
    'clusterrolebinding.rbac.authorization.k8s.io/store-admission', 'deployment.apps/store-admission', 'service/store-admission',
    'poddisruptionbudget.policy/store-admission', 'networkpolicy.networking.k8s.io/store-admission',
    'mutatingwebhookconfiguration.admissionregistration.k8s.io/store-admission-mutate',
    'validatingwebhookconfiguration.admissionregistration.k8s.io/store-admission-validate']) {
    t.match(r.stdout, kind, `${kind} accepted`)
  }
  t.match(r.stdout, /configmap\/store-admission-policy-[a-z0-9]+/, 'policy ConfigMap accepted')
})

t.test('the webhook Deployment meets Pod Security restricted and runs 2 replicas', async (t) => {
  const dep = rendered.find((d) => d.kind === 'Deployment')
  t.equal(dep.spec.replicas, 2)
  const c = dep.spec.template.spec.containers[0]
  t.equal(c.securityContext.allowPrivilegeEscalation, false)
  t.same(c.securityContext.capabilities.drop, ['ALL'])
  t.equal(dep.spec.template.spec.securityContext.runAsNonRoot, true)
  t.ok(c.readinessProbe && c.livenessProbe, 'probes')
  t.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory, 'resources')
  t.ok(dep.spec.template.spec.volumes.some((v: any) => v.configMap?.name?.startsWith('store-admission-policy')), 'policy ConfigMap mounted')
  const cm = rendered.find((d) => d.kind === 'ConfigMap')
  t.ok(cm.data['policy.yaml'], 'policy.yaml in the ConfigMap')
  // the namespace enforces restricted: a server dry-run of the Deployment's pod would be refused otherwise
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pss-check', namespace: 'store-admission' }, spec: dep.spec.template.spec }
  kubectlOk(['apply', '-f', '-'], rendered.find((d) => d.kind === 'Namespace'))
  const sa = rendered.find((d) => d.kind === 'ServiceAccount')
  kubectlOk(['apply', '-f', '-'], sa)
  const cmDoc = { ...cm, metadata: { ...cm.metadata } }
  kubectlOk(['apply', '-f', '-'], cmDoc)
  const r = kubectl(['apply', '--dry-run=server', '-f', '-'], pod)
  t.equal(r.code, 0, `restricted namespace admits the webhook pod: ${r.out}`)
  t.notMatch(r.stderr, /Warning: would violate PodSecurity/)
})
