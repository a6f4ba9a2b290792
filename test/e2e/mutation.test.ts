// Pods created through the API server in a store namespace (Pod Security "restricted" enforced)
// come out of the mutating webhook with the tenant labels, the restricted security settings and the
// storefront shape; pods in other namespaces are left alone.
import t from 'tap'
import {
  MUTATED_BY, TENANT_LABEL, requireControlPlane, dryRun, getJson, kubectlOk, namespace, plainPod, pvc, storeLabels, storefrontDeployment, waitFor, webhookLive,
} from './fixtures/k8s.js'

requireControlPlane()
const ns = 'e2e-mutate'
const plainNs = 'e2e-plain'
t.teardown(namespace(ns, storeLabels('acme', { restricted: true })))
t.teardown(namespace(plainNs, { 'pod-security.kubernetes.io/warn': 'restricted' }))
await webhookLive(ns)

t.test('a storefront Deployment applied with kubectl yields mutated, running pods', async (t) => {
  kubectlOk(['apply', '-f', '-'], pvc('acme-storage', ns))
  await waitFor('PVC acme-storage bound', () => getJson(['-n', ns, 'get', 'pvc', 'acme-storage']).status.phase === 'Bound')
  kubectlOk(['apply', '-f', '-'], storefrontDeployment('acme-storefront', ns, 'acme-storage'))
  const rollout = kubectlOk(['-n', ns, 'rollout', 'status', 'deployment/acme-storefront', '--timeout=120s'])
  t.match(rollout, /successfully rolled out/)

  const pods = getJson(['-n', ns, 'get', 'pods', '-l', 'app=acme-storefront']).items
  t.equal(pods.length, 2, 'two pods')
  for (const pod of pods) {
    const name = pod.metadata.name
    t.equal(pod.metadata.labels[TENANT_LABEL], 'acme', `${name}: tenant label from the namespace`)
    t.equal(pod.metadata.labels['app.kubernetes.io/part-of'], 'store-platform', `${name}: part-of label`)
    t.match(pod.metadata.annotations[MUTATED_BY], /^store-admission\//, `${name}: mutated-by annotation`)
    const sc = pod.spec.securityContext
    t.equal(sc.runAsNonRoot, true)
    t.equal(sc.runAsUser, 33)
    t.equal(sc.runAsGroup, 33)
    t.equal(sc.fsGroup, 33)
    t.equal(sc.fsGroupChangePolicy, 'OnRootMismatch')
    t.same(sc.seccompProfile, { type: 'RuntimeDefault' })
    t.equal(pod.spec.automountServiceAccountToken, false)

    const init = pod.spec.initContainers ?? []
    t.equal(init[0]?.name, 'copy-public-files', `${name}: copy-public-files is the first init container`)
    t.equal(init[0]?.image, 'ghcr.io/store-platform/bagisto-php-fpm:2.3.0-php8.3', 'with the app image')
    for (const c of [...init, ...pod.spec.containers]) {
      t.equal(c.securityContext?.allowPrivilegeEscalation, false, `${c.name}: allowPrivilegeEscalation false`)
      t.same(c.securityContext?.capabilities?.drop, ['ALL'], `${c.name}: drop ALL`)
      t.equal(c.securityContext?.readOnlyRootFilesystem, true, `${c.name}: read-only root`)
      t.ok(c.resources?.requests?.cpu && c.resources?.requests?.memory && c.resources?.limits?.memory, `${c.name}: resources`)
    }
    const vols = Object.fromEntries(pod.spec.volumes.map((v: any) => [v.name, v]))
    t.ok(vols['bagisto-public']?.emptyDir, 'bagisto-public emptyDir')
    t.equal(vols['bagisto-storage']?.persistentVolumeClaim?.claimName, 'acme-storage', 'bagisto-storage from the storage-claim annotation')
    const mounts = (c: string) => Object.fromEntries(pod.spec.containers.find((x: any) => x.name === c).volumeMounts.map((m: any) => [m.mountPath, m]))
    t.equal(mounts('bagisto')['/var/www/html/public']?.name, 'bagisto-public')
    t.equal(mounts('bagisto')['/var/www/html/storage']?.name, 'bagisto-storage')
    t.notOk(mounts('bagisto')['/var/www/html/storage']?.readOnly, 'storage read-write in the app container')
    t.equal(mounts('nginx')['/var/www/html/storage']?.readOnly, true, 'storage read-only in nginx')
    t.equal(mounts('nginx')['/var/www/html/public']?.name, 'bagisto-public')
    // kwok ran it: scheduled on a fake node, Ready
    t.ok(pod.spec.nodeName?.startsWith('kwok-'), `${name}: scheduled on ${pod.spec.nodeName}`)
    t.equal(pod.status.phase, 'Running')
  }
  // PodSecurity enforce=restricted admitted the pods: no warnings are needed, the events show no FailedCreate
  const rs = getJson(['-n', ns, 'get', 'replicasets', '-l', 'app=acme-storefront']).items[0]
  t.equal(rs.status.readyReplicas, 2)
})

t.test('without the webhook the same plain pod is refused by Pod Security restricted', async (t) => {
  // the plain pod passes in the store namespace only because of the mutation
  const ok = dryRun(plainPod('plain', ns))
  t.equal(ok.code, 0, ok.out)
  t.match(ok.stdout, MUTATED_BY)
  const plain = dryRun(plainPod('plain', plainNs))
  t.equal(plain.code, 0, plain.out)
  t.notMatch(plain.stdout, MUTATED_BY, 'namespace without the tenant label: not mutated')
  t.match(plain.stderr, /would violate PodSecurity "restricted/, 'and it would violate restricted (warn mode there)')
})

t.test('re-applying an already mutated pod changes nothing (idempotent)', async (t) => {
  const pod = getJson(['-n', ns, 'get', 'pods', '-l', 'app=acme-storefront']).items[0]
  const copy = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'copy', namespace: ns, labels: pod.metadata.labels, annotations: pod.metadata.annotations },
    spec: { ...pod.spec, nodeName: undefined },
  }
  const r = dryRun(copy)
  t.equal(r.code, 0, r.out)
  const out = getJson(['-n', ns, 'get', 'pods', '-l', 'app=acme-storefront'])
  t.ok(out.items.length >= 1)
  const dry = (await import('yaml')).parse(r.stdout)
  t.same(dry.spec.initContainers.map((c: any) => c.name), pod.spec.initContainers.map((c: any) => c.name), 'no second copy-public-files')
  t.same(dry.spec.volumes.map((v: any) => v.name).sort(), pod.spec.volumes.map((v: any) => v.name).sort(), 'no duplicate volumes')
})

