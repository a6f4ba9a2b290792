// charts/store-admission: helm lint --strict (Helm 3 and 4) for every ci scenario, values that
// values.schema.json refuses (the policy checked against schemas/policy.schema.json), what each
// option renders, generated files that are current, Artifact Hub metadata and `helm package`.
import t from 'tap'
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { parse } from 'yaml'
import { HELMS, ROOT, get, helm, requireHelm, run, type HelmName, type K8sObject } from './fixtures/helm.js'
import { WEBHOOK_CHART, renderChart } from './fixtures/webhook-chart.js'

requireHelm()
const helms = Object.keys(HELMS) as HelmName[]
const ciFiles = readdirSync(path.join(WEBHOOK_CHART, 'ci')).filter((f) => f.endsWith('-values.yaml')).sort()
const webhooksOf = (objects: K8sObject[]) => ({
  mutate: get(objects, 'MutatingWebhookConfiguration', 'store-admission-mutate').webhooks[0],
  validate: get(objects, 'ValidatingWebhookConfiguration', 'store-admission-validate').webhooks[0],
})

t.test('ci scenarios', async (t) => {
  t.same(ciFiles, ['cert-manager-values.yaml', 'default-values.yaml', 'monitoring-values.yaml', 'strict-values.yaml'])
})

for (const h of helms) {
  t.test(`${h} lint --strict`, async (t) => {
    for (const file of ciFiles) {
      const r = helm(['lint', '--strict', WEBHOOK_CHART, '-n', 'store-admission', '-f', path.join(WEBHOOK_CHART, 'ci', file)], h)
      t.equal(r.status, 0, `ci/${file}`, { stdout: r.stdout, stderr: r.stderr })
    }
  })

  t.test(`${h}: values.schema.json refuses what the webhook would refuse`, async (t) => {
    const refused: [Record<string, string>, RegExp][] = [
      [{ 'policy.rules.privileged': 'maybe' }, /privileged/],
      [{ 'policy.registries': 'quay.io' }, /registries/],
      [{ 'policy.unknownKey': 'x' }, /unknownKey|additional/i],
      [{ 'webhooks.mutatingFailurePolicy': 'Sometimes' }, /mutatingFailurePolicy/],
      [{ 'webhooks.timeoutSeconds': '30' }, /timeoutSeconds/],
      [{ 'image.digest': 'latest' }, /digest/],
    ]
    for (const [set, message] of refused) {
      const args = ['template', 'store-admission', WEBHOOK_CHART]
      for (const [k, v] of Object.entries(set)) args.push('--set', `${k}=${v}`)
      const r = helm(args, h)
      t.not(r.status, 0, `refused: ${JSON.stringify(set)}`)
      t.match(r.stderr, message)
    }
  })
}

t.test('values.schema.json holds the current schemas/policy.schema.json', async (t) => {
  const r = run('node', ['scripts/charts/webhook-chart-schema.mjs', '--check'])
  t.equal(r.status, 0, r.stderr)
  const schema = JSON.parse(readFileSync(path.join(WEBHOOK_CHART, 'values.schema.json'), 'utf8'))
  const policy = JSON.parse(readFileSync(path.join(ROOT, 'schemas/policy.schema.json'), 'utf8'))
  t.same(schema.properties.policy.properties, policy.properties)
  t.same(schema.definitions, policy.definitions)
})

t.test('the default policy is manifests/webhook/policy.yaml', async (t) => {
  const values = parse(readFileSync(path.join(WEBHOOK_CHART, 'values.yaml'), 'utf8'))
  t.same(values.policy, parse(readFileSync(path.join(ROOT, 'manifests/webhook/policy.yaml'), 'utf8')))
})

t.test('README parameters are generated from values.yaml (## @param) and current', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chart-readme-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const copy = path.join(dir, 'README.md')
  copyFileSync(path.join(WEBHOOK_CHART, 'README.md'), copy)
  const r = run('npx', ['readme-generator', '--values', path.join(WEBHOOK_CHART, 'values.yaml'), '--readme', copy])
  t.equal(r.status, 0, 'every value has its ## @param', { stdout: r.stdout, stderr: r.stderr })
  t.equal(readFileSync(copy, 'utf8'), readFileSync(path.join(WEBHOOK_CHART, 'README.md'), 'utf8'), 'README.md is current: run `make webhook-chart-docs`')
})

