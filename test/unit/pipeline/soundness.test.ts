// Mutation soundness: native-sidecar nginx, volumes whose names collide with injected ones,
// malformed pods, and input keys that name Object.prototype members.
import type { V1Container, V1Pod } from '@kubernetes/client-node'
import jsonpatch from 'fast-json-patch'
import t from 'tap'
import { mutate, validate, validateAsCreated } from '../../../src/pipeline/index.js'
import { defaultPolicy } from '../../../src/policy/index.js'
import { ACME, NO_LOOKUP, fixturePod, mutated, plainPod, podRequest, validatePod } from '../../fixtures/support.js'

const policy = defaultPolicy()
const patchOf = (pod: V1Pod) => mutate(podRequest(pod), ACME, policy, NO_LOOKUP).patch
const named = (list: V1Container[] | undefined, name: string): V1Container | undefined => list?.find((c) => c.name === name)

t.test('nginx as a native sidecar gets the read-only public and storage mounts and its writable paths', async (t) => {
  const pod = mutated(fixturePod('storefront-nginx-sidecar'))
  const nginx = named(pod.spec?.initContainers, 'nginx')
  t.same(pod.spec?.initContainers?.map((c) => c.name), ['copy-public-files', 'nginx'], 'copy-public-files still first')
  t.match(nginx?.volumeMounts, [
    { name: 'bagisto-public', mountPath: '/var/www/html/public', readOnly: true },
    { name: 'bagisto-storage', mountPath: '/var/www/html/storage', readOnly: true },
  ])
  t.equal(nginx?.securityContext?.readOnlyRootFilesystem, true)
  t.ok(nginx?.volumeMounts?.some((m) => m.mountPath === '/var/cache/nginx'), 'nginx cache writable')
  t.same(validatePod(pod).violations, [], 'admitted: the sidecar counts as the nginx container')
  t.same(patchOf(pod), [], 'idempotent')
})

