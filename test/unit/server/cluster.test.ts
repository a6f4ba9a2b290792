// Cluster-side helpers that need no cluster: the caBundle merge, --static-namespaces parsing, and a
// metadata cache against an API server that never answers.
import t from 'tap'
import { writeFileSync } from 'node:fs'
import { type IncomingMessage, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { KubeConfig } from '@kubernetes/client-node'
import { pino } from 'pino'
import { join } from 'node:path'
import { mergeCaBundle } from '../../../src/cluster/ca-bundle.js'
import { startMetadataCache } from '../../../src/cluster/metadata-cache.js'
import { loadStaticCluster } from '../../../src/cluster/static.js'
import { generateTls } from '../../../src/server/certs.js'
import { NAMESPACES, tempDir, waitFor } from './fixtures/harness.js'

const pems = (b64: string): string[] => Buffer.from(b64, 'base64').toString().match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []

t.test('mergeCaBundle keeps other replicas\' CAs, adds ours once, drops garbage and expired CAs', async (t) => {
  const [a, b] = await Promise.all([generateTls('ns'), generateTls('ns')])
  const fromEmpty = mergeCaBundle(undefined, a.ca)
  t.same(pems(fromEmpty), [a.ca.trim()])
  t.equal(mergeCaBundle(fromEmpty, a.ca), fromEmpty, 'idempotent: no patch needed the second time')
  const both = mergeCaBundle(fromEmpty, b.ca)
  t.same(pems(both).sort(), [a.ca.trim(), b.ca.trim()].sort(), 'the other replica\'s CA is kept')
  t.same(pems(mergeCaBundle(Buffer.from('Cg==placeholder').toString('base64'), a.ca)), [a.ca.trim()], 'a placeholder is dropped')
  const tenYears = Date.now() + 11 * 365 * 86_400_000
  t.same(pems(mergeCaBundle(both, b.ca, tenYears)), [b.ca.trim()], 'expired CAs are dropped')
})

t.test('static namespaces: labels of namespaces and referenced objects', async (t) => {
  const view = loadStaticCluster(NAMESPACES)
  t.same(await view.namespace('acme'), { name: 'acme', labels: { 'store.platform.io/tenant': 'acme' } })
  t.same(await view.namespace('plain'), { name: 'plain', labels: {} })
  t.equal(await view.namespace('missing'), undefined)
  t.same(view.labelsOf('PersistentVolumeClaim', 'shared-stores', 'globex-storage'), { 'store.platform.io/tenant': 'globex' })
  t.equal(view.labelsOf('Secret', 'shared-stores', 'globex-storage'), undefined)
  t.ok(view.synced())
})

t.test('static namespaces: errors name the file, document and field', async (t) => {
  const file = join(tempDir(), 'ns.yaml')
  writeFileSync(file, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\nkind: Namespace\nmetadata:\n  labels: {x: "1"}\n')
  t.throws(() => loadStaticCluster(file), { message: `${file}: document 2: metadata.name is missing` })
  writeFileSync(file, 'kind: Namespace\nmetadata:\n  name: a\n  labels:\n    shared: true\n')
  t.throws(() => loadStaticCluster(file), /label shared must be a string/)
})

t.test('a metadata cache stopped while its list waits for the API server lets the list go', async (t) => {
  const waiting: IncomingMessage[] = []
  const api = createServer((req) => { waiting.push(req) }) // never answers
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { api.closeAllConnections(); api.close() })
  const { port } = api.address() as AddressInfo
  const kc = new KubeConfig()
  kc.loadFromOptions({
    clusters: [{ name: 'slow', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'nobody' }],
    contexts: [{ name: 'slow', cluster: 'slow', user: 'nobody' }],
    currentContext: 'slow',
  })
  const cache = startMetadataCache(kc, '/api/v1/secrets', pino({ level: 'silent' }))
  await waitFor('the list request', () => waiting.length === 1)
  t.equal(waiting[0]?.headers.accept, 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1', 'asks for metadata only')
  const closed = new Promise((resolve) => waiting[0]?.socket.once('close', resolve))
  await cache.stop()
  await t.resolves(Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error('the list is still open 2 s after stop()')), 2000))]))
  t.equal(cache.synced(), false)
})