t.test('webhook configurations', async (t) => {
  const { mutate, validate } = webhooksOf(renderChart({ namespace: 'platform' }))
  t.equal(mutate.failurePolicy, 'Ignore', 'mutation fails open by default')
  t.equal(validate.failurePolicy, 'Fail', 'validation fails closed')
  for (const w of [mutate, validate]) {
    t.equal(w.clientConfig.service.namespace, 'platform')
    t.same(w.namespaceSelector.matchExpressions[0], { key: 'store.platform.io/tenant', operator: 'Exists' })
    t.same(w.namespaceSelector.matchExpressions[1].values, ['kube-system', 'kube-public', 'kube-node-lease', 'platform'], 'never kube-system nor its own namespace')
  }
  const strict = webhooksOf(renderChart({ values: ['strict-values.yaml'] }))
  t.equal(strict.mutate.failurePolicy, 'Fail', 'webhooks.mutatingFailurePolicy')
  t.equal(strict.validate.failurePolicy, 'Fail', 'validation still fails closed')
  t.equal(strict.validate.timeoutSeconds, 3)
  t.same(strict.validate.namespaceSelector.matchExpressions[2], { key: 'store.platform.io/admission-canary', operator: 'In', values: ['true'] })
  t.same(strict.validate.namespaceSelector.matchExpressions[1].values, ['kube-system', 'kube-public', 'kube-node-lease', 'monitoring', 'store-admission'])
})

t.test('webhooks.nameSuffix renames every cluster-scoped object, and RBAC follows', async (t) => {
  const objects = renderChart({ set: { 'webhooks.nameSuffix': '-canary' } })
  const clusterScoped = objects.filter((o) => o.metadata.namespace === undefined && o.kind !== 'CustomResourceDefinition').map((o) => `${o.kind}/${o.metadata.name}`).sort()
  t.same(clusterScoped, ['ClusterRole/store-admission-canary', 'ClusterRoleBinding/store-admission-canary',
    'MutatingWebhookConfiguration/store-admission-mutate-canary', 'ValidatingWebhookConfiguration/store-admission-validate-canary'])
  const role = get(objects, 'ClusterRole', 'store-admission-canary')
  t.same(role.rules.flatMap((r: { resourceNames?: string[] }) => r.resourceNames ?? []), ['store-admission-mutate-canary', 'store-admission-validate-canary'])
  t.equal(get(objects, 'ClusterRoleBinding', 'store-admission-canary').roleRef.name, 'store-admission-canary')
})

t.test('deployment options', async (t) => {
  const d = get(renderChart({}), 'Deployment', 'store-admission')
  t.equal(d.spec.replicas, 2)
  t.equal(d.spec.template.spec.priorityClassName, 'system-cluster-critical')
  t.equal(d.spec.template.spec.containers[0].image, 'ghcr.io/store-platform/store-admission:0.1.0', 'tag defaults to appVersion')
  const s = get(renderChart({ values: ['strict-values.yaml'] }), 'Deployment', 'store-admission')
  const pod = s.spec.template.spec
  t.equal(s.spec.replicas, 3)
  t.equal(pod.containers[0].image, 'registry.example.com/platform/store-admission@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef')
  t.same(pod.imagePullSecrets, [{ name: 'registry-example-com' }])
  t.ok(pod.containers[0].args.includes('--log-level=warn'), 'extraArgs')
  t.same(pod.nodeSelector, { 'node-role.kubernetes.io/platform': '' })
  t.equal(pod.tolerations[0].key, 'node-role.kubernetes.io/platform')
  const cm = parse(get(renderChart({ values: ['strict-values.yaml'] }), 'ConfigMap', 'store-admission-policy').data['policy.yaml'])
  t.same(cm.registries, ['registry.example.com/'], 'policy values reach the policy ConfigMap')
  t.equal(cm.rules['image-tag'], 'warn')
  t.equal(cm.rules.privileged, 'deny', 'values merge into the default policy')
})

