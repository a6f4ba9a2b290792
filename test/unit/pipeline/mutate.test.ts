// Mutation: golden patches for test/fixtures/pods, and the properties the contract requires.
// Regenerate the golden files after an intended change with:
//   UPDATE_GOLDEN=1 npx tap test/unit/pipeline/mutate.test.ts   (then review the git diff)
// They are YAML, with the injected script and the version as markers, so a diff reads as a change.
import { readdirSync, writeFileSync } from 'node:fs'
import type { V1Pod } from '@kubernetes/client-node'
import t from 'tap'
import { stringify } from 'yaml'
import { COPY_PUBLIC_FILES_SCRIPT, mutate, type NamespaceInfo } from '../../../src/pipeline/index.js'
import { appContainerName } from '../../../src/pipeline/pod.js'
import { writableVolumeName } from '../../../src/pipeline/mutations/read-only-root.js'
import { scriptOfTemplate } from '../../../src/pipeline/mutations/copy-public-files.js'
import { defaultPolicy } from '../../../src/policy/index.js'
import { MUTATED_BY, VERSION } from '../../../src/version.js'
import {
  ACME, MALL, NAMESPACES, NO_LOOKUP, fixture, fixturePod, mutated, plainPod, podRequest, validatePod,
} from '../../fixtures/support.js'

const policy = defaultPolicy()
const patchOf = (pod: V1Pod, ns: NamespaceInfo = ACME) => mutate(podRequest(pod, ns), ns, policy, NO_LOOKUP).patch
const podNames = readdirSync(new URL('../../fixtures/pods/', import.meta.url)).map((f) => f.replace(/\.yaml$/, ''))

const MARKERS = new Map<unknown, string>([
  [COPY_PUBLIC_FILES_SCRIPT, '<copy-public-files script: charts/store-lib/templates/_copy-public-files.tpl>'],
  [MUTATED_BY, 'store-admission/<version>'],
])

t.test('golden patches', async (t) => {
  for (const name of podNames) {
    const actual = stringify(patchOf(fixturePod(name)), (_key, value: unknown) => MARKERS.get(value) ?? value, { lineWidth: 0 })
    const goldenPath = `golden/${name}.patch.yaml`
    if (process.env.UPDATE_GOLDEN) writeFileSync(new URL(`../../fixtures/${goldenPath}`, import.meta.url), actual)
    t.equal(actual, fixture(goldenPath), `${name} matches ${goldenPath}`)
  }
})

t.test('every fixture: the patch applies, mutation is idempotent, the result is admitted', async (t) => {
  // The mirror pod is left alone by mutation and, sent by its kubelet, by validation: see validate.test.ts.
  for (const name of podNames.filter((n) => n !== 'storefront-no-claim' && n !== 'mirror')) {
    const once = mutated(fixturePod(name))
    t.same(patchOf(once), [], `${name}: mutating the mutated pod gives an empty patch`)
    t.same(validatePod(once).violations, [], `${name}: admitted`)
  }
})

t.test('label keys are JSON-pointer escaped; missing objects are added whole first', async (t) => {
  const patch = patchOf(fixturePod('storefront'))
  t.ok(patch.some((op) => op.path === '/metadata/labels/store.platform.io~1tenant' && op.op === 'add' && op.value === 'acme'))
  t.ok(patch.some((op) => op.path === '/metadata/annotations/store.platform.io~1mutated-by' && op.op === 'add' && op.value === `store-admission/${VERSION}`))
  const bare = patchOf(fixturePod('worker-bare'))
  t.same(bare[0], { op: 'add', path: '/metadata/labels', value: { 'store.platform.io/tenant': 'acme', 'app.kubernetes.io/part-of': 'store-platform' } })
  t.same(bare.at(-1), { op: 'add', path: '/metadata/annotations', value: { 'store.platform.io/mutated-by': `store-admission/${VERSION}` } }, 'stamped last')
})

t.test('a pod that needs nothing but the stamp gets an empty patch', async (t) => {
  const once = mutated(fixturePod('storefront'))
  delete once.metadata!.annotations!['store.platform.io/mutated-by']
  t.same(patchOf(once), [], 'no annotation alone: the API server skips its patch path')
})

t.test('arrays are never replaced: another mutator\'s container, sidecar and volume survive', async (t) => {
  const pod = fixturePod('storefront-sidecar')
  const patch = patchOf(pod)
  t.ok(patch.every((op) => op.op === 'add'), 'only add operations')
  for (const array of ['/spec/containers', '/spec/initContainers', '/spec/volumes', '/spec/containers/0/volumeMounts']) {
    t.notOk(patch.some((op) => op.path === array), `${array} is not replaced`)
  }
  const after = mutated(pod)
  t.same(after.spec?.volumes?.slice(0, 2), pod.spec?.volumes, 'existing volumes first and unchanged')
  t.same(after.spec?.containers[0]?.volumeMounts?.[0], { name: 'mesh-certs', mountPath: '/etc/mesh' })
  t.same(after.spec?.initContainers?.map((c) => c.name), ['copy-public-files', 'mesh-proxy'], 'copy-public-files goes first')
  t.equal(after.spec?.initContainers?.[1]?.restartPolicy, 'Always', 'native sidecar kept as a sidecar')
  t.equal(after.spec?.initContainers?.[1]?.securityContext?.runAsUser, 1337, 'explicit value kept')
})

