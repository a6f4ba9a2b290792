// Template assertions for each ci scenario branch.
import t from 'tap'
import { allContainers, get, find, podTemplates, render } from './fixtures/helm.js'

t.test('external DB and Redis: no StatefulSets, env points outside, password in the Secret', async (t) => {
  const { objects } = render({ values: ['external-db-values.yaml'] })
  t.notOk(objects.find((o) => o.kind === 'StatefulSet'), 'no in-chart MySQL/Redis')
  t.notOk(find(objects, 'NetworkPolicy', 'bagisto-mysql') || find(objects, 'NetworkPolicy', 'bagisto-redis'))
  const env = get(objects, 'ConfigMap', 'bagisto-env').data
  t.equal(env.DB_HOST, 'mysql.databases.svc.cluster.local')
  t.equal(env.DB_DATABASE, 'acme_store')
  t.equal(env.DB_USERNAME, 'acme')
  t.equal(env.REDIS_HOST, 'redis.databases.svc.cluster.local')
  t.equal(env.REDIS_PORT, '6380')
  t.equal(env.REDIS_SCHEME, 'tls')
  const secret = get(objects, 'Secret', 'bagisto')
  t.equal(Buffer.from(secret.data.DB_PASSWORD, 'base64').toString(), 'ci-only-external-password')
  t.equal(Buffer.from(secret.data.REDIS_PASSWORD, 'base64').toString(), 'ci-only-external-redis-password')
  t.notOk(secret.data.MYSQL_ROOT_PASSWORD, 'no root password without in-chart MySQL')
  const job = get(objects, 'Job', 'bagisto-migrate')
  const dbHost = job.spec.template.spec.initContainers[0].env.find((e: { name: string }) => e.name === 'DB_HOST')
  t.equal(dbHost.value, 'mysql.databases.svc.cluster.local', 'the migration waits for the external DB')
})

t.test('existingSecret: no Secret, every reference uses it', async (t) => {
  const { objects } = render({ values: ['existing-secret-values.yaml'] })
  t.notOk(objects.find((o) => o.kind === 'Secret'), 'the chart creates no Secret')
  const refs = podTemplates(objects).flatMap((p) => allContainers(p.spec)).flatMap((c) => (c.env ?? []) as { valueFrom?: { secretKeyRef?: { name: string; key: string } } }[])
    .flatMap((e) => (e.valueFrom?.secretKeyRef ? [[e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key]] : []))
  t.ok(refs.length >= 8)
  t.ok(refs.every(([name]) => name === 'acme-bagisto-credentials'), 'all secretKeyRefs name the existing Secret')
  t.same([...new Set(refs.map(([, k]) => k))].sort(), ['APP_KEY', 'DB_PASSWORD', 'MYSQL_ROOT_PASSWORD', 'REDIS_PASSWORD'])
})

t.test('autoscaling: HPA autoscaling/v2, no fixed replicas, PDB maxUnavailable', async (t) => {
  const { objects } = render({ values: ['autoscaling-values.yaml'] })
  const hpa = get(objects, 'HorizontalPodAutoscaler', 'bagisto')
  t.equal(hpa.apiVersion, 'autoscaling/v2')
  t.same(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'bagisto' })
  t.equal(hpa.spec.minReplicas, 3)
  t.equal(hpa.spec.maxReplicas, 12)
  t.same(hpa.spec.metrics.map((m: { resource: { name: string; target: { averageUtilization: number } } }) => [m.resource.name, m.resource.target.averageUtilization]), [['cpu', 65], ['memory', 80]])
  t.equal(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds, 300)
  t.notOk('replicas' in get(objects, 'Deployment', 'bagisto').spec, 'the HPA owns replicas')
  const pdb = get(objects, 'PodDisruptionBudget', 'bagisto')
  t.equal(pdb.spec.maxUnavailable, 1)
  t.notOk('minAvailable' in pdb.spec)
  t.match(get(objects, 'Deployment', 'bagisto').spec.template.spec.containers[1].image, /@sha256:0{64}$/, 'digest wins over tag')
  t.notOk(render().objects.find((o) => o.kind === 'HorizontalPodAutoscaler'), 'no HPA by default')
})