t.test('cert-manager: Certificate for the Service, --tls-* from its Secret, inject-ca-from on both configurations', async (t) => {
  const objects = renderChart({ namespace: 'platform', set: { 'certManager.enabled': true } })
  const cert = get(objects, 'Certificate', 'store-admission-serving')
  t.same(cert.spec.dnsNames, ['store-admission.platform.svc', 'store-admission.platform.svc.cluster.local'])
  t.equal(cert.spec.issuerRef.name, 'store-admission-ca')
  t.equal(get(objects, 'Certificate', 'store-admission-ca').spec.isCA, true)
  const pod = get(objects, 'Deployment', 'store-admission').spec.template.spec
  t.ok(pod.containers[0].args.includes('--tls-cert=/etc/store-admission/tls/tls.crt'))
  t.ok(pod.containers[0].args.includes('--tls-key=/etc/store-admission/tls/tls.key'))
  t.equal(pod.volumes.find((v: { name: string }) => v.name === 'tls').secret.secretName, cert.spec.secretName)
  for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
    const o = objects.find((x) => x.kind === kind)!
    t.equal(o.metadata.annotations?.['cert-manager.io/inject-ca-from'], 'platform/store-admission-serving', kind)
  }
  const plain = renderChart({})
  t.notOk(plain.some((o) => o.apiVersion.startsWith('cert-manager.io/')), 'no cert-manager objects by default')
  t.notOk(get(plain, 'Deployment', 'store-admission').spec.template.spec.containers[0].args.some((a: string) => a.startsWith('--tls-')), 'no --tls-* by default')
})

t.test('monitoring: ServiceMonitor on the Service, PrometheusRule, dashboard ConfigMap for Grafana', async (t) => {
  const objects = renderChart({ values: ['monitoring-values.yaml'] })
  const monitor = get(objects, 'ServiceMonitor', 'store-admission')
  const service = get(objects, 'Service', 'store-admission')
  for (const [k, v] of Object.entries(monitor.spec.selector.matchLabels as Record<string, string>)) t.equal(service.metadata.labels?.[k], v, `selects the Service by ${k}`)
  t.equal(monitor.spec.endpoints[0].port, service.spec.ports[0].name)
  t.equal(monitor.metadata.labels?.release, 'kube-prometheus-stack')
  t.ok(get(objects, 'PrometheusRule', 'store-admission').spec.groups[0].rules.length >= 8)
  const dashboard = get(objects, 'ConfigMap', 'store-admission-dashboard')
  t.equal(dashboard.metadata.labels?.grafana_dashboard, '1')
  t.equal(JSON.parse(dashboard.data['store-admission.json']).uid, 'store-admission')
  t.notOk(renderChart({}).some((o) => o.apiVersion.startsWith('monitoring.coreos.com/')), 'nothing of it by default')
})

t.test('Artifact Hub metadata', async (t) => {
  const chart = parse(readFileSync(path.join(WEBHOOK_CHART, 'Chart.yaml'), 'utf8'))
  const a = chart.annotations as Record<string, string>
  t.equal(a['artifacthub.io/license'], 'Apache-2.0')
  const images = parse(a['artifacthub.io/images']!) as { name: string; image: string }[]
  t.same(images, [{ name: 'store-admission', image: `ghcr.io/store-platform/store-admission:${chart.appVersion}` }], 'images match the appVersion')
  t.ok((parse(a['artifacthub.io/links']!) as unknown[]).length >= 1)
  t.ok((parse(a['artifacthub.io/changes']!) as unknown[]).length >= 1)
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
  t.equal(chart.appVersion, pkg.version, 'appVersion is the webhook\'s version')
})

t.test('make package: versioned archives of the three charts, bagisto with its store-lib', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chart-package-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const r = run('make', ['--no-print-directory', 'package', `PACKAGE_DIR=${dir}`])
  t.equal(r.status, 0, 'make package', { stdout: r.stdout, stderr: r.stderr })
  const archive = (chart: string) => `${chart}-${parse(readFileSync(path.join(ROOT, 'charts', chart, 'Chart.yaml'), 'utf8')).version}.tgz`
  t.same(readdirSync(dir).sort(), [archive('bagisto'), archive('store-admission'), archive('store-lib')], 'named after each chart\'s version')
  const list = (f: string) => run('tar', ['-tzf', path.join(dir, f)]).stdout.split('\n')
  t.ok(list(archive('bagisto')).includes('bagisto/charts/store-lib/Chart.yaml'), 'bagisto carries store-lib')
  const admission = list(archive('store-admission'))
  t.ok(admission.includes('store-admission/files/prometheusrule.yaml'), 'the alerts file is in the archive')
  t.notOk(admission.some((f) => f.startsWith('store-admission/ci/')), 'ci scenarios stay out of the archive')
  // the archive installs on its own: the linked files are inlined, not links
  const rendered = helm(['template', 'store-admission', path.join(dir, archive('store-admission')), '--set', 'monitoring.enabled=true'])
  t.equal(rendered.status, 0, rendered.stderr)
  t.match(rendered.stdout, /alert: StoreAdmissionDown/)
})