t.test('the copy-public-files container', async (t) => {
  const after = mutated(fixturePod('storefront-sidecar'))
  const init = after.spec?.initContainers?.[0]
  const app = after.spec?.containers.find((c) => c.name === 'php')
  t.equal(init?.image, app?.image, "the app container's image")
  t.equal(init?.imagePullPolicy, 'IfNotPresent')
  t.same(init?.command, ['/bin/sh', '-ec', COPY_PUBLIC_FILES_SCRIPT])
  t.same(Object.fromEntries((init?.env ?? []).map((e) => [e.name, e.value])), {
    PUBLIC_SOURCE: '/var/www/html/public', PUBLIC_TARGET: '/public-shared',
    STORAGE_TARGET: '/storage-shared', STORAGE_LINK_TARGET: '/var/www/html/storage/app/public',
  })
  t.same(init?.volumeMounts, [{ name: 'bagisto-public', mountPath: '/public-shared' }, { name: 'bagisto-storage', mountPath: '/storage-shared' }])
  t.same(init?.securityContext, { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true })
  t.ok(init?.resources?.requests?.cpu && init.resources.limits?.memory)
  // one `add` carries the whole container, hardening included
  t.equal(patchOf(fixturePod('storefront-sidecar')).filter((op) => op.path.startsWith('/spec/initContainers/0')).length, 1)
  // The emptyDir's mount point is root-owned: chmod on it fails as uid 33 and aborts `sh -e`.
  t.notMatch(COPY_PUBLIC_FILES_SCRIPT, /chmod[^\n]*"\$(PUBLIC|STORAGE)_TARGET"\s*(;|$)/m, 'never chmods a mount point')
})

t.test('storefront volumes and mounts', async (t) => {
  const after = mutated(fixturePod('storefront'))
  const mounts = (name: string) => after.spec?.containers.find((c) => c.name === name)?.volumeMounts ?? []
  t.same(after.spec?.volumes?.find((v) => v.name === 'bagisto-storage'), { name: 'bagisto-storage', persistentVolumeClaim: { claimName: 'acme-bagisto-storage' } })
  t.same(after.spec?.volumes?.find((v) => v.name === 'bagisto-public'), { name: 'bagisto-public', emptyDir: {} })
  t.same(mounts('bagisto').slice(0, 2), [{ name: 'bagisto-public', mountPath: '/var/www/html/public' }, { name: 'bagisto-storage', mountPath: '/var/www/html/storage' }])
  t.same(mounts('nginx').slice(0, 2), [
    { name: 'bagisto-public', mountPath: '/var/www/html/public', readOnly: true },
    { name: 'bagisto-storage', mountPath: '/var/www/html/storage', readOnly: true },
  ])
  t.same(mounts('nginx').slice(2).map((m) => m.mountPath), ['/var/cache/nginx', '/var/run', '/tmp'])
  t.same(mounts('bagisto').slice(2).map((m) => m.mountPath), ['/tmp', '/var/www/html/bootstrap/cache'])
  for (const c of after.spec?.containers ?? []) t.equal(c.securityContext?.readOnlyRootFilesystem, true, `${c.name} read-only root`)
  for (const m of [...mounts('nginx'), ...mounts('bagisto')]) t.ok(after.spec?.volumes?.some((v) => v.name === m.name), `volume ${m.name} exists`)
})

t.test('a storefront pod without storage is not shaped, and is denied', async (t) => {
  const after = mutated(fixturePod('storefront-no-claim'))
  t.equal(after.spec?.initContainers, undefined)
  t.match(validatePod(after).violations, [{ rule: 'storefront-shape', path: 'spec.volumes[bagisto-storage]' }])
})

