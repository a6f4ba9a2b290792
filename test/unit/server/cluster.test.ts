// Cluster-side helpers that need no cluster: the caBundle merge and --static-namespaces parsing.
import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { mergeCaBundle } from '../../../src/cluster/ca-bundle.js'
import { loadStaticCluster } from '../../../src/cluster/static.js'
import { generateTls } from '../../../src/server/certs.js'
import { NAMESPACES, tempDir } from './fixtures/harness.js'

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
  t.same(view.namespace('acme'), { name: 'acme', labels: { 'store.platform.io/tenant': 'acme' } })
  t.same(view.namespace('plain'), { name: 'plain', labels: {} })
  t.equal(view.namespace('missing'), undefined)
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