t.test('a plain init container named nginx is not the storefront nginx', async (t) => {
  const pod = fixturePod('storefront-nginx-sidecar')
  delete pod.spec!.initContainers![0]!.restartPolicy
  const after = mutated(pod)
  t.notOk(named(after.spec?.initContainers, 'nginx')?.volumeMounts?.some((m) => m.name === 'bagisto-public'), 'no public mount')
  t.match(validatePod(after).violations, [{ rule: 'storefront-shape', path: 'spec.containers', message: /no nginx container \(plain, or a native sidecar/ }])
})

t.test('a storefront volume name taken by another source is never reused: storefront-shape names it', async (t) => {
  for (const [name, source, wanted] of [
    ['bagisto-public', { configMap: { name: 'theme' } }, /must be an emptyDir \(is configMap\)/],
    ['bagisto-storage', { emptyDir: {} }, /must be a persistentVolumeClaim \(is emptyDir\)/],
  ] as const) {
    const pod = fixturePod('storefront')
    pod.spec!.volumes = [{ name, ...source }]
    const after = mutated(pod)
    const mounts = after.spec!.containers.flatMap((c) => c.volumeMounts ?? [])
    t.notOk(mounts.some((m) => m.name === name), `${name}: nothing mounted on the ${Object.keys(source)[0]} volume`)
    t.same(after.spec!.volumes?.find((v) => v.name === name), { name, ...source }, `${name}: volume untouched`)
    t.match(validatePod(after).violations, [{ rule: 'storefront-shape', path: `spec.volumes[${name}]`, message: wanted }], name)
  }
})

t.test('a writable-path emptyDir whose name is taken by another source is injected under a free name', async (t) => {
  const pod = fixturePod('storefront')
  pod.spec!.volumes = [{ name: 'rw-nginx-tmp', secret: { secretName: 'tls' } }, { name: 'rw-nginx-tmp-2', configMap: { name: 'x' } }]
  named(pod.spec!.containers, 'nginx')!.volumeMounts = [{ name: 'rw-nginx-tmp', mountPath: '/etc/tls' }]
  const after = mutated(pod)
  const nginx = named(after.spec!.containers, 'nginx')!
  t.same(nginx.volumeMounts?.find((m) => m.mountPath === '/tmp'), { name: 'rw-nginx-tmp-3', mountPath: '/tmp' })
  t.same(after.spec!.volumes?.find((v) => v.name === 'rw-nginx-tmp-3'), { name: 'rw-nginx-tmp-3', emptyDir: {} })
  t.same(after.spec!.volumes?.slice(0, 2), pod.spec!.volumes, 'the Secret and configMap volumes untouched')
  t.same(patchOf(after), [], 'idempotent')
  t.same(validatePod(after).violations, [])
  // An existing emptyDir of that name is what the mutation would add: reused.
  const reuse = fixturePod('storefront')
  reuse.spec!.volumes = [{ name: 'rw-nginx-tmp', emptyDir: {} }]
  t.equal(named(mutated(reuse).spec!.containers, 'nginx')!.volumeMounts?.find((m) => m.mountPath === '/tmp')?.name, 'rw-nginx-tmp')
})

t.test('malformed pods are left unmutated, and validation names the field', async (t) => {
  const shapes: Array<[string, (p: V1Pod) => void, RegExp]> = [
    ['containers[0] is a list', (p) => { (p.spec as unknown as { containers: unknown[] }).containers[0] = [{ name: 'x' }] }, /spec\.containers\[0\]: must be a mapping with a name/],
    ['containers is a mapping', (p) => { (p.spec as unknown as { containers: unknown }).containers = { name: 'x' } }, /spec\.containers: must be a list/],
    ['securityContext is a string', (p) => { (p.spec!.containers[0] as unknown as Record<string, unknown>).securityContext = 'x' }, /spec\.containers\[0\]\.securityContext: must be a mapping/],
    ['capabilities.drop is a string', (p) => { p.spec!.containers[0]!.securityContext = { capabilities: { drop: 'ALL' as unknown as string[] } } }, /capabilities\.drop: must be a list of strings/],
    ['volumeMounts is a mapping', (p) => { (p.spec!.containers[0] as unknown as Record<string, unknown>).volumeMounts = { a: 1 } }, /volumeMounts: must be a list/],
    ['labels is a list', (p) => { (p.metadata as unknown as Record<string, unknown>).labels = ['a'] }, /metadata\.labels: must be a mapping/],
    ['a volume without a name', (p) => { p.spec!.volumes = [{ emptyDir: {} } as never] }, /every volume needs a name/],
    ['initContainers is a string', (p) => { (p.spec as unknown as Record<string, unknown>).initContainers = 'x' }, /spec\.initContainers: must be a list/],
  ]
  for (const [what, breakIt, message] of shapes) {
    const pod = fixturePod('storefront')
    breakIt(pod)
    t.same(patchOf(pod), [], `${what}: no patch`)
    t.throws(() => validateAsCreated(podRequest(pod), ACME, policy, NO_LOOKUP), message, `${what}: not judged`)
  }
})

t.test('keys from input never reach a prototype', async (t) => {
  for (const role of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    const pod = plainPod({ labels: { 'store.platform.io/role': role } })
    pod.spec!.containers.push({ name: 'constructor', image: 'registry.example.com/x:1' }, { name: 'toString', image: 'registry.example.com/x:1' })
    const patch = patchOf(pod)
    t.notOk(patch.some((op) => op.path.endsWith('/readOnlyRootFilesystem') || op.path.includes('volumeMounts')), `role ${role}: no read-only root, no mounts`)
    const after = jsonpatch.applyPatch(structuredClone(pod), patch, true, false).newDocument
    t.same(validatePod(after).violations, [], `role ${role}: mutated and admitted`)
  }
  const storefront = fixturePod('storefront')
  storefront.spec!.containers.push({ name: 'constructor', image: 'registry.example.com/x:1' })
  const after = mutated(storefront)
  t.notOk(named(after.spec!.containers, 'constructor')?.volumeMounts, 'a container named constructor gets no writable paths')
  for (const kind of ['constructor', '__proto__', 'toString']) {
    const object = { apiVersion: 'v1', kind, metadata: { name: 'x' }, spec: { template: fixturePod('storefront') } }
    t.same(validate({ operation: 'CREATE', kind, namespace: 'acme', object }, ACME, policy, NO_LOOKUP), { allowed: true, violations: [], warnings: [] }, `kind ${kind}: not a pod controller`)
  }
  const parsed = JSON.parse('{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"__proto__":{"polluted":"yes"}}},"spec":{"containers":[{"name":"web","image":"registry.example.com/web:1"}]}}') as V1Pod
  t.throws(() => validatePod(mutated(parsed)), /metadata\.labels\[__proto__\]: must be a string/, 'a __proto__ label is not a string: not judged')
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched')
})