t.test('namespaces without the tenant label and kube-system are untouched', async (t) => {
  kubectlOk(['apply', '-f', '-'], plainPod('untouched', plainNs))
  const pod = getJson(['-n', plainNs, 'get', 'pod', 'untouched'])
  t.notOk(pod.metadata.annotations?.[MUTATED_BY], 'no mutated-by annotation')
  t.notOk(pod.metadata.labels[TENANT_LABEL], 'no tenant label')
  t.notOk(pod.spec.securityContext?.runAsNonRoot, 'no securityContext added')
  t.notOk(pod.spec.initContainers, 'no init container')

  // kube-system, even labelled with a tenant, is never matched
  kubectlOk(['label', 'namespace', 'kube-system', `${TENANT_LABEL}=sneaky`, '--overwrite'])
  try {
    const r = dryRun(plainPod('untouched', 'kube-system', { labels: { 'store.platform.io/role': 'storefront' } }))
    t.equal(r.code, 0, r.out)
    t.notMatch(r.stdout, MUTATED_BY, 'kube-system pod not mutated')
    const privileged = dryRun(plainPod('priv', 'kube-system', { container: { securityContext: { privileged: true } } }))
    t.equal(privileged.code, 0, `kube-system privileged pod not validated by the webhook: ${privileged.out}`)
  } finally {
    kubectlOk(['label', 'namespace', 'kube-system', `${TENANT_LABEL}-`])
  }
})