t.test('left alone: mirror pods, other namespaces, updates, other kinds', async (t) => {
  t.same(patchOf(fixturePod('mirror')), [], 'mirror pod')
  t.same(patchOf(plainPod(), NAMESPACES.plain), [], 'namespace without tenant label')
  t.same(patchOf(plainPod(), NAMESPACES['kube-system']), [], 'kube-system even when labelled')
  t.same(mutate(podRequest(plainPod()), undefined, policy, NO_LOOKUP).patch, [], 'unknown namespace')
  t.same(mutate(podRequest(plainPod(), ACME, 'UPDATE'), ACME, policy, NO_LOOKUP).patch, [], 'UPDATE')
  const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } }
  t.same(mutate({ operation: 'CREATE', kind: 'Deployment', namespace: 'acme', object: deployment }, ACME, policy, NO_LOOKUP).patch, [])
  const own = { ...defaultPolicy(), excludedNamespaces: ['acme'] }
  t.same(mutate(podRequest(plainPod()), ACME, own, NO_LOOKUP).patch, [], 'namespace excluded by the policy')
})

t.test('shared namespaces: the pod keeps its own tenant; none is invented', async (t) => {
  const pod = mutated(plainPod({ labels: { 'store.platform.io/tenant': 'shop1' } }), MALL)
  t.equal(pod.metadata?.labels?.['store.platform.io/tenant'], 'shop1')
  const orphan = mutated(plainPod(), MALL)
  t.equal(orphan.metadata?.labels?.['store.platform.io/tenant'], undefined)
  t.match(validatePod(orphan, MALL).violations, [{ rule: 'tenant-missing' }])
})

t.test('explicit values are never overwritten', async (t) => {
  const pod = plainPod({ labels: { 'store.platform.io/tenant': 'globex' } })
  pod.spec!.securityContext = { runAsUser: 1000, seccompProfile: { type: 'Unconfined' } }
  pod.spec!.automountServiceAccountToken = true
  pod.spec!.containers[0]!.securityContext = { privileged: true, capabilities: { drop: ['NET_RAW'] } }
  const after = mutated(pod)
  t.equal(after.metadata?.labels?.['store.platform.io/tenant'], 'globex')
  t.equal(after.spec?.securityContext?.runAsUser, 1000)
  t.same(after.spec?.securityContext?.seccompProfile, { type: 'Unconfined' })
  t.equal(after.spec?.automountServiceAccountToken, true)
  t.same(after.spec?.containers[0]?.securityContext, { privileged: true, capabilities: { drop: ['NET_RAW'] } },
    'no allowPrivilegeEscalation: false next to privileged (the API server would reject the pod)')
})

t.test('default resources agree with explicit ones', async (t) => {
  const after = mutated(fixturePod('storefront-sidecar'))
  const php = after.spec?.containers.find((c) => c.name === 'php')
  const nginx = after.spec?.containers.find((c) => c.name === 'nginx')
  t.same(php?.resources, { limits: { memory: '64Mi' }, requests: { cpu: '100m', memory: '64Mi' } }, 'request defaults to the explicit limit')
  t.same(nginx?.resources, { requests: { memory: '1Gi', cpu: '100m' }, limits: { memory: '1Gi' } }, 'limit not below the explicit request')
})

t.test('app container resolution', async (t) => {
  const pod = (names: string[], annotation?: string): V1Pod => ({
    metadata: annotation ? { annotations: { 'store.platform.io/app-container': annotation } } : {},
    spec: { containers: names.map((name) => ({ name })) },
  })
  t.equal(appContainerName(pod(['nginx', 'app', 'bagisto'], 'app')), 'app', 'the annotation first')
  t.equal(appContainerName(pod(['nginx', 'app', 'bagisto'])), 'bagisto')
  t.equal(appContainerName(pod(['nginx', 'x', 'app'])), 'app')
  t.equal(appContainerName(pod(['nginx', 'fpm'])), 'fpm')
  t.equal(appContainerName(pod(['nginx'])), undefined)
  t.equal(appContainerName(pod(['nginx', 'app'], 'missing')), undefined)
})

t.test('writable volume names are valid DNS-1123 labels', async (t) => {
  t.equal(writableVolumeName('nginx', '/var/cache/nginx'), 'rw-nginx-var-cache-nginx')
  const long = writableVolumeName('a'.repeat(60), '/very/long/path/to/somewhere')
  t.ok(long.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(long), long)
  t.not(long, writableVolumeName('a'.repeat(60), '/very/long/path/to/elsewhere'))
})

t.test('the injected script is the chart template\'s define, which must hold no template action', async (t) => {
  const define = (body: string) => `{{/* doc */}}\n{{- define "store-lib.storefront.copyPublicFilesScript" -}}\n${body}\n{{- end -}}\n`
  t.equal(scriptOfTemplate(define('set -eu\necho "$X"'), 'f'), 'set -eu\necho "$X"\n', 'as helm renders it into a block scalar')
  t.throws(() => scriptOfTemplate(define('echo {{ .Values.x }}'), 'f.tpl'), /f\.tpl: the copy-public-files script must hold no template action/)
  t.throws(() => scriptOfTemplate('{{- define "other" -}}x{{- end -}}', 'f.tpl'), /no store-lib\.storefront\.copyPublicFilesScript define/)
})
