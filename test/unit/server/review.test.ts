// One review against a cluster view the test controls: the namespace is asked for every review,
// the pipeline alone decides what is acted on, and each webhook fails its own way.
import type { V1Pod } from '@kubernetes/client-node'
import { pino } from 'pino'
import t from 'tap'
import type { ClusterView } from '../../../src/cluster/types.js'
import type { NamespaceInfo } from '../../../src/pipeline/types.js'
import { type Policy, defaultPolicy } from '../../../src/policy/index.js'
import { parsePolicy } from '../../../src/policy/parse.js'
import type { ParsedReview } from '../../../src/server/admission.js'
import { type ReviewContext, review } from '../../../src/server/review.js'
import { fixtureJson } from './fixtures/harness.js'

const storefront = fixtureJson('storefront-pod.json') as V1Pod

const podCreate = (uid: string, namespace = 'acme', object: V1Pod = storefront): ParsedReview => ({
  uid, operation: 'CREATE', kind: 'Pod', namespace, info: { operation: 'CREATE', kind: 'Pod', namespace, object },
})

/** A context over namespaces the test can relabel; `asked` counts lookups. */
function context() {
  const namespaces = new Map<string, NamespaceInfo>([['acme', { name: 'acme', labels: { 'store.platform.io/tenant': 'acme' } }]])
  const state = { policy: defaultPolicy() as Policy, asked: 0 }
  const cluster: ClusterView = {
    namespace: (name) => (state.asked++, Promise.resolve(namespaces.get(name))),
    labelsOf: () => undefined, fetchLabels: () => Promise.resolve(undefined), synced: () => true, stop: async () => {},
  }
  const ctx: ReviewContext = { policy: () => state.policy, cluster, ownNamespace: 'store-admission', logger: pino({ level: 'silent' }) }
  return { ctx, namespaces, state }
}

t.test('the namespace as it is now decides: relabelled, then gone', async (t) => {
  const { ctx, namespaces, state } = context()
  t.equal((await review('mutate', podCreate('a'), ctx)).tenant, 'acme')
  namespaces.set('acme', { name: 'acme', labels: { 'store.platform.io/tenant': 'other' } })
  const relabelled = await review('mutate', podCreate('b'), ctx)
  t.equal(relabelled.tenant, 'other')
  const patch = JSON.parse(Buffer.from(relabelled.response.patch ?? '', 'base64').toString()) as { path: string; value: unknown }[]
  t.match(patch.find((op) => op.path === '/metadata/labels/store.platform.io~1tenant'), { value: 'other' }, 'the patch carries the new tenant')
  namespaces.delete('acme')
  t.same(await review('mutate', podCreate('c'), ctx), { response: { uid: 'c', allowed: true }, decision: 'skip', tenant: undefined, rules: [] },
    'mutate fails open: a namespace it cannot see is left alone')
  const denied = await review('validate', podCreate('d'), ctx)
  t.match(denied, { decision: 'error', response: { uid: 'd', allowed: false, status: { code: 500, message: /does not know namespace "acme".*fails closed/ } } })
  t.equal(state.asked, 4, 'asked once per review')
})

t.test('a policy that excludes the namespace: both webhooks skip, as the pipeline decides', async (t) => {
  const { ctx, state } = context()
  state.policy = parsePolicy('excludedNamespaces: [acme]\n', 'test policy')
  for (const webhook of ['mutate', 'validate'] as const) {
    t.same(await review(webhook, podCreate('x'), ctx), { response: { uid: 'x', allowed: true }, decision: 'skip', tenant: undefined, rules: [] }, webhook)
  }
})

t.test('/mutate skips what is not a Pod CREATE; the own namespace and DELETE are never looked up', async (t) => {
  const { ctx, state } = context()
  const update: ParsedReview = { ...podCreate('u'), operation: 'UPDATE', info: { ...podCreate('u').info!, operation: 'UPDATE' } }
  t.equal((await review('mutate', update, ctx)).decision, 'skip')
  t.equal((await review('validate', update, ctx)).decision, 'allow', '/validate judges the UPDATE')
  const asked = state.asked
  t.equal((await review('validate', podCreate('own', 'store-admission'), ctx)).decision, 'skip')
  t.equal((await review('validate', { uid: 'del', operation: 'DELETE', kind: 'Pod', namespace: 'acme' }, ctx)).decision, 'skip')
  t.equal(state.asked, asked)
})
