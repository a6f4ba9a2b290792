// Properties over generated pods (fast-check): the patch always applies (fast-json-patch
// validation on), mutation is idempotent, and a pod with no explicit bad value is admitted once
// mutated. Pods carry optional explicit settings, other mutators' sidecars/volumes and storefront
// roles, so the interesting branches are all exercised.
import type { V1Container, V1Pod, V1Volume, V1VolumeMount } from '@kubernetes/client-node'
import fc from 'fast-check'
import jsonpatch from 'fast-json-patch'
import t from 'tap'
import { mutate, validate } from '../../../src/pipeline/index.js'
import { defaultPolicy } from '../../../src/policy/index.js'
import { ACME, MALL, NO_LOOKUP, podRequest } from '../../fixtures/support.js'

const policy = defaultPolicy()
const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/)
const image = fc.constantFrom('nginx:1.27', 'ghcr.io/store-platform/bagisto-php-fpm:2.3.6', 'registry.example.com/a/b@sha256:' + 'a'.repeat(64))
const goodSecurity = fc.record({
  runAsNonRoot: fc.constant(true), allowPrivilegeEscalation: fc.constant(false),
  readOnlyRootFilesystem: fc.boolean(), runAsUser: fc.integer({ min: 1, max: 65535 }),
  capabilities: fc.record({ drop: fc.constant<string[]>(['ALL']), add: fc.constantFrom<string[]>([], ['NET_BIND_SERVICE']) }, { requiredKeys: ['drop'] }),
}, { requiredKeys: [] })
const resources = fc.record({
  requests: fc.record({ cpu: fc.constantFrom('50m', '1'), memory: fc.constantFrom('64Mi', '1Gi') }, { requiredKeys: [] }),
  limits: fc.record({ cpu: fc.constantFrom('2'), memory: fc.constantFrom('128Mi', '2Gi') }, { requiredKeys: [] }),
}, { requiredKeys: [] })

const container = (cname: fc.Arbitrary<string>): fc.Arbitrary<V1Container> => fc.record({
  name: cname, image,
  securityContext: goodSecurity,
  resources,
  volumeMounts: fc.constantFrom<V1VolumeMount[]>([], [{ name: 'mesh', mountPath: '/etc/mesh' }], [{ name: 'mesh', mountPath: '/tmp' }]),
}, { requiredKeys: ['name', 'image'] })

const pod = (bad: boolean): fc.Arbitrary<V1Pod> => fc.record({
  role: fc.constantFrom(undefined, 'storefront', 'worker'),
  claim: fc.constantFrom(undefined, 'store-data'),
  labels: fc.constantFrom<Record<string, string> | undefined>(undefined, {}, { 'store.platform.io/tenant': 'acme' }, { 'a/b': 'c' }),
  annotations: fc.constantFrom<Record<string, string> | undefined>(undefined, {}, { 'x~y/z': '1' }),
  app: fc.constantFrom('bagisto', 'app', 'php'),
  withNginx: fc.boolean(),
  others: fc.uniqueArray(container(name), { maxLength: 3, selector: (c) => c.name }),
  sidecars: fc.uniqueArray(container(name.map((n) => `side-${n}`)), { maxLength: 2, selector: (c) => c.name }),
  volumes: fc.constantFrom<V1Volume[] | undefined>(undefined, [], [{ name: 'mesh', emptyDir: {} }]),
  podSecurity: fc.record({ runAsNonRoot: fc.constant(true), fsGroup: fc.integer({ min: 1, max: 9999 }), seccompProfile: fc.constant({ type: 'RuntimeDefault' }) }, { requiredKeys: [] }),
  badness: bad ? fc.constantFrom('privileged', 'hostNetwork', 'root', 'latest') : fc.constant(undefined),
}).chain((g) => container(fc.constant(g.app)).map((app) => {
  const labels = g.role ? { ...g.labels, 'store.platform.io/role': g.role } : g.labels
  const annotations = g.claim ? { ...g.annotations, 'store.platform.io/storage-claim': g.claim } : g.annotations
  const others = g.others.filter((c) => c.name !== g.app && c.name !== 'nginx' && c.name !== 'copy-public-files')
  const containers = [app, ...(g.withNginx ? [{ name: 'nginx', image: 'nginx:1.27' }] : []), ...others]
  const p: V1Pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'p', ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
    spec: {
      containers,
      ...(g.sidecars.length ? { initContainers: g.sidecars.map((c) => ({ ...c, restartPolicy: 'Always' })) } : {}),
      ...(g.volumes ? { volumes: g.volumes } : {}),
      securityContext: g.podSecurity,
    },
  }
  // every mount needs its volume
  if (containers.concat(g.sidecars).some((c) => c.volumeMounts?.length)) p.spec!.volumes = [{ name: 'mesh', emptyDir: {} }]
  if (g.badness === 'privileged') app.securityContext = { ...app.securityContext, privileged: true }
  if (g.badness === 'hostNetwork') p.spec!.hostNetwork = true
  if (g.badness === 'root') p.spec!.securityContext = { ...p.spec!.securityContext, runAsUser: 0 }
  if (g.badness === 'latest') app.image = 'nginx:latest'
  return p
}))

