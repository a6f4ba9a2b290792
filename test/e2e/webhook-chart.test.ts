// `helm install store-admission ./charts/store-admission --wait` (Helm 3 and 4) on the local
// control plane, into a namespace enforcing Pod Security "restricted". kwok runs no containers:
// it makes the replicas Ready, so what is proven is what the API server accepts and does:
// - every object is created and the Deployment becomes available (2 replicas, PSA restricted,
//   priorityClassName system-cluster-critical);
// - both webhook configurations are registered as rendered (failure policies, selector, rules);
// - they are live: a pod in a namespace they select is refused by the chart's validating webhook
//   (failurePolicy Fail) because its Service has no real backend;
// - `helm test` creates its pod and PSA restricted admits it; kwok never completes a bare pod,
//   so helm test itself times out here (test/charts/webhook-chart-test-pod.test.ts runs the
//   pod's script for real against `store-admission serve`);
// - `helm uninstall` removes every object, cluster-scoped ones included.
// The control plane already runs the webhook registered by URL under the contract names
// (store-admission-mutate/-validate, ClusterRole store-admission): the chart is installed with
// webhooks.nameSuffix=-e2e<v> so nothing of it is replaced, and with an extra namespaceSelector
// expression so its configurations select only this test's probe namespace.
import t from 'tap'
import { join } from 'node:path'
import { ROOT, getJson, helm, kubectl, namespace, parseYamlDocs, plainPod, requireControlPlane, storeLabels, waitFor } from './fixtures/k8s.js'

requireControlPlane()
const chart = join(ROOT, 'charts', 'store-admission')
const PROBE_LABEL = 'e2e.store.platform.io/admission-chart'
const release = 'store-admission'

