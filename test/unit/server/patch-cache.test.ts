// The server's cache of encoded patches: a hit only where a fresh computation would give the same.
import type { V1Pod } from '@kubernetes/client-node'
import t from 'tap'
import { defaultPolicy } from '../../../src/policy/index.js'
import { PatchCache, reviewKey } from '../../../src/server/patch-cache.js'
import { parseReviewText, reviewJson } from '../../../src/server/admission.js'

const ns = { name: 'acme', labels: { 'store.platform.io/tenant': 'acme' } }
const pod = (hash: string, time = '2026-01-01T00:00:00Z'): V1Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { generateName: `web-${hash}-`, namespace: 'acme', labels: { 'pod-template-hash': hash }, managedFields: [{ manager: 'kcm', time }] },
  spec: { containers: [{ name: 'app', image: 'app:1' }] },
})
/** A review as the API server writes it: request.uid first. */
const reviewText = (uid: string, object: V1Pod, namespace = 'acme'): string => JSON.stringify({
  kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1',
  request: { uid, kind: { group: '', version: 'v1', kind: 'Pod' }, namespace, operation: 'CREATE', object },
})
let uids = 0
const keyOf = (object: V1Pod, n = ns) => reviewKey(reviewText(`uid-${++uids}`, object, n.name), `uid-${uids}`, n)

t.test('reviewKey: the same review under another uid has the same key; any other input another', async (t) => {
  const key = keyOf(pod('a'))
  t.type(key, 'string')
  t.equal(keyOf(pod('a')), key, 'another uid, same pod and namespace: same key')
  t.not(keyOf(pod('b')), key, 'another pod')
  t.not(keyOf(pod('a', '2026-01-01T00:00:01Z')), key, 'a replica created a second later: another key (one more computation)')
  t.not(keyOf(pod('a'), { name: 'acme', labels: { 'store.platform.io/tenant': 'other' } }), key, 'other namespace labels')
  t.not(keyOf(pod('a'), { name: 'shop', labels: ns.labels }), key, 'other namespace')
  const escaped = reviewText('uid-x', pod('a')).replace('"uid":"uid-x"', '"uid":"\\u0075id-x"')
  t.equal(parseReviewText(escaped).uid, 'uid-x', 'the uid written with an escape parses as the same uid')
  t.equal(reviewKey(escaped, 'uid-x', ns), undefined, 'but is not found as written: no key, never cached')
})

t.test('reviewKey: a crafted review cannot take the key of a review the API server sends', async (t) => {
  // The pod carries "uid":"<request uid>" before request.uid, so its own field is the one cut out.
  const victim = pod('a')
  const crafted = JSON.stringify({
    kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1',
    request: { object: { ...victim, metadata: { ...victim.metadata, uid: 'u1' } }, uid: 'u1', kind: { group: '', version: 'v1', kind: 'Pod' }, namespace: 'acme', operation: 'CREATE' },
  })
  const real = reviewText('u1', victim)
  t.not(reviewKey(crafted, 'u1', ns), reviewKey(real, 'u1', ns))
})

t.test('reviewKey: the same text around the cut, cut at another place, is another key', async (t) => {
  // Cutting "uid":"X" out of either leaves the same text: only where it was tells them apart.
  const inFirst = '{"a":{"uid":"X"},"b":{}}'
  const inSecond = '{"a":{},"b":{"uid":"X"}}'
  const cut = (text: string) => text.replace('"uid":"X"', '')
  t.equal(cut(inFirst), cut(inSecond), 'the texts around the cut are equal')
  t.not(reviewKey(inFirst, 'X', ns), reviewKey(inSecond, 'X', ns))
})

t.test('a review seen again is served from the cache; any other input is computed', async (t) => {
  const cache = new PatchCache(16)
  const policy = defaultPolicy()
  let computed = 0
  const get = (key: string | undefined, pol = policy) => cache.encodedPatch(key, pol, () => `patch-${++computed}`)
  const key = keyOf(pod('a'))
  t.equal(get(key), 'patch-1', 'first sight: computed, only remembered as seen')
  t.equal(get(key), 'patch-2', 'second sight: computed and kept')
  t.equal(get(keyOf(pod('a'))), 'patch-2', 'third, under another uid: a hit')
  t.equal(get(keyOf(pod('b'))), 'patch-3', 'another pod: computed')
  t.equal(get(undefined), 'patch-4', 'no key: computed')
  t.equal(get(undefined), 'patch-5', 'and never kept')
  const reloaded = defaultPolicy()
  get(key, reloaded)
  t.equal(get(key, reloaded), 'patch-7', 'a reloaded policy: computed')
  t.equal(get(key, reloaded), 'patch-7', 'and then served under that policy')
})

t.test('the least recently used review is dropped beyond the capacity', async (t) => {
  const cache = new PatchCache(2)
  const policy = defaultPolicy()
  let computed = 0
  const get = (hash: string) => cache.encodedPatch(keyOf(pod(hash)), policy, () => `${hash}-${++computed}`)
  get('a'); get('a') // a kept
  get('b'); get('b') // b kept
  t.equal(get('a'), 'a-2', 'a hit')
  get('c') // c seen: b, the least recently used, is dropped
  t.equal(get('a'), 'a-2', 'a still kept')
  get('b')
  t.equal(get('b'), 'b-7', 'b was dropped: computed as new')
})

t.test('reviewJson: the AdmissionReview answer, patch spliced in unescaped', async (t) => {
  const patch = Buffer.from('[{"op":"add","path":"/a","value":"x"}]').toString('base64')
  const answer = JSON.parse(reviewJson({ uid: 'u"1', allowed: true, patchType: 'JSONPatch', patch }))
  t.same(answer, { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'u"1', allowed: true, patchType: 'JSONPatch', patch } })
  const denial = { uid: 'u2', allowed: false, status: { code: 403, message: 'rule: path: "quoted"\nsecond' } }
  t.same(JSON.parse(reviewJson(denial)), { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: denial })
})