t.test('ingress with TLS from cert-manager', async (t) => {
  const { objects } = render({ values: ['ingress-tls-values.yaml'] })
  const ing = get(objects, 'Ingress', 'bagisto')
  t.equal(ing.spec.ingressClassName, 'nginx')
  t.equal(ing.metadata.annotations?.['cert-manager.io/cluster-issuer'], 'letsencrypt-prod')
  t.equal(ing.metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-body-size'], '64m')
  t.same(ing.spec.tls, [{ secretName: 'bagisto-tls', hosts: ['shop.acme.example'] }])
  t.same(ing.spec.rules[0], { host: 'shop.acme.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'bagisto', port: { name: 'http' } } } }] } })
  const np = get(objects, 'NetworkPolicy', 'bagisto')
  t.same(np.spec.ingress[0].from, [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], 'storefront reachable from the ingress controller only')
  const explicit = get(render({ set: { 'ingress.enabled': true, 'ingress.tls[0].secretName': 'mine', 'ingress.tls[0].hosts[0]': 'x.example' } }).objects, 'Ingress', 'bagisto')
  t.same(explicit.spec.tls, [{ secretName: 'mine', hosts: ['x.example'] }])
  t.notOk(explicit.metadata.annotations, 'no cert-manager annotation unless asked')
  const issuer = get(render({ set: { 'ingress.enabled': true, 'ingress.certManager.enabled': true, 'ingress.certManager.issuer': 'local-ca' } }).objects, 'Ingress', 'bagisto')
  t.equal(issuer.metadata.annotations?.['cert-manager.io/issuer'], 'local-ca')
})

t.test('Gateway API HTTPRoute', async (t) => {
  const { objects } = render({ values: ['httproute-values.yaml'] })
  const route = get(objects, 'HTTPRoute', 'bagisto')
  t.equal(route.apiVersion, 'gateway.networking.k8s.io/v1')
  t.same(route.spec.parentRefs, [{ name: 'public-gateway', namespace: 'gateway-system', sectionName: 'https' }])
  t.same(route.spec.hostnames, ['shop.acme.example'])
  t.same(route.spec.rules, [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'bagisto', port: 80 }] }])
  t.notOk(objects.find((o) => o.kind === 'Ingress'))
})

t.test('shared-namespace tenant: tenant label everywhere, no namespace-wide quota', async (t) => {
  const { objects } = render({ values: ['shared-namespace-values.yaml'], namespace: 'stores' })
  t.ok(objects.length > 10)
  for (const o of objects) {
    t.equal(o.metadata.labels?.['store.platform.io/tenant'], 'acme', `${o.kind}/${o.metadata.name} carries tenant acme (not the namespace)`)
    t.match(o.metadata.name, /^acme-bagisto/, `${o.kind}/${o.metadata.name} is prefixed with the tenant's fullname`)
  }
  for (const p of podTemplates(objects)) t.equal(p.metadata.labels?.['store.platform.io/tenant'], 'acme', `${p.owner} pod tenant label`)
  for (const kind of ['ResourceQuota', 'LimitRange']) t.notOk(objects.find((o) => o.kind === kind), `no ${kind} in a shared namespace`)
  // every PVC / Secret / ConfigMap a pod references is this tenant's (the cross-tenant-reference rule)
  const mine = new Set(objects.filter((o) => ['Secret', 'ConfigMap', 'PersistentVolumeClaim'].includes(o.kind)).map((o) => `${o.kind}/${o.metadata.name}`))
  for (const p of podTemplates(objects)) {
    for (const v of p.spec.volumes ?? []) {
      if (v.configMap) t.ok(mine.has(`ConfigMap/${v.configMap.name}`), `${p.owner}: ConfigMap ${v.configMap.name} is the tenant's`)
      if (v.persistentVolumeClaim) t.ok(mine.has(`PersistentVolumeClaim/${v.persistentVolumeClaim.claimName}`), `${p.owner}: PVC is the tenant's`)
    }
  }
  const np = get(objects, 'NetworkPolicy', 'acme-bagisto-mysql')
  t.same(np.spec.ingress[0].from[0].podSelector.matchLabels, { 'app.kubernetes.io/instance': 'bagisto', 'store.platform.io/tenant': 'acme' })
})

t.test('tenant policy: ResourceQuota + LimitRange in a dedicated namespace', async (t) => {
  const { objects } = render({ values: ['tenant-policy-values.yaml'] })
  const q = get(objects, 'ResourceQuota', 'bagisto-tenant')
  t.equal(q.spec.hard['requests.cpu'], '4')
  const lr = get(objects, 'LimitRange', 'bagisto-tenant')
  t.same(lr.spec.limits[0].default, { cpu: '500m', memory: '512Mi' })
  t.equal(lr.spec.limits[0].type, 'Container')
})

t.test('explicit tenant in a dedicated namespace', async (t) => {
  const { objects } = render({ set: { tenant: 'globex' } })
  t.equal(get(objects, 'Deployment', 'bagisto').spec.template.metadata.labels['store.platform.io/tenant'], 'globex')
})
