// Where and how every workload runs: scheduling for each pod (ci/tolerations-values.yaml), one image
// mirror for an air-gapped cluster, the extension hooks (sidecars, init containers, extra volumes)
// kept restricted, and selectors that include the tenant (shared namespaces).
import t from 'tap'
import { allContainers, get, podTemplates, render, renderError, type K8sObject, type PodTemplate } from './fixtures/helm.js'

const WORKLOADS = ['Deployment/bagisto', 'Deployment/bagisto-worker', 'CronJob/bagisto-scheduler', 'Job/bagisto-migrate', 'StatefulSet/bagisto-mysql', 'StatefulSet/bagisto-redis']

const pod = (objects: K8sObject[], owner: string): PodTemplate => {
  const p = podTemplates(objects).find((x) => x.owner === owner)
  if (!p) throw new Error(`${owner} not rendered`)
  return p
}

t.test('tolerations everywhere: every workload gets its scheduling, priority and pod metadata', async (t) => {
  const { objects } = render({ values: ['tolerations-values.yaml'] })
  for (const owner of WORKLOADS) {
    const p = pod(objects, owner)
    t.same(p.spec.nodeSelector, { 'node-pool': 'stores' }, `${owner}: nodeSelector`)
    t.same(p.spec.tolerations, [{ key: 'dedicated', operator: 'Equal', value: 'stores', effect: 'NoSchedule' }], `${owner}: tolerations`)
    t.ok(p.spec.affinity?.nodeAffinity, `${owner}: affinity`)
    t.equal(p.spec.topologySpreadConstraints?.[0]?.topologyKey, 'topology.kubernetes.io/zone', `${owner}: topologySpreadConstraints`)
    t.equal(p.spec.priorityClassName, 'store-critical', `${owner}: priorityClassName`)
    t.equal(p.metadata.annotations?.['acme.example/owner'], 'shop-team', `${owner}: podAnnotations`)
    t.equal(p.metadata.labels?.['acme.example/cost-center'], 'shop', `${owner}: podLabels`)
  }
  for (const owner of ['Deployment/bagisto-mailpit', 'StatefulSet/bagisto-opensearch']) {
    const p = pod(objects, owner)
    t.same(p.spec.nodeSelector, { 'node-pool': 'stores' }, `${owner}: nodeSelector`)
    t.equal(p.spec.tolerations?.[0]?.key, 'dedicated', `${owner}: tolerations`)
    t.equal(p.spec.priorityClassName, 'store-critical', `${owner}: priorityClassName`)
  }
  const storefront = pod(objects, 'Deployment/bagisto')
  t.equal(storefront.metadata.annotations?.['store.platform.io/app-container'], 'bagisto', 'chart annotations kept beside podAnnotations')
  const plain = render({}).objects
  for (const owner of WORKLOADS.map((o) => o.replace('CronJob/', 'Deployment/'))) {
    const p = pod(plain, owner)
    for (const field of ['nodeSelector', 'tolerations', 'affinity', 'topologySpreadConstraints', 'priorityClassName']) {
      t.notOk(field in p.spec, `${owner}: no ${field} by default`)
    }
  }
})

