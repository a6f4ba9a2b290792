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

t.test('identical pods are computed once; any other input is computed again', async (t) => {
  const cache = new PatchCache(8)
  const policy = defaultPolicy()
  let computed = 0
  const get = (p: V1Pod, n = ns, pol = policy) => cache.encodedPatch(p, n, pol, () => `patch-${++computed}`)
  t.equal(get(pod('a')), 'patch-1')
  t.equal(get(pod('a')), 'patch-1', 'the same pod again: a hit')
  t.equal(get(pod('a', '2026-01-01T00:00:01Z')), 'patch-1', 'a replica created a second later: a hit')
  t.equal(get(pod('b')), 'patch-2', 'another pod: computed')
  t.equal(get(pod('a'), { name: 'acme', labels: { 'store.platform.io/tenant': 'other' } }), 'patch-3', 'other namespace labels: computed')
  t.equal(get(pod('a'), { name: 'shop', labels: ns.labels }), 'patch-4', 'other namespace: computed')
  t.equal(get(pod('a'), ns, defaultPolicy()), 'patch-5', 'a reloaded policy: computed')
  t.equal(get(pod('a'), ns, policy), 'patch-6', 'and the cache now follows that policy')
})

t.test('the least recently used pod is dropped beyond the capacity', async (t) => {
  const cache = new PatchCache(2)
  const policy = defaultPolicy()
  let computed = 0
  const get = (hash: string) => cache.encodedPatch(pod(hash), ns, policy, () => `${hash}-${++computed}`)
  get('a'); get('b'); get('a'); get('c') // b is the least recently used
  t.equal(get('a'), 'a-1', 'a kept')
  t.equal(get('c'), 'c-3', 'c kept')
  t.equal(get('b'), 'b-4', 'b recomputed')
})

t.test('reviewJson: the AdmissionReview answer, patch spliced in unescaped', async (t) => {
  const patch = Buffer.from('[{"op":"add","path":"/a","value":"x"}]').toString('base64')
  const answer = JSON.parse(reviewJson({ uid: 'u"1', allowed: true, patchType: 'JSONPatch', patch }))
  t.same(answer, { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'u"1', allowed: true, patchType: 'JSONPatch', patch } })
  const denial = { uid: 'u2', allowed: false, status: { code: 403, message: 'rule: path: "quoted"\nsecond' } }
  t.same(JSON.parse(reviewJson(denial)), { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: denial })
})
