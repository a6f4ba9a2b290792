// store-lib: every helper rendered through the test chart charts/store-lib-test.
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { LIB_TEST, STORE_LIB, get, render } from './fixtures/helm.js'

const { objects } = render({ chart: LIB_TEST, release: 'shop', namespace: 'acme' })
const cm = get(objects, 'ConfigMap', 'shop-store-lib-test-helpers')

t.test('every store-lib helper is exercised by the test chart', async (t) => {
  const defined = readdirSync(path.join(STORE_LIB, 'templates')).flatMap((f) =>
    [...readFileSync(path.join(STORE_LIB, 'templates', f), 'utf8').matchAll(/define "(store-lib\.[^"]+)"/g)].map((m) => m[1]!))
  t.ok(defined.length >= 25, `${defined.length} helpers`)
  for (const name of defined) t.match(name, /^store-lib\.[a-z]+\.[A-Za-z]+$/, `${name} follows store-lib.<area>.<name>`)
  const used = readdirSync(path.join(LIB_TEST, 'templates')).map((f) => readFileSync(path.join(LIB_TEST, 'templates', f), 'utf8')).join('\n')
  const libText = readdirSync(path.join(STORE_LIB, 'templates')).map((f) => readFileSync(path.join(STORE_LIB, 'templates', f), 'utf8')).join('\n')
  for (const name of defined) {
    t.ok(used.includes(`"${name}"`) || libText.split(`include "${name}"`).length > 1, `${name} is rendered (directly or through another helper)`)
  }
})

t.test('names', async (t) => {
  t.equal(cm.data.name, 'store-lib-test')
  t.equal(cm.data.fullname, 'shop-store-lib-test')
  t.equal(cm.data.component, 'shop-store-lib-test-worker')
  t.equal(cm.data.chart, 'store-lib-test-0.1.0')
  t.equal(cm.data.namespace, 'acme')
  t.equal(cm.data.serviceAccount, 'shop-store-lib-test')
  const o = get(render({ chart: LIB_TEST, release: 'shop', set: { fullnameOverride: 'custom', 'serviceAccount.create': false } }).objects, 'ConfigMap', 'custom-helpers')
  t.equal(o.data.serviceAccount, 'default')
})

t.test('labels: standard, tenant, role, commonLabels, pod labels', async (t) => {
  t.same(cm.metadata.labels, {
    'app.kubernetes.io/component': 'helpers', 'app.kubernetes.io/instance': 'shop', 'app.kubernetes.io/managed-by': 'Helm',
    'app.kubernetes.io/name': 'store-lib-test', 'app.kubernetes.io/part-of': 'store-platform', 'app.kubernetes.io/version': '1.0.0',
    'helm.sh/chart': 'store-lib-test-0.1.0', 'store.platform.io/role': 'storefront', 'store.platform.io/tenant': 'acme',
    extra: 'yes', team: 'platform',
  })
  t.equal(cm.data.tenant, 'acme')
  const deploy = get(objects, 'Deployment', 'shop-store-lib-test')
  t.same(deploy.spec.selector.matchLabels, { 'app.kubernetes.io/name': 'store-lib-test', 'app.kubernetes.io/instance': 'shop', 'app.kubernetes.io/component': 'storefront' })
  t.equal(deploy.spec.template.metadata.labels.extra, 'pod')
  t.match(deploy.spec.template.metadata.labels, deploy.spec.selector.matchLabels)
})

t.test('images: tag, digest, pull secrets; latest refused', async (t) => {
  t.equal(cm.data.image, 'ghcr.io/store-platform/bagisto-php-fpm:1.0.0')
  const digest = 'sha256:' + 'a'.repeat(64)
  t.equal(get(render({ chart: LIB_TEST, release: 'shop', set: { 'image.digest': digest } }).objects, 'ConfigMap', 'shop-store-lib-test-helpers').data.image,
    `ghcr.io/store-platform/bagisto-php-fpm@${digest}`)
  const { renderError } = await import('./fixtures/helm.js')
  t.match(renderError({ chart: LIB_TEST, set: { 'image.tag': 'latest' } }), /pin a tag/)
  t.match(renderError({ chart: LIB_TEST, set: { tenant: 'Not_A_Label' } }), /not a DNS-1123 label/)
  const pod = get(objects, 'Deployment', 'shop-store-lib-test').spec.template.spec
  t.same(pod.imagePullSecrets, [{ name: 'regcred' }, { name: 'mirror' }, { name: 'other' }])
})

t.test('security contexts and resources', async (t) => {
  const pod = get(objects, 'Deployment', 'shop-store-lib-test').spec.template.spec
  t.same(pod.securityContext, { runAsNonRoot: true, runAsUser: 33, runAsGroup: 33, fsGroup: 33, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } })
  const nginx = pod.containers.find((c: { name: string }) => c.name === 'nginx')
  t.same(nginx.securityContext, { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 101, runAsGroup: 101, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } })
  const { renderError } = await import('./fixtures/helm.js')
  t.match(renderError({ chart: LIB_TEST, set: { 'resources.limits': 'null' } }), /set requests\.cpu, requests\.memory and limits\.memory/)
})

