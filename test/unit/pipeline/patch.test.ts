// The patch draft: writes recorded as operations, writes into added values carried by their add.
import t from 'tap'
import { PatchDraft, cloneJson } from '../../../src/pipeline/patch.js'

t.test('a write into a value the patch added travels inside that add', async (t) => {
  const draft = new PatchDraft<{ spec: { containers: Array<Record<string, unknown>> } }>({ spec: { containers: [{ name: 'app' }] } })
  const { containers } = draft.doc.spec
  draft.insert(containers, '/spec/containers', 0, { name: 'init' })
  draft.ensureObject(containers[0] as object, '/spec/containers/0', 'securityContext', { runAsNonRoot: true })
  draft.ensureObject(containers[1] as object, '/spec/containers/1', 'securityContext', { runAsNonRoot: true })
  t.same(draft.ops, [
    { op: 'add', path: '/spec/containers/0', value: { name: 'init', securityContext: { runAsNonRoot: true } } },
    { op: 'add', path: '/spec/containers/1/securityContext', value: { runAsNonRoot: true } },
  ])
})

t.test('the original is never written; values added are copies', async (t) => {
  const original = { metadata: { labels: { a: '1' } } }
  const wanted = { labels: { b: '2' } }
  const draft = new PatchDraft(original)
  draft.ensureFields(draft.doc.metadata, '/metadata', wanted)
  draft.ensureFields(draft.doc, '', { metadata: wanted })
  t.same(original, { metadata: { labels: { a: '1' } } })
  t.same(draft.ops, [{ op: 'add', path: '/metadata/labels/b', value: '2' }])
  t.not(draft.doc.metadata.labels, original.metadata.labels)
})

t.test('cloneJson keeps a JSON `__proto__` key as data, not as the copy\'s prototype', async (t) => {
  const copy = cloneJson(JSON.parse('{"a":{"__proto__":{"polluted":true},"b":2}}') as { a: Record<string, unknown> })
  t.equal(Object.getPrototypeOf(copy.a), Object.prototype)
  t.equal((copy.a as { polluted?: boolean }).polluted, undefined)
  t.equal(JSON.stringify(copy), '{"a":{"__proto__":{"polluted":true},"b":2}}')
})

t.test('a plan copies only what mutations write; a write elsewhere throws before touching the original', async (t) => {
  const original = { metadata: { labels: { a: '1' }, managedFields: [{ manager: 'm' }] }, spec: { tolerations: [{ key: 'k' }] } }
  const draft = new PatchDraft(original, { metadata: { labels: true } })
  t.not(draft.doc.metadata.labels, original.metadata.labels, 'planned: copied')
  t.equal(draft.doc.metadata.managedFields, original.metadata.managedFields, 'not planned: shared')
  draft.ensureFields(draft.doc.metadata, '/metadata', { labels: { b: '2' } })
  t.throws(() => draft.set(draft.doc.spec, '/spec', 'hostNetwork', false), /\/spec: a write outside the draft's copy plan/)
  t.throws(() => draft.insert(draft.doc.spec.tolerations, '/spec/tolerations', 0, { key: 'x' }), /copy plan/)
  t.same(original, { metadata: { labels: { a: '1' }, managedFields: [{ manager: 'm' }] }, spec: { tolerations: [{ key: 'k' }] } })
  t.same(draft.ops, [{ op: 'add', path: '/metadata/labels/b', value: '2' }])
})

t.test('a planned copy keeps a JSON `__proto__` key as data', async (t) => {
  const original = JSON.parse('{"metadata":{"__proto__":{"polluted":true},"labels":{"__proto__":{"x":1}}}}') as { metadata: { labels: Record<string, unknown> } }
  const draft = new PatchDraft(original, { metadata: { labels: true } })
  t.equal(Object.getPrototypeOf(draft.doc.metadata), Object.prototype)
  t.equal(Object.getPrototypeOf(draft.doc.metadata.labels), Object.prototype)
  t.equal(JSON.stringify(draft.doc), JSON.stringify(original))
})