for (const v of [3, 4] as const) {
  t.test(`Helm ${v}: install --wait, webhook configurations live, helm test pod admitted, uninstall`, async (t) => {
    const ns = `e2e-admission-chart${v}`
    const suffix = `-e2e${v}`
    const probeNs = `e2e-admission-chart${v}-store`
    const values = ['--set', `webhooks.nameSuffix=${suffix}`,
      '--set', `webhooks.extraNamespaceSelectorExpressions[0].key=${PROBE_LABEL}`,
      '--set', 'webhooks.extraNamespaceSelectorExpressions[0].operator=Exists']
    t.teardown(namespace(ns, { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' }))
    // made before the install: the chart's Namespace webhook (fail closed, no backend) would refuse it
    t.teardown(namespace(probeNs, { ...storeLabels(probeNs, { restricted: true }), [PROBE_LABEL]: 'true' }))
    t.teardown(() => { helm(v, ['uninstall', release, '-n', ns, '--ignore-not-found']) })

    const install = helm(v, ['install', release, chart, '-n', ns, ...values, '--wait', '--timeout', '3m'])
    t.equal(install.code, 0, install.code === 0 ? 'helm install --wait' : `helm install --wait:\n${install.out}`)
    if (install.code !== 0) {
      t.comment(kubectl(['-n', ns, 'get', 'all,events', '-o', 'wide']).out)
      return
    }
    t.match(install.stdout, /STATUS: deployed/)
    t.match(install.stdout, new RegExp(`store-admission-validate${suffix} +failurePolicy Fail`), 'NOTES name the configurations')

    const deployment = getJson(['-n', ns, 'get', 'deployment', 'store-admission'])
    t.equal(deployment.status.availableReplicas, 2, 'two replicas available')
    t.equal(deployment.spec.template.spec.priorityClassName, 'system-cluster-critical')
    const pods = getJson(['-n', ns, 'get', 'pods', '-l', 'app.kubernetes.io/name=store-admission,app.kubernetes.io/component=webhook']).items
    t.equal(pods.length, 2, 'two pods, admitted by Pod Security "restricted"')
    for (const p of pods) t.equal(p.spec.priority, 2000000000, `${p.metadata.name}: priority of system-cluster-critical`)
    for (const [kind, name] of [['serviceaccount', 'store-admission'], ['service', 'store-admission'], ['configmap', 'store-admission-policy'],
      ['poddisruptionbudget', 'store-admission'], ['networkpolicy', 'store-admission']]) {
      t.equal(kubectl(['-n', ns, 'get', kind!, name!]).code, 0, `${kind}/${name}`)
    }
    for (const [kind, name] of [['clusterrole', `store-admission${suffix}`], ['clusterrolebinding', `store-admission${suffix}`]]) {
      t.equal(kubectl(['get', kind!, name!]).code, 0, `${kind}/${name}`)
    }
    t.equal(getJson(['get', 'clusterrolebinding', `store-admission${suffix}`]).subjects[0].namespace, ns, 'bound to the release\'s ServiceAccount')

    // registered exactly as rendered (the API server defaults nothing away)
    const rendered = parseYamlDocs(helm(v, ['template', release, chart, '-n', ns, ...values]).stdout)
    for (const [kind, name] of [['MutatingWebhookConfiguration', `store-admission-mutate${suffix}`], ['ValidatingWebhookConfiguration', `store-admission-validate${suffix}`]]) {
      const live = getJson(['get', kind!, name!]).webhooks[0]
      const want = rendered.find((o) => o.kind === kind).webhooks[0]
      for (const field of ['name', 'failurePolicy', 'sideEffects', 'admissionReviewVersions', 'timeoutSeconds', 'matchPolicy', 'namespaceSelector', 'rules', 'reinvocationPolicy']) {
        t.same(live[field], want[field], `${name}: ${field}`)
      }
      t.same(live.clientConfig.service, { name: 'store-admission', namespace: ns, path: want.clientConfig.service.path, port: 443 }, `${name}: the release's Service`)
      t.same(live.namespaceSelector.matchExpressions[1].values, ['kube-system', 'kube-public', 'kube-node-lease', ns], `${name}: never its own namespace`)
    }
    t.equal(getJson(['get', 'mutatingwebhookconfiguration', `store-admission-mutate${suffix}`]).webhooks[0].failurePolicy, 'Ignore')
    t.equal(getJson(['get', 'validatingwebhookconfiguration', `store-admission-validate${suffix}`]).webhooks[0].failurePolicy, 'Fail')

    // live: in a store namespace they select, the chart's validating webhook is called and, with
    // no real backend behind its Service, refuses the pod (fails closed)
    const refused = kubectl(['create', '-f', '-'], plainPod('probe', probeNs))
    t.not(refused.code, 0, 'a pod in a selected store namespace is refused')
    t.match(refused.stderr, new RegExp(`failed calling webhook "validate\\.store\\.platform\\.io".*store-admission\\.${ns}\\.svc`, 's'), 'by the chart\'s webhook, calling the release\'s Service')

    // helm test: its pod is created and admitted (restricted), as rendered
    const test = helm(v, ['test', release, '-n', ns, '--timeout', '15s'])
    const testPod = getJson(['-n', ns, 'get', 'pod', 'store-admission-test-healthz'])
    t.equal(testPod.metadata.annotations['helm.sh/hook'], 'test', 'helm test created its pod')
    t.equal(testPod.spec.volumes[0].secret.secretName, 'store-admission-tls')
    t.ok(['Pending', 'Running'].includes(testPod.status.phase), `kwok never runs it (phase ${testPod.status.phase})`)
    t.not(test.code, 0, 'so helm test times out here')
    kubectl(['-n', ns, 'delete', 'pod', 'store-admission-test-healthz', '--wait=false'])

    const uninstall = helm(v, ['uninstall', release, '-n', ns, '--wait', '--timeout', '90s'])
    t.equal(uninstall.code, 0, uninstall.code === 0 ? 'helm uninstall --wait' : `helm uninstall:\n${uninstall.out}`)
    await waitFor('the release\'s objects gone', () => getJson(['-n', ns, 'get', 'deployments,services,configmaps,serviceaccounts,poddisruptionbudgets,networkpolicies',
      '-l', 'app.kubernetes.io/name=store-admission']).items.length === 0, 60_000)
    t.pass('namespaced objects removed')
    for (const [kind, name] of [['mutatingwebhookconfiguration', `store-admission-mutate${suffix}`], ['validatingwebhookconfiguration', `store-admission-validate${suffix}`],
      ['clusterrole', `store-admission${suffix}`], ['clusterrolebinding', `store-admission${suffix}`]]) {
      t.not(kubectl(['get', kind!, name!]).code, 0, `${kind}/${name} removed`)
    }
    t.equal(kubectl(['get', 'validatingwebhookconfiguration', 'store-admission-validate']).code, 0, 'the control plane\'s own registration untouched')
    const created = kubectl(['create', '-f', '-'], plainPod('after', probeNs))
    t.equal(created.code, 0, `with the chart's configurations gone, the control plane's webhook admits the pod${created.code === 0 ? '' : `:\n${created.out}`}`)
  })
}