t.test('air-gapped: global.imageRegistry replaces every registry; global pull secrets first, once', async (t) => {
  const { objects } = render({ values: ['airgap-values.yaml'], set: { 'search.engine': 'opensearch', 'opensearch.enabled': 'true' } })
  const pods = podTemplates(objects)
  t.ok(pods.length >= 8, `${pods.length} pods`)
  let images = 0
  for (const p of pods) {
    for (const c of allContainers(p.spec)) {
      images++
      t.match(c.image, /^registry\.acme\.internal:5000\//, `${p.owner} ${c.name}: ${c.image}`)
    }
    t.same(p.spec.imagePullSecrets, [{ name: 'acme-mirror' }, { name: 'acme-extra' }], `${p.owner}: pull secrets`)
  }
  t.ok(images >= 14, `${images} images, exporters, Mailpit, OpenSearch and the test pod included`)
  t.match(pod(objects, 'Deployment/bagisto').spec.containers.find((c: { name: string }) => c.name === 'nginx-exporter').image,
    'registry.acme.internal:5000/nginx/nginx-prometheus-exporter:1.4.2', 'repository kept, registry replaced')
})

t.test('extension hooks: sidecars and init containers made restricted, extra volumes in every Bagisto pod', async (t) => {
  const { objects } = render({ values: ['extensions-values.yaml'] })
  const storefront = pod(objects, 'Deployment/bagisto').spec
  t.same(storefront.initContainers.map((c: { name: string }) => c.name), ['copy-public-files', 'cloud-sql-proxy'], 'copy-public-files stays first')
  const proxy = storefront.initContainers[1]
  t.equal(proxy.restartPolicy, 'Always', 'a native sidecar stays one')
  const shipper = storefront.containers.find((c: { name: string }) => c.name === 'log-shipper')
  for (const c of [proxy, shipper]) {
    t.same(c.securityContext, { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } }, `${c.name}: restricted`)
  }
  for (const owner of ['Deployment/bagisto', 'Deployment/bagisto-worker', 'Deployment/bagisto-scheduler', 'Job/bagisto-migrate']) {
    const spec = pod(objects, owner).spec
    t.ok(spec.volumes.some((v: { name: string; secret?: { secretName: string } }) => v.secret?.secretName === 'acme-oauth-keys'), `${owner}: extra volume`)
    const app = spec.containers.find((c: { name: string }) => ['bagisto', 'worker', 'scheduler', 'migrate'].includes(c.name))
    t.ok(app.volumeMounts.some((m: { name: string; readOnly?: boolean }) => m.name === 'oauth-keys' && m.readOnly), `${owner}: extra mount`)
  }
  const withRoot = render({ values: ['extensions-values.yaml'], set: { 'storefront.sidecars[0].securityContext.runAsUser': '0' } }).objects
  t.equal(pod(withRoot, 'Deployment/bagisto').spec.containers.find((c: { name: string }) => c.name === 'log-shipper').securityContext.runAsUser, 0,
    'an explicit value is kept (for the webhook to judge), never silently replaced')
  t.match(renderError({ values: ['extensions-values.yaml'], set: { 'storefront.sidecars[0].resources': 'null' } }), /resources/)
})

t.test('shared namespace: every Service, NetworkPolicy and PDB selects on the tenant too', async (t) => {
  const { objects } = render({ values: ['shared-namespace-values.yaml'], namespace: 'stores', set: { 'metrics.enabled': 'true', 'mailpit.enabled': 'true' } })
  const selectors: [string, Record<string, string>][] = []
  for (const o of objects) {
    const id = `${o.kind}/${o.metadata.name}`
    if (o.kind === 'Service') selectors.push([id, o.spec.selector])
    if (o.kind === 'NetworkPolicy') selectors.push([id, o.spec.podSelector.matchLabels])
    if (o.kind === 'PodDisruptionBudget') selectors.push([id, o.spec.selector.matchLabels])
  }
  t.ok(selectors.length >= 10, `${selectors.length} selectors`)
  const pods = podTemplates(objects)
  for (const [id, sel] of selectors) {
    t.equal(sel['store.platform.io/tenant'], 'acme', `${id}: selects tenant acme`)
    const matches = (labels: Record<string, string>): boolean => Object.entries(sel).every(([k, v]) => labels[k] === v)
    t.ok(pods.some((p) => matches(p.metadata.labels ?? {})), `${id}: still selects the release's own pods`)
    // A globex pod that copies every acme label but its tenant (the webhook's tenant-identity only
    // lets it carry its own tenant) is selected by nothing.
    for (const p of pods) {
      t.notOk(matches({ ...p.metadata.labels, 'store.platform.io/tenant': 'globex' }), `${id}: not a globex copy of ${p.owner}`)
    }
  }
  for (const name of ['acme-bagisto-mysql', 'acme-bagisto-redis', 'acme-bagisto-mailpit']) {
    t.same(get(objects, 'NetworkPolicy', name).spec.ingress[0].from,
      [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'bagisto', 'store.platform.io/tenant': 'acme' } } }], `${name}: admits only acme's pods of this release`)
  }
})

