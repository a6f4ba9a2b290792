// Answering a review's text: a replayed /mutate answer is the one a full review would give.
import type { V1Pod } from '@kubernetes/client-node'
import { pino } from 'pino'
import t from 'tap'
import type { ClusterView } from '../../../src/cluster/types.js'
import type { NamespaceInfo } from '../../../src/pipeline/types.js'
import { type Policy, defaultPolicy, parsePolicy } from '../../../src/policy/index.js'
import { BadRequest } from '../../../src/server/admission.js'
import { PatchCache } from '../../../src/server/patch-cache.js'
import { type ReviewContext, answer } from '../../../src/server/review.js'
import { fixtureJson } from './fixtures/harness.js'

const storefront = fixtureJson('storefront-pod.json') as V1Pod

/** A review as the API server writes it (request.uid first). */
const reviewText = (uid: string, object: object = storefront, namespace = 'acme'): string => JSON.stringify({
  kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1',
  request: { uid, kind: { group: '', version: 'v1', kind: 'Pod' }, namespace, operation: 'CREATE', object },
})

/**
 * A context over namespaces the test can relabel, counting the answers replayed from the cache and
 * the namespaces asked of the API server (those the cache lacks, `asked` gives them).
 */
function context(policy: Policy = defaultPolicy()) {
  const namespaces = new Map<string, NamespaceInfo>([['acme', { name: 'acme', labels: { 'store.platform.io/tenant': 'acme' } }]])
  const asked = new Map<string, NamespaceInfo>()
  const cluster: ClusterView = {
    namespace: (name) => namespaces.get(name) ?? (state.lookups++, Promise.resolve(asked.get(name))),
    cachedNamespace: (name) => namespaces.get(name),
    labelsOf: () => undefined, fetchLabels: () => Promise.resolve(undefined), synced: () => true, stop: async () => {},
  }
  const patches = new PatchCache(16)
  const recall = patches.recall.bind(patches)
  const state = { policy, recalled: 0, lookups: 0 }
  patches.recall = (key, pol) => {
    const kept = recall(key, pol)
    if (kept) state.recalled++
    return kept
  }
  const ctx: ReviewContext = { policy: () => state.policy, cluster, ownNamespace: 'store-admission', logger: pino({ level: 'silent' }), patches }
  return { ctx, namespaces, asked, state }
}

/** The answer without any cache: what every replay must equal. */
const fresh = async (text: string, policy?: Policy) => answer('mutate', text, context(policy).ctx)

t.test('replicas: the third review is replayed, and equals a full answer but for its own uid', async (t) => {
  const { ctx, state } = context()
  const answers = []
  for (const uid of ['r1', 'r2', 'r3', 'r4']) answers.push(await answer('mutate', reviewText(uid), ctx))
  t.equal(state.recalled, 2, 'computed twice, replayed twice')
  t.same(answers.map((a) => a.replayed), [false, false, true, true], 'and says so')
  for (const [i, uid] of ['r1', 'r2', 'r3', 'r4'].entries()) {
    t.same({ ...answers[i], replayed: false }, await fresh(reviewText(uid)), `answer ${i + 1} equals a full one`)
    t.equal(answers[i]?.outcome.response.uid, uid, 'its own uid echoed')
  }
  t.equal(answers[3]?.outcome.decision, 'patch')
  t.match(answers[3]?.review, { uid: 'r4', namespace: 'acme', kind: 'Pod', operation: 'CREATE' }, 'logged as the review it answers')
})

t.test('a namespace relabelled since: answered anew, not replayed', async (t) => {
  const { ctx, namespaces, state } = context()
  for (const uid of ['a', 'b']) await answer('mutate', reviewText(uid), ctx)
  namespaces.set('acme', { name: 'acme', labels: { 'store.platform.io/tenant': 'other' } })
  const relabelled = await answer('mutate', reviewText('c'), ctx)
  t.equal(state.recalled, 1, 'the kept answer was found')
  t.equal(relabelled.outcome.tenant, 'other', 'but the new labels decided')
  const patch = JSON.parse(Buffer.from(relabelled.outcome.response.patch ?? '', 'base64').toString()) as { path: string; value: unknown }[]
  t.match(patch.find((op) => op.path === '/metadata/labels/store.platform.io~1tenant'), { value: 'other' }, 'the patch carries the new tenant')
  namespaces.delete('acme')
  t.equal((await answer('mutate', reviewText('d'), ctx)).outcome.decision, 'skip', 'a namespace gone: not a store namespace any more')
})

t.test('a namespace the cache lost: the full review asks the API server, once', async (t) => {
  const { ctx, namespaces, asked, state } = context()
  for (const uid of ['a', 'b']) await answer('mutate', reviewText(uid), ctx)
  const info = namespaces.get('acme')!
  namespaces.delete('acme')
  asked.set('acme', info)
  const after = await answer('mutate', reviewText('c'), ctx)
  t.equal(state.lookups, 1, 'one lookup: the replay never asks')
  t.equal(after.replayed, false)
  t.same(after.outcome.decision, 'patch', 'answered with what the API server said')
})

t.test('a reloaded policy: answered anew under it', async (t) => {
  const { ctx, state } = context()
  for (const uid of ['a', 'b', 'c']) await answer('mutate', reviewText(uid), ctx)
  t.equal(state.recalled, 1)
  const excluding = parsePolicy('excludedNamespaces: [acme]\n', 'test policy')
  state.policy = excluding
  const after = await answer('mutate', reviewText('d'), ctx)
  t.equal(state.recalled, 1, 'nothing replayed')
  t.same(after, await fresh(reviewText('d'), excluding))
  t.equal(after.outcome.decision, 'skip', 'the new policy excludes the namespace')
})

t.test('a review whose uid comes after the object is answered in full every time', async (t) => {
  const { ctx, state } = context()
  const objectFirst = (uid: string) => JSON.stringify({
    kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1',
    request: { object: { ...storefront, metadata: { ...storefront.metadata, uid: 'pod-uid' } }, uid, kind: { group: '', version: 'v1', kind: 'Pod' }, namespace: 'acme', operation: 'CREATE' },
  })
  for (const uid of ['a', 'b', 'c']) t.equal((await answer('mutate', objectFirst(uid), ctx)).outcome.response.uid, uid)
  t.equal(state.recalled, 0, 'the first "uid" is the pod\'s: never replayed')
})

t.test('/validate and bad input are never replayed', async (t) => {
  const { ctx, state } = context()
  for (const uid of ['a', 'b']) await answer('mutate', reviewText(uid), ctx)
  for (const uid of ['c', 'd']) {
    const judged = await answer('validate', reviewText(uid), ctx)
    t.equal(judged.replayed, false, 'the same text at /validate: judged, not given the kept patch')
    t.same(judged.outcome.response, { uid, allowed: false, status: judged.outcome.response.status }, 'a verdict, no patch')
  }
  t.equal(state.recalled, 0)
  const broken = reviewText('c').replace('"operation":"CREATE"', '"operation":"CREATE"}')
  const refused = await answer('mutate', broken, ctx).catch((err: unknown) => err)
  t.ok(refused instanceof BadRequest, 'a body that differs elsewhere is parsed, and refused')
  t.match(refused, { message: /not valid JSON/ })
})