t.test('storefront: init container, volumes, mounts; nginx sidecar', async (t) => {
  const pod = get(objects, 'Deployment', 'shop-store-lib-test').spec.template.spec
  t.equal(pod.initContainers[0].name, 'copy-public-files')
  t.equal(pod.initContainers[0].command[2].trimEnd(), cm.data['copy-public-files.sh'].trimEnd(), 'the init container runs store-lib.storefront.copyPublicFilesScript')
  t.same(pod.volumes.map((v: { name: string }) => v.name), ['bagisto-public', 'bagisto-storage', 'nginx-config', 'nginx-cache', 'nginx-run', 'nginx-tmp', 'php-fpm-config', 'php-tmp', 'bootstrap-cache'])
  const app = pod.containers.find((c: { name: string }) => c.name === 'app')
  t.same(app.volumeMounts.map((m: { mountPath: string }) => m.mountPath), ['/var/www/html/public', '/var/www/html/storage', '/tmp', '/var/www/html/bootstrap/cache', '/usr/local/etc/php-fpm.d/zz-chart.conf'])
  const conf: string = get(objects, 'ConfigMap', 'shop-store-lib-test-nginx').data['default.conf']
  t.match(conf, /listen 8081;/)
  t.match(conf, /fastcgi_pass 127\.0\.0\.1:9001;/)
  t.match(conf, /client_max_body_size 8m;/)
  t.match(cm.data['zz-chart.conf'], /^pm = static$/m)
  t.match(cm.data['zz-chart.conf'], /^php_admin_value\[memory_limit\] = 256M$/m)
  t.equal(cm.data.rendered, 'shop-rendered', 'store-lib.utils.render')
  t.match(cm.metadata.annotations?.['checksum/nginx'], /^[a-f0-9]{64}$/, 'store-lib.utils.checksum')
})

t.test('policies: NetworkPolicy, ResourceQuota, LimitRange, PDB, HPA', async (t) => {
  const db = get(objects, 'NetworkPolicy', 'shop-store-lib-test-db')
  t.same(db.spec.ingress, [{ ports: [{ port: 3306, protocol: 'TCP' }], from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'shop', 'store.platform.io/tenant': 'acme' } } }] }])
  t.same(get(objects, 'NetworkPolicy', 'shop-store-lib-test-web').spec.ingress, [{ ports: [{ port: 8080, protocol: 'TCP' }] }])
  t.same(get(objects, 'ResourceQuota', 'shop-store-lib-test-tenant').spec.hard, { pods: '10', 'requests.cpu': '2' })
  t.same(get(objects, 'LimitRange', 'shop-store-lib-test-tenant').spec.limits, [{ type: 'Container', default: { memory: '256Mi' }, defaultRequest: { cpu: '50m', memory: '64Mi' }, max: { memory: '1Gi' } }])
  t.equal(get(objects, 'PodDisruptionBudget', 'shop-store-lib-test').spec.minAvailable, 1)
  t.equal(get(objects, 'PodDisruptionBudget', 'shop-store-lib-test-max').spec.maxUnavailable, '50%')
  const hpa = get(objects, 'HorizontalPodAutoscaler', 'shop-store-lib-test')
  t.equal(hpa.apiVersion, 'autoscaling/v2')
  t.equal(hpa.spec.metrics.length, 2)
  t.equal(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds, 60)
})

t.test('secrets: random, explicit, Laravel key; existingSecret name', async (t) => {
  const s = get(objects, 'Secret', 'shop-store-lib-test').data
  t.match(Buffer.from(s.RANDOM, 'base64').toString(), /^[A-Za-z0-9]{24}$/)
  t.equal(Buffer.from(s.EXPLICIT, 'base64').toString(), 'given')
  t.match(Buffer.from(s.APP_KEY, 'base64').toString(), /^base64:[A-Za-z0-9+/]{43}=$/)
  t.equal(cm.data.secretName, 'fallback')
  t.equal(get(render({ chart: LIB_TEST, release: 'shop', set: { existingSecret: 'theirs' } }).objects, 'ConfigMap', 'shop-store-lib-test-helpers').data.secretName, 'theirs')
})

t.test('images: global.imageRegistry and global.imagePullSecrets (with "context")', async (t) => {
  t.equal(cm.data.mirroredImage, 'ghcr.io/store-platform/bagisto-php-fpm:1.0.0', 'no mirror: the image\'s registry')
  const mirrored = render({ chart: LIB_TEST, release: 'shop', set: { 'global.imageRegistry': 'mirror.internal' } }).objects
  t.equal(get(mirrored, 'ConfigMap', 'shop-store-lib-test-helpers').data.mirroredImage, 'mirror.internal/store-platform/bagisto-php-fpm:1.0.0')
  t.equal(get(mirrored, 'ConfigMap', 'shop-store-lib-test-helpers').data.image, 'ghcr.io/store-platform/bagisto-php-fpm:1.0.0', 'without "context" the global is not read')
  const pod = get(objects, 'Deployment', 'shop-store-lib-test').spec.template.spec
  t.same(pod.imagePullSecrets, [{ name: 'regcred' }, { name: 'mirror' }, { name: 'other' }], 'global first, each name once')
})

