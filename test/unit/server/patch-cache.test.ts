// The server's cache of encoded patches: a hit only where a fresh computation would give the same.
import type { V1Pod } from '@kubernetes/client-node'
import t from 'tap'
import { defaultPolicy } from '../../../src/policy/index.js'
import { PatchCache } from '../../../src/server/patch-cache.js'
import { reviewJson } from '../../../src/server/admission.js'

const ns = { name: 'acme', labels: { 'store.platform.io/tenant': 'acme' } }
const pod = (hash: string, time = '2026-01-01T00:00:00Z'): V1Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { generateName: `web-${hash}-`, labels: { 'pod-template-hash': hash }, managedFields: [{ manager: 'kcm', time }] },
  spec: { containers: [{ name: 'app', image: 'app:1' }] },
})

t.test('a pod seen again is served from the cache; any other input is computed', async (t) => {
  const cache = new PatchCache(16)
  const policy = defaultPolicy()
  let computed = 0
  const get = (p: V1Pod, n = ns, pol = policy) => cache.encodedPatch(p, n, pol, () => `patch-${++computed}`)
  t.equal(get(pod('a')), 'patch-1', 'first sight: computed, only remembered as seen')
  t.equal(get(pod('a')), 'patch-2', 'second sight: computed and kept')
  t.equal(get(pod('a')), 'patch-2', 'third: a hit')
  t.equal(get(pod('a', '2026-01-01T00:00:01Z')), 'patch-2', 'a replica created a second later: a hit')
  t.equal(get(pod('b')), 'patch-3', 'another pod: computed')
  get(pod('a'), { name: 'acme', labels: { 'store.platform.io/tenant': 'other' } })
  t.equal(get(pod('a'), { name: 'acme', labels: { 'store.platform.io/tenant': 'other' } }), 'patch-5', 'other namespace labels: computed')
  get(pod('a'), { name: 'shop', labels: ns.labels })
  t.equal(get(pod('a'), { name: 'shop', labels: ns.labels }), 'patch-7', 'other namespace: computed')
  const reloaded = defaultPolicy()
  get(pod('a'), ns, reloaded)
  t.equal(get(pod('a'), ns, reloaded), 'patch-9', 'a reloaded policy: computed')
  t.equal(get(pod('a'), ns, reloaded), 'patch-9', 'and then served under that policy')
})

t.test('the least recently used pod is dropped beyond the capacity', async (t) => {
  const cache = new PatchCache(2)
  const policy = defaultPolicy()
  let computed = 0
  const get = (hash: string) => cache.encodedPatch(pod(hash), ns, policy, () => `${hash}-${++computed}`)
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
