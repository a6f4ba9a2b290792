// The objects of the cert-manager and monitoring options (chart and kustomize components) are valid
// against their CRDs' schemas (cert-manager.io/v1, monitoring.coreos.com/v1, as packaged by
// @kubernetes-models), which the local control plane does not have installed.
import t, { type Test } from 'tap'
import { Certificate, Issuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1'
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1'
import { requireHelm, type K8sObject } from './fixtures/helm.js'
import { renderChart, renderKustomize } from './fixtures/webhook-chart.js'

requireHelm()

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const models: Record<string, new (data: any) => { validate(): void }> = { Certificate, Issuer, ServiceMonitor, PrometheusRule }

function validateAll(t: Test, objects: K8sObject[]) {
  const checked = objects.filter((o) => Object.hasOwn(models, o.kind))
  t.same(checked.map((o) => o.kind).sort(), ['Certificate', 'Certificate', 'Issuer', 'Issuer', 'PrometheusRule', 'ServiceMonitor'])
  for (const o of checked) t.doesNotThrow(() => new models[o.kind]!(o).validate(), `${o.kind}/${o.metadata.name}`)
}

t.test('chart with certManager and monitoring enabled', async (t) => {
  validateAll(t, renderChart({ set: { 'certManager.enabled': true, 'monitoring.enabled': true } }))
})

t.test('kustomize with both components', async (t) => {
  validateAll(t, renderKustomize(['cert-manager', 'monitoring']))
})

t.test('the validation refuses what the CRD refuses', async (t) => {
  const cert = renderKustomize(['cert-manager']).find((o) => o.kind === 'Certificate')!
  cert.spec.privateKey.algorithm = 'DSA'
  t.throws(() => new Certificate(cert).validate(), /privateKey\/algorithm/)
})