t.test('metrics: exporters on their own ports, a Service and ServiceMonitor apart from the public one', async (t) => {
  const { objects } = render({ values: ['metrics-values.yaml'] })
  const spec = pod(objects, 'Deployment/bagisto').spec
  const names = spec.containers.map((c: { name: string }) => c.name)
  t.same(names, ['bagisto', 'nginx', 'nginx-exporter', 'php-fpm-exporter'])
  const nginx = spec.containers[1]
  t.same(nginx.ports.map((p: { name: string; containerPort: number }) => [p.name, p.containerPort]), [['http', 8080], ['status', 8081]])
  t.match(spec.containers[2].args, ['--nginx.scrape-uri=http://127.0.0.1:8081/stub_status'])
  t.match(spec.containers[3].env, [{ name: 'PHP_FPM_SCRAPE_URI', value: 'tcp://127.0.0.1:9000/status' }])
  t.same(get(objects, 'Service', 'bagisto').spec.ports.map((p: { port: number }) => p.port), [80], 'the public Service exposes only nginx')
  t.same(get(objects, 'Service', 'bagisto-metrics').spec.ports.map((p: { targetPort: string }) => p.targetPort), ['nginx-metrics', 'fpm-metrics'])
  const sm = get(objects, 'ServiceMonitor', 'bagisto-metrics')
  t.equal(sm.metadata.labels?.release, 'kube-prometheus-stack')
  t.same(sm.spec.endpoints.map((e: { port: string; interval: string }) => [e.port, e.interval]), [['nginx-metrics', '15s'], ['fpm-metrics', '15s']])
  t.same(sm.spec.selector.matchLabels, {
    'app.kubernetes.io/name': 'bagisto', 'app.kubernetes.io/instance': 'bagisto', 'app.kubernetes.io/component': 'metrics', 'store.platform.io/tenant': 'acme',
  }, 'selects the metrics Service of this release and tenant')
  const np = get(objects, 'NetworkPolicy', 'bagisto').spec.ingress
  t.same(np[0].ports, [{ port: 8080, protocol: 'TCP' }], 'public rule: nginx only, never the status port')
  t.same(np[1], { ports: [{ port: 9113, protocol: 'TCP' }, { port: 9253, protocol: 'TCP' }], from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] })
  const conf: string = get(objects, 'ConfigMap', 'bagisto-nginx').data['default.conf']
  t.match(conf, /listen 8081;[\s\S]*allow 127\.0\.0\.1;[\s\S]*deny all;[\s\S]*stub_status;/, 'status server for loopback clients only')
  const off = render({}).objects
  t.notOk(off.some((o) => o.kind === 'ServiceMonitor' || o.metadata.name === 'bagisto-metrics'), 'nothing without metrics.enabled')
  t.same(pod(off, 'Deployment/bagisto').spec.containers.map((c: { name: string }) => c.name), ['bagisto', 'nginx'])
})

t.test('helm test: a Job whose restricted pod GETs /health through the Service', async (t) => {
  const { objects } = render({})
  const test = get(objects, 'Job', 'bagisto-test-health')
  t.equal(test.metadata.annotations?.['helm.sh/hook'], 'test')
  t.equal(test.spec.backoffLimit, 0, 'a failure fails the test at once')
  const spec = pod(objects, 'Job/bagisto-test-health').spec
  t.match(spec.containers[0].args.join(' '), /http:\/\/bagisto\.acme\.svc:80\/health/)
  t.equal(spec.automountServiceAccountToken, false)
  t.equal(spec.securityContext.runAsNonRoot, true)
})
