// Properties over generated pods (fast-check): the patch always applies (fast-json-patch
// validation on), mutation is idempotent, and a pod with no explicit bad value is admitted once
// mutated. Pods carry optional explicit settings, other mutators' sidecars/volumes, storefront
// roles with nginx as a container or a native sidecar, volumes named like injected ones, roles
// and container names that are Object.prototype members, and malformed shapes.
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
  role: fc.constantFrom(undefined, 'storefront', 'worker', 'constructor', '__proto__'),
  claim: fc.constantFrom(undefined, 'store-data'),
  labels: fc.constantFrom<Record<string, string> | undefined>(undefined, {}, { 'store.platform.io/tenant': 'acme' }, { 'a/b': 'c' }),
  annotations: fc.constantFrom<Record<string, string> | undefined>(undefined, {}, { 'x~y/z': '1' }),
  app: fc.constantFrom('bagisto', 'app', 'php'),
  nginx: fc.constantFrom('none', 'container', 'sidecar'),
  others: fc.uniqueArray(container(name), { maxLength: 3, selector: (c) => c.name }),
  sidecars: fc.uniqueArray(container(name.map((n) => `side-${n}`)), { maxLength: 2, selector: (c) => c.name }),
  volumes: fc.constantFrom<V1Volume[] | undefined>(undefined, [], [{ name: 'mesh', emptyDir: {} }],
    [{ name: 'rw-nginx-tmp', secret: { secretName: 'tls' } }], [{ name: 'rw-bagisto-tmp', configMap: { name: 'c' } }, { name: 'rw-bagisto-tmp-2', emptyDir: {} }],
    [{ name: 'bagisto-public', configMap: { name: 'theme' } }], [{ name: 'bagisto-storage', emptyDir: {} }]),
  podSecurity: fc.record({ runAsNonRoot: fc.constant(true), fsGroup: fc.integer({ min: 1, max: 9999 }), seccompProfile: fc.constant({ type: 'RuntimeDefault' }) }, { requiredKeys: [] }),
  badness: bad ? fc.constantFrom('privileged', 'hostNetwork', 'root', 'latest') : fc.constant(undefined),
}).chain((g) => container(fc.constant(g.app)).map((app) => {
  const labels = g.role ? { ...g.labels, 'store.platform.io/role': g.role } : g.labels
  const annotations = g.claim ? { ...g.annotations, 'store.platform.io/storage-claim': g.claim } : g.annotations
  const others = g.others.filter((c) => c.name !== g.app && c.name !== 'nginx' && c.name !== 'copy-public-files')
  const nginx: V1Container = { name: 'nginx', image: 'nginx:1.27' }
  const containers = [app, ...(g.nginx === 'container' ? [nginx] : []), ...others]
  const sidecars = [...(g.nginx === 'sidecar' ? [nginx] : []), ...g.sidecars]
  const p: V1Pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'p', ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
    spec: {
      containers,
      ...(sidecars.length ? { initContainers: sidecars.map((c) => ({ ...c, restartPolicy: 'Always' })) } : {}),
      ...(g.volumes ? { volumes: g.volumes } : {}),
      securityContext: g.podSecurity,
    },
  }
  // every mount needs its volume
  if (containers.concat(g.sidecars).some((c) => c.volumeMounts?.length) && !p.spec!.volumes?.some((v) => v.name === 'mesh')) {
    p.spec!.volumes = [...p.spec!.volumes ?? [], { name: 'mesh', emptyDir: {} }]
  }
  if (g.badness === 'privileged') app.securityContext = { ...app.securityContext, privileged: true }
  if (g.badness === 'hostNetwork') p.spec!.hostNetwork = true
  if (g.badness === 'root') p.spec!.securityContext = { ...p.spec!.securityContext, runAsUser: 0 }
  if (g.badness === 'latest') app.image = 'nginx:latest'
  return p
}))

/** The same pods with one field broken as the API server would never send it. */
type Json = Record<string, unknown>
const specOf = (p: V1Pod): Json => p.spec as unknown as Json
const firstOf = (p: V1Pod): Json => p.spec!.containers[0] as unknown as Json
const metaOf = (p: V1Pod): Json => (p.metadata ??= {}) as unknown as Json
const malformed: fc.Arbitrary<V1Pod> = fc.tuple(pod(false), fc.constantFrom<Array<(p: V1Pod) => void>>(
  (p) => { (specOf(p).containers as unknown[])[0] = [p.spec!.containers[0]] },
  (p) => { specOf(p).containers = { name: 'x' } },
  (p) => { firstOf(p).securityContext = 'restricted' },
  (p) => { firstOf(p).securityContext = { capabilities: { drop: 'ALL' } } },
  (p) => { firstOf(p).volumeMounts = { name: 'x' } },
  (p) => { firstOf(p).resources = [] },
  (p) => { specOf(p).initContainers = 'none' },
  (p) => { specOf(p).volumes = [null] },
  (p) => { specOf(p).securityContext = ['x'] },
  (p) => { metaOf(p).labels = ['storefront'] },
  (p) => { metaOf(p).annotations = { 'store.platform.io/storage-claim': 7 } },
)).map(([p, breakIt]) => { breakIt(p); return p })

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

t.test('a malformed pod is left alone: an empty patch, never one that fails to apply', async (t) => {
  fc.assert(fc.property(malformed, fc.constantFrom(ACME, MALL), (p, ns) => patchFor(p, ns).length === 0), runs)
  t.pass('property held')
})

// The sources the mutation binds its mounts to; a mount it adds never lands on another source.
const INJECTED_SOURCE = (name: string): string | undefined =>
  name === 'bagisto-public' || name.startsWith('rw-') ? 'emptyDir' : name === 'bagisto-storage' ? 'persistentVolumeClaim' : undefined

t.test('every mount the patch adds is bound to a volume of the source the mutation means', async (t) => {
  fc.assert(fc.property(pod(false), (p) => {
    const after = apply(p)
    const before = new Set([...p.spec?.initContainers ?? [], ...p.spec?.containers ?? []].flatMap((c) => (c.volumeMounts ?? []).map((m) => `${c.name}:${m.mountPath}`)))
    const added = [...after.spec?.initContainers ?? [], ...after.spec?.containers ?? []]
      .flatMap((c) => (c.volumeMounts ?? []).filter((m) => !before.has(`${c.name}:${m.mountPath}`)))
    return added.every((m) => {
      const volume = after.spec?.volumes?.find((v) => v.name === m.name)
      const wanted = INJECTED_SOURCE(m.name)
      return volume !== undefined && (wanted === undefined || Object.hasOwn(volume, wanted))
    })
  }), runs)
  t.pass('property held')
})

t.test('a storefront with app, nginx (container or native sidecar) and a claim is admitted by every rule once mutated', async (t) => {
  const storefronts = pod(false).filter((p) => p.metadata?.labels?.['store.platform.io/role'] === 'storefront' &&
    p.metadata.annotations?.['store.platform.io/storage-claim'] !== undefined &&
    [...p.spec?.initContainers ?? [], ...p.spec?.containers ?? []].some((c) => c.name === 'nginx') &&
    !p.spec?.volumes?.some((v) => v.name.startsWith('bagisto-')))
  fc.assert(fc.property(storefronts, (p) => {
    const result = validate(podRequest(apply(p)), ACME, policy, NO_LOOKUP)
    if (!result.allowed) throw new Error(JSON.stringify(result.violations))
    return true
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
