// charts/store-admission and manifests/webhook describe one webhook: the chart with a scenario's
// values renders exactly the objects of `kubectl kustomize` with the matching components, object
// by object (Helm's own labels and kustomize's name hashes aside). Both are maintained by hand, so
// a change to one that the other lacks fails here, naming the object and the field.
import t from 'tap'
import { HELMS, requireHelm, type HelmName } from './fixtures/helm.js'
import { byKey, renderChart, renderKustomize, type Component } from './fixtures/webhook-chart.js'

requireHelm()

const scenarios: { name: string; values: string; components: Component[] }[] = [
  { name: 'defaults', values: 'default-values.yaml', components: [] },
  { name: 'cert-manager', values: 'cert-manager-values.yaml', components: ['cert-manager'] },
  { name: 'monitoring', values: 'monitoring-values.yaml', components: ['monitoring'] },
]
// What only one side has, by design: the chart does not create its namespace (helm install
// --create-namespace, or the platform's), and kustomize has no `helm test`.
const ONLY_KUSTOMIZE = ['Namespace//store-admission']
const ONLY_CHART = ['Pod/store-admission/store-admission-test-healthz']
// monitoring-values.yaml adds the label Prometheus selects rules and monitors by
const SELECTOR_LABEL = 'release'

for (const h of Object.keys(HELMS) as HelmName[]) {
  for (const s of scenarios) {
    t.test(`${h}: chart with ci/${s.values} = kubectl kustomize manifests/webhook${s.components.map((c) => ` + ${c}`).join('')}`, async (t) => {
      const chart = byKey(renderChart({ values: [s.values], helm: h }))
      const kustomize = byKey(renderKustomize(s.components))
      for (const o of chart.values()) delete o.metadata.labels?.[SELECTOR_LABEL]
      t.same([...kustomize.keys()].filter((k) => !chart.has(k)).sort(), ONLY_KUSTOMIZE, 'objects only kustomize renders')
      t.same([...chart.keys()].filter((k) => !kustomize.has(k)).sort(), ONLY_CHART, 'objects only the chart renders')
      for (const [key, object] of kustomize) {
        if (chart.has(key)) t.same(chart.get(key), object, key)
      }
    })
  }
}

t.test('both components together = cert-manager and monitoring together', async (t) => {
  const chart = byKey(renderChart({ set: { 'certManager.enabled': true, 'monitoring.enabled': true } }))
  const kustomize = byKey(renderKustomize(['cert-manager', 'monitoring']))
  t.same([...chart.keys()].filter((k) => !kustomize.has(k)), ONLY_CHART)
  for (const [key, object] of kustomize) if (chart.has(key)) t.same(chart.get(key), object, key)
})

// The test compares what it is given: it must see a difference when there is one.
t.test('the comparison notices a changed field', async (t) => {
  const chart = byKey(renderChart({ set: { 'webhooks.mutatingFailurePolicy': 'Fail' } }))
  const kustomize = byKey(renderKustomize())
  const key = 'MutatingWebhookConfiguration//store-admission-mutate'
  t.notSame(chart.get(key), kustomize.get(key))
  t.same(chart.get('Deployment/store-admission/store-admission'), kustomize.get('Deployment/store-admission/store-admission'))
})
