// The server's cache of /mutate answers: kept only where a full review would give the same again.
import type { V1Pod } from '@kubernetes/client-node'
import t from 'tap'
import { defaultPolicy } from '../../../src/policy/index.js'
import { type KeptAnswer, PatchCache, reviewKey } from '../../../src/server/patch-cache.js'
import { parseReviewText, reviewJson } from '../../../src/server/admission.js'

const pod = (hash: string, time = '2026-01-01T00:00:00Z'): V1Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { generateName: `web-${hash}-`, namespace: 'acme', labels: { 'pod-template-hash': hash }, managedFields: [{ manager: 'kcm', time: new Date(time) }] },
  spec: { containers: [{ name: 'app', image: 'app:1' }] },
})
/** A review as the API server writes it: request.uid first. */
const reviewText = (uid: string, object: V1Pod, namespace = 'acme'): string => JSON.stringify({
  kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1',
  request: { uid, kind: { group: '', version: 'v1', kind: 'Pod' }, namespace, operation: 'CREATE', object },
})
let uids = 0
const keyOf = (object: V1Pod, namespace = 'acme') => reviewKey(reviewText(`uid-${++uids}`, object, namespace))

t.test('reviewKey: the same review under another uid has the same key; any other text another', async (t) => {
  const text = reviewText('uid-x', pod('a'))
  const key = reviewKey(text)
  t.match(key, { uid: 'uid-x' }, 'the uid as written')
  t.equal(text.slice(key?.start, key?.end), 'uid-x', 'and where it is')
  t.equal(keyOf(pod('a'))?.hash, key?.hash, 'another uid, same pod and namespace: same key')
  t.not(keyOf(pod('b'))?.hash, key?.hash, 'another pod')
  t.not(keyOf(pod('a', '2026-01-01T00:00:01Z'))?.hash, key?.hash, 'a replica created a second later: another key (one more computation)')
  t.not(keyOf(pod('a'), 'shop')?.hash, key?.hash, 'another namespace')
})

t.test('reviewKey: no key for a uid that other texts could write differently', async (t) => {
  const text = reviewText('uid-x', pod('a'))
  const escaped = text.replace('"uid":"uid-x"', '"uid":"\\u0075id-x"')
  t.equal(parseReviewText(escaped).uid, 'uid-x', 'the uid written with an escape parses as the same uid')
  t.equal(reviewKey(escaped), undefined, 'an escape: no key, never kept')
  t.equal(reviewKey(text.replace('"uid":"uid-x"', '"uid":"uid\\"x"')), undefined, 'an escaped quote')
  t.equal(reviewKey(text.replace('"uid":"uid-x"', '"uid":"uid\tx"')), undefined, 'a control character')
  t.equal(reviewKey(text.replace('"uid":"uid-x"', '"uid":""')), undefined, 'an empty uid')
  t.equal(reviewKey(text.replace('"uid":"uid-x"', '"uid": "uid-x"')), undefined, 'not written as the API server does')
  t.equal(reviewKey('{"request":{"uid":"unterminated'), undefined, 'no closing quote')
  // UTF-8 hashes a lone surrogate as U+FFFD: the two texts would share a key, yet parse apart.
  t.equal(reviewKey(text.replace('"acme"', '"\uD800"')), undefined, 'a lone surrogate anywhere')
  t.type(reviewKey(text.replace('"acme"', '"\uD83D\uDE00"')), 'object', 'a surrogate pair is fine')
})

const answer = (patch: string): KeptAnswer => ({ namespace: 'acme', namespaceLabels: '{}', tenant: 'acme', patch })
/** Remembers an answer to `text` (whose parsed request.uid is `uid`). */
const seen = (cache: PatchCache, text: string, patch: string, policy = defaultPolicy(), uid = parseReviewText(text).uid) => {
  const key = reviewKey(text)
  if (!key) throw new Error('no key')
  cache.remember(key, uid, policy, answer(patch))
  return key
}

t.test('an answer is kept from the second time a review comes, and recalled under another uid', async (t) => {
  const cache = new PatchCache(16)
  const policy = defaultPolicy()
  const key = seen(cache, reviewText('u1', pod('a')), 'p1', policy)
  t.equal(cache.recall(key, policy), undefined, 'seen once: only remembered as seen')
  seen(cache, reviewText('u2', pod('a')), 'p2', policy)
  t.match(cache.recall(reviewKey(reviewText('u3', pod('a')))!, policy), { patch: 'p2' }, 'seen twice: kept, recalled under a third uid')
  t.equal(cache.recall(reviewKey(reviewText('u4', pod('b')))!, policy), undefined, 'another pod: nothing')
  t.equal(cache.recall(key, defaultPolicy()), undefined, 'a reloaded policy: forgotten')
})

