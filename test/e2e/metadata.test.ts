// The webhook's cluster view asks the API server for object metadata only: Secret and ConfigMap
// data never reach it, yet their labels (what cross-tenant-reference needs) do.
import t from 'tap'
import { Watch, type KubernetesObject } from '@kubernetes/client-node'
import { loadKubeConfig, startLiveCluster } from '../../src/cluster/live.js'
import { listPages, METADATA_ONLY, requestJson } from '../../src/cluster/api.js'
import { metadataWatchConfig, startMetadataCache } from '../../src/cluster/metadata-cache.js'
import { KUBECONFIG, kubectlOk, namespace, requireControlPlane, waitFor } from './fixtures/k8s.js'
import { pino } from 'pino'

requireControlPlane()
const ns = 'e2e-metadata'
t.teardown(namespace(ns, {}))
const kc = loadKubeConfig(KUBECONFIG)
// Created, not applied: client-side `kubectl apply` copies the whole Secret, data and all, into
// the last-applied-configuration annotation, which is metadata.
const secret = (name: string) => ({
  apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns, labels: { 'store.platform.io/tenant': 'acme' } },
  stringData: { password: 'do-not-leak' },
})

t.test('a list is metadata only', async (t) => {
  kubectlOk(['create', '-f', '-'], secret('listed'))
  const path = `/api/v1/namespaces/${ns}/secrets`
  t.equal((await requestJson<KubernetesObject>(kc, path, { accept: METADATA_ONLY })).kind, 'PartialObjectMetadataList')
  const list = await listPages(kc, path, { accept: METADATA_ONLY })
  const item = list.items.find((i) => i.metadata?.name === 'listed') as (KubernetesObject & { data?: unknown }) | undefined
  t.same(item?.metadata?.labels, { 'store.platform.io/tenant': 'acme' }, 'labels come')
  t.equal(item?.data, undefined, 'data does not')
  t.notMatch(JSON.stringify(list), /do-not-leak|ZG8tbm90LWxlYWs/, 'neither plain nor base64')
  await t.rejects(listPages(kc, '/api/v1/no-such-things', { accept: METADATA_ONLY }), /GET \/api\/v1\/no-such-things: HTTP 404/, 'a failed list names the path and status')
})

t.test('a watch is metadata only', async (t) => {
  const events: Array<{ phase: string; object: KubernetesObject & { data?: unknown } }> = []
  const controller = await new Watch(metadataWatchConfig(kc)).watch(`/api/v1/namespaces/${ns}/secrets`, {}, (phase, object) => events.push({ phase, object }), () => {})
  t.teardown(() => controller.abort())
  kubectlOk(['create', '-f', '-'], secret('watched'))
  const added = await waitFor('the ADDED event', () => events.find((e) => e.phase === 'ADDED' && e.object.metadata?.name === 'watched'), 30_000)
  t.equal(added.object.kind, 'PartialObjectMetadata')
  t.equal(added.object.data, undefined, 'no data')
  t.notMatch(JSON.stringify(events), /do-not-leak|ZG8tbm90LWxlYWs/)
})

t.test('the live cluster view reads a Secret\'s labels when asked: metadata only, the truth of now', async (t) => {
  const view = startLiveCluster(kc, pino({ level: 'silent' }))
  t.teardown(() => view.stop())
  kubectlOk(['create', '-f', '-'], secret('later'))
  t.equal(view.labelsOf('Secret', ns, 'later'), undefined, 'no cache of Secrets: nothing cluster-wide to list')
  t.same(await view.fetchLabels('Secret', ns, 'later'), { 'store.platform.io/tenant': 'acme' }, 'read live')
  t.equal(await view.fetchLabels('Secret', ns, 'never-made'), undefined, 'a missing one is undefined')
  kubectlOk(['label', 'secret', 'later', '-n', ns, 'store.platform.io/tenant=globex', '--overwrite'])
  t.same(await view.fetchLabels('Secret', ns, 'later'), { 'store.platform.io/tenant': 'globex' }, 'a relabelling is seen at once')
})

t.test('a cache of nothing syncs (an empty metadata list has "items": null)', async (t) => {
  const empty = await requestJson<{ items: unknown }>(kc, `/api/v1/namespaces/${ns}/persistentvolumeclaims`, { accept: METADATA_ONLY })
  t.equal(empty.items, null, 'the API server\'s encoding of no objects')
  const cache = startMetadataCache(kc, `/api/v1/namespaces/${ns}/persistentvolumeclaims`, pino({ level: 'silent' }))
  t.teardown(() => cache.stop())
  await waitFor('the empty cache synced', () => cache.synced() || undefined, 30_000)
  t.equal(cache.labelsOf(ns, 'claim'), undefined)
  kubectlOk(['create', '-f', '-'], {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'claim', namespace: ns, labels: { 'store.platform.io/tenant': 'acme' } },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  })
  const labels = await waitFor('the watch after the empty list sees a new claim', () => cache.labelsOf(ns, 'claim'), 30_000)
  t.same(labels, { 'store.platform.io/tenant': 'acme' })
})

t.test('a list in pages: every page joins the cache, and the watch goes on from the first page\'s snapshot', async (t) => {
  const names = ['paged-1', 'paged-2', 'paged-3', 'paged-4', 'paged-5']
  kubectlOk(['create', '-f', '-'], { apiVersion: 'v1', kind: 'List', items: names.map((name) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels: { page: name } } })) })
  const cache = startMetadataCache(kc, `/api/v1/namespaces/${ns}/configmaps`, pino({ level: 'silent' }), 2)
  t.teardown(() => cache.stop())
  await waitFor('the paged cache synced', () => cache.synced() || undefined, 30_000)
  for (const name of names) t.same(cache.labelsOf(ns, name), { page: name }, `${name} from its page`)
  kubectlOk(['create', '-f', '-'], { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'paged-later', namespace: ns, labels: { page: 'later' } } })
  t.same(await waitFor('a later ConfigMap seen', () => cache.labelsOf(ns, 'paged-later'), 30_000), { page: 'later' })
})