const patchFor = (p: V1Pod, ns = ACME) => mutate(podRequest(p, ns), ns, policy, NO_LOOKUP).patch
const apply = (p: V1Pod, ns = ACME): V1Pod => jsonpatch.applyPatch(structuredClone(p), patchFor(p, ns), true, false).newDocument
const runs = { numRuns: 300 }

t.test('the patch applies, only adds, and never replaces an existing array', async (t) => {
  fc.assert(fc.property(pod(false), fc.constantFrom(ACME, MALL), (p, ns) => {
    const patch = patchFor(p, ns)
    if (jsonpatch.validate(patch, structuredClone(p))) return false
    return patch.every((op) => op.op === 'add' && !['/spec/containers', '/spec/initContainers', '/spec/volumes'].some((a) => op.path === a && (p.spec as unknown as Record<string, unknown>)[a.slice(6)] !== undefined))
  }), runs)
  t.pass('property held')
})

t.test('mutation is idempotent and keeps every existing container first-class', async (t) => {
  fc.assert(fc.property(pod(true), (p) => {
    const once = apply(p)
    const names = (q: V1Pod) => [...(q.spec?.initContainers ?? []), ...(q.spec?.containers ?? [])].map((c) => c.name)
    return patchFor(once).length === 0 && names(p).every((n) => names(once).includes(n))
  }), runs)
  t.pass('property held')
})

t.test('mutate-then-validate admits a pod with no explicit bad value', async (t) => {
  fc.assert(fc.property(pod(false), (p) => {
    const result = validate(podRequest(apply(p)), ACME, { ...policy, rules: { ...policy.rules, 'storefront-shape': 'off' } }, NO_LOOKUP)
    if (!result.allowed) throw new Error(JSON.stringify(result.violations))
    return true
  }), runs)
  t.pass('property held')
})

t.test('a pod with an explicit bad value stays denied after mutation', async (t) => {
  fc.assert(fc.property(pod(true), (p) => !validate(podRequest(apply(p)), ACME, policy, NO_LOOKUP).allowed), runs)
  t.pass('property held')
})

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null) for (const child of Object.values(Object.freeze(value))) deepFreeze(child)
  return value
}

t.test('mutation never writes into the pod it was given', async (t) => {
  fc.assert(fc.property(pod(true), fc.constantFrom(ACME, MALL), (p, ns) => {
    const before = JSON.stringify(p)
    patchFor(deepFreeze(p), ns) // a write into a frozen object throws in these strict-mode modules
    return JSON.stringify(p) === before
  }), runs)
  t.pass('property held')
})