t.test('an answer is kept only when the cut string is request.uid', async (t) => {
  const policy = defaultPolicy()
  const twice = (text: (n: number) => string, uid?: string) => {
    const cache = new PatchCache(16)
    seen(cache, text(1), 'p', policy, uid)
    const key = seen(cache, text(2), 'p', policy, uid)
    return cache.recall(key, policy)
  }
  t.ok(twice((n) => reviewText(`u${n}`, pod('a'))), 'request.uid first, as the API server writes it: kept')
  const victim = pod('a')
  // The pod's own uid field comes first: the cut string is not request.uid.
  t.equal(twice((n) => JSON.stringify({
    kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1',
    request: { object: { ...victim, metadata: { ...victim.metadata, uid: `u${n}` } }, uid: 'fixed', kind: { group: '', version: 'v1', kind: 'Pod' }, namespace: 'acme', operation: 'CREATE' },
  })), undefined, 'an object uid before request.uid: never kept')
  // A duplicate key decides request.uid; the probe finds the cut string is not it.
  const duplicate = (n: number) => reviewText(`u${n}`, pod('a')).replace('"namespace":"acme"', `"namespace":"acme","uid":"u${n}"`).replace(/"uid":"u(\d+)","kind"/, '"uid":"first$1","kind"')
  t.equal(parseReviewText(duplicate(1)).uid, 'u1', 'sanity: the later uid is request.uid')
  t.equal(twice(duplicate), undefined, 'a duplicate uid key after the cut string: never kept')
  const sameValue = (n: number) => reviewText(`u${n}`, pod('a')).replace('"namespace":"acme"', '"namespace":"acme","uid":"same"').replace(/"uid":"u\d+","kind"/, '"uid":"same","kind"')
  t.equal(reviewKey(sameValue(1))?.uid, 'same', 'sanity: the cut string equals request.uid')
  t.equal(twice(sameValue), undefined, 'the same uid written twice, the later deciding: never kept')
  // The probe's own text deciding request.uid as a later duplicate: the probe alone would be fooled.
  const PROBE = 'store-admission-uid-probe'
  const probeLater = (first: string) => reviewText(first, pod('a')).replace('"namespace":"acme"', `"namespace":"acme","uid":"${PROBE}"`)
  t.equal(parseReviewText(probeLater('u1')).uid, PROBE, 'sanity: the later uid is request.uid')
  t.equal(twice((n) => probeLater(`u${n}`)), undefined, 'the probe\'s text as a later uid: never kept')
  t.equal(twice(() => probeLater(PROBE)), undefined, 'the probe\'s text as both uids: never kept (a review cut the same but uid u1 would replay u1)')
})

t.test('the least recently used review is dropped beyond the capacity', async (t) => {
  const cache = new PatchCache(2)
  const policy = defaultPolicy()
  const keep = (hash: string) => { seen(cache, reviewText(`${hash}1`, pod(hash)), hash, policy); return seen(cache, reviewText(`${hash}2`, pod(hash)), hash, policy) }
  const a = keep('a')
  const b = keep('b')
  t.ok(cache.recall(a, policy), 'a kept')
  seen(cache, reviewText('c1', pod('c')), 'c', policy) // c seen: b, the least recently used, is dropped
  t.ok(cache.recall(a, policy), 'a still kept')
  t.equal(cache.recall(b, policy), undefined, 'b dropped')
})

t.test('reviewJson: the AdmissionReview answer, patch spliced in unescaped', async (t) => {
  const patch = Buffer.from('[{"op":"add","path":"/a","value":"x"}]').toString('base64')
  const answer = JSON.parse(reviewJson({ uid: 'u"1', allowed: true, patchType: 'JSONPatch', patch }))
  t.same(answer, { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'u"1', allowed: true, patchType: 'JSONPatch', patch } })
  const denial = { uid: 'u2', allowed: false, status: { code: 403, message: 'rule: path: "quoted"\nsecond' } }
  t.same(JSON.parse(reviewJson(denial)), { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: denial })
})