t.test('pods: scheduling, annotations, restricted user containers', async (t) => {
  const tpl = get(objects, 'Deployment', 'shop-store-lib-test').spec.template
  t.same(tpl.metadata.annotations, { owner: 'team', 'store.platform.io/app-container': 'app' }, 'the base annotation wins over podAnnotations')
  t.equal(tpl.spec.priorityClassName, 'high')
  t.same(tpl.spec.nodeSelector, { pool: 'shops' })
  t.same(tpl.spec.tolerations, [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }])
  t.notOk('affinity' in tpl.spec, 'empty fields render nothing')
  const restricted = { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } }
  const shipper = tpl.spec.containers.find((c: { name: string }) => c.name === 'shipper')
  t.same(shipper.securityContext, { ...restricted, runAsUser: 1000 }, 'restricted defaults under the user\'s own fields')
  const native = tpl.spec.initContainers.find((c: { name: string }) => c.name === 'native')
  t.equal(native.restartPolicy, 'Always')
  t.same(native.securityContext, restricted)
  const { renderError } = await import('./fixtures/helm.js')
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const dir = mkdtempSync(path.join(tmpdir(), 'lib-sidecars-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const sidecars = (list: unknown[]): string => {
    const f = path.join(dir, `${Math.random().toString(36).slice(2)}.yaml`)
    writeFileSync(f, JSON.stringify({ workload: { sidecars: list } }))
    return f
  }
  t.match(renderError({ chart: LIB_TEST, values: [sidecars([{ name: 'bare', image: 'x:1' }])] }), /workload\.sidecars\[bare\]\.resources: set requests\.cpu/)
  t.match(renderError({ chart: LIB_TEST, values: [sidecars([{ image: 'x:1' }])] }), /workload\.sidecars\[0\]\.name is required/)
})

t.test('env: the ConfigMap, the given env, then each source\'s Secrets, ConfigMaps and variables in order', async (t) => {
  const app = get(objects, 'Deployment', 'shop-store-lib-test').spec.template.spec.containers.find((c: { name: string }) => c.name === 'app')
  t.same(app.envFrom, [
    { configMapRef: { name: 'shop-env' } }, { secretRef: { name: 'app-secret' } },
    { configMapRef: { name: 'workload-cm' } }, { secretRef: { name: 'workload-secret' }, prefix: 'W_' },
  ])
  t.same(app.env.map((e: { name: string }) => e.name), ['FIXED', 'FROM_APP', 'FROM_WORKLOAD'])
})

t.test('metrics exporters and the nginx status server', async (t) => {
  const spec = get(objects, 'Deployment', 'shop-store-lib-test').spec.template.spec
  const nginx = spec.containers.find((c: { name: string }) => c.name === 'nginx')
  t.same(nginx.ports.find((p: { name: string }) => p.name === 'status'), { name: 'status', containerPort: 8082, protocol: 'TCP' })
  const nx = spec.containers.find((c: { name: string }) => c.name === 'nginx-exporter')
  t.same(nx.args, ['--nginx.scrape-uri=http://127.0.0.1:8082/stub_status', '--web.listen-address=:9113'])
  const fx = spec.containers.find((c: { name: string }) => c.name === 'php-fpm-exporter')
  t.equal(fx.env.find((e: { name: string }) => e.name === 'PHP_FPM_SCRAPE_URI').value, 'tcp://127.0.0.1:9001/status')
  for (const c of [nx, fx]) {
    t.equal(c.securityContext.readOnlyRootFilesystem, true, `${c.name}: read-only root`)
    t.notOk(c.readinessProbe, `${c.name}: no readiness probe (the storefront's readiness is not the exporter's)`)
  }
  const conf: string = get(objects, 'ConfigMap', 'shop-store-lib-test-nginx').data['default.conf']
  t.match(conf, /server \{\n\s+listen 8082;[\s\S]*allow 127\.0\.0\.1;[\s\S]*location = \/stub_status[\s\S]*fastcgi_pass 127\.0\.0\.1:9001;/)
})

t.test('tenant selectors: NetworkPolicy and PDB select on the tenant', async (t) => {
  t.equal(get(objects, 'NetworkPolicy', 'shop-store-lib-test-db').spec.podSelector.matchLabels['store.platform.io/tenant'], 'acme')
  t.equal(get(objects, 'PodDisruptionBudget', 'shop-store-lib-test').spec.selector.matchLabels['store.platform.io/tenant'], 'acme')
})
