// One admission decision: which requests the webhook judges at all, the pipeline call, and how
// each webhook fails (mutate fails open: allow unpatched; validate fails closed: deny).
import type { Logger } from 'pino'
import { formatDenial, formatWarning, isStoreNamespace, mutate, validate } from '../pipeline/index.js'
import type { NamespaceInfo, RuleId, ValidationResult } from '../pipeline/types.js'
import type { Policy } from '../policy/index.js'
import { ResolvingLookup } from '../cluster/lookup.js'
import type { ClusterView } from '../cluster/types.js'
import { type AdmissionResponse, type ParsedReview, parseReviewText } from './admission.js'
import type { Webhook } from './metrics.js'
import { type KeptAnswer, type PatchCache, type ReviewKey, reviewKey } from './patch-cache.js'

export interface ReviewContext {
  policy(): Policy
  cluster: ClusterView
  /** The webhook's own namespace is never judged, so it can always restart itself. */
  ownNamespace: string
  logger: Logger
  patches: PatchCache
}

export type Decision = 'allow' | 'patch' | 'warn' | 'deny' | 'skip' | 'error'

export interface Outcome {
  response: AdmissionResponse
  decision: Decision
  tenant: string | undefined
  rules: RuleId[]
}

/** What a review asked, as far as logs and metrics tell it. */
export type ReviewSummary = Pick<ParsedReview, 'uid' | 'operation' | 'kind' | 'namespace'>

export interface Answered {
  review: ReviewSummary
  outcome: Outcome
  /** Given again from the cache, the text never parsed. */
  replayed: boolean
}

const TENANT_LABEL = 'store.platform.io/tenant'

/** The answer to a review's body text: replayed when /mutate answered the same review before. */
export async function answer(webhook: Webhook, text: string, ctx: ReviewContext): Promise<Answered> {
  const key = webhook === 'mutate' ? reviewKey(text) : undefined
  const fromCache = key && replay(key, ctx)
  if (fromCache) return fromCache
  const parsed = parseReviewText(text)
  const { uid, operation, kind, namespace } = parsed
  return { review: { uid, operation, kind, namespace }, outcome: await review(webhook, parsed, ctx, key), replayed: false }
}

/**
 * The kept answer to the review `key` stands for, while its namespace's labels are unchanged. Only
 * the namespace cache is asked: a namespace it lacks is left to the full review to look up.
 */
function replay(key: ReviewKey, ctx: ReviewContext): Answered | undefined {
  const kept = ctx.patches.recall(key, ctx.policy())
  if (!kept) return undefined
  const ns = ctx.cluster.cachedNamespace(kept.namespace)
  if (ns === undefined || JSON.stringify(ns.labels) !== kept.namespaceLabels) return undefined
  // Only Pod CREATEs are mutated, so only theirs are kept.
  const review: ReviewSummary = { uid: key.uid, namespace: kept.namespace, kind: 'Pod', operation: 'CREATE' }
  return { review, outcome: mutation(key.uid, kept.patch, kept.tenant), replayed: true }
}

function mutation(uid: string, patch: string, tenant: string | undefined): Outcome {
  if (patch === '') return { response: { uid, allowed: true }, decision: 'allow', tenant, rules: [] }
  return { response: { uid, allowed: true, patchType: 'JSONPatch', patch }, decision: 'patch', tenant, rules: [] }
}

/** `key`: the review's cache key, for /mutate to keep its answer. */
async function review(webhook: Webhook, parsed: ParsedReview, ctx: ReviewContext, key?: ReviewKey): Promise<Outcome> {
  const { uid, info } = parsed
  const skip: Outcome = { response: { uid, allowed: true }, decision: 'skip', tenant: undefined, rules: [] }
  if (!info || parsed.namespace === ctx.ownNamespace) return skip
  if (webhook === 'mutate' && (info.kind !== 'Pod' || info.operation !== 'CREATE')) return skip

  const policy = ctx.policy()
  // A Namespace is judged as an object of its own (namespace-tenant), whatever it is labelled.
  if (info.kind === 'Namespace') return guarded(ctx, webhook, parsed, undefined, () => judged(uid, validate(info, undefined, policy, ctx.cluster), undefined))

  const found = ctx.cluster.namespace(parsed.namespace)
  const ns: NamespaceInfo | undefined = found instanceof Promise ? await found : found
  // The webhook configurations select store namespaces only, so a namespace we cannot see (cache
  // not synced, API server unreachable) is one we must not wave through: validation fails closed.
  if (ns === undefined && webhook === 'validate') {
    const message = `store-admission does not know namespace ${JSON.stringify(parsed.namespace)} yet (namespace cache not synced or API server unreachable); denied because validation fails closed`
    return { response: { uid, allowed: false, status: { code: 500, message } }, decision: 'error', tenant: undefined, rules: [] }
  }
  // Defense in depth: the webhook configurations already select store namespaces only.
  if (!isStoreNamespace(ns, policy)) return skip
  const tenant = info.object.metadata?.labels?.[TENANT_LABEL] ?? ns.labels[TENANT_LABEL]

  return guarded(ctx, webhook, parsed, tenant, async () => {
    if (webhook === 'mutate') {
      const { patch } = mutate(info, ns, policy, ctx.cluster)
      const encoded = patch.length === 0 ? '' : Buffer.from(JSON.stringify(patch)).toString('base64')
      if (key) {
        const kept: KeptAnswer = { namespace: parsed.namespace, namespaceLabels: JSON.stringify(ns.labels), tenant, patch: encoded }
        ctx.patches.remember(key, uid, policy, kept)
      }
      return mutation(uid, encoded, tenant)
    }
    // Cache, then live: objects the judgement names that the cache lacks are read before it stands.
    const result = await new ResolvingLookup(ctx.cluster).settle((lookup) => validate(info, ns, policy, lookup))
    return judged(uid, result, tenant)
  })
}

/** `decide()`, or on an internal error: mutate fails open (allow unpatched), validate fails closed. */
async function guarded(ctx: ReviewContext, webhook: Webhook, parsed: ParsedReview, tenant: string | undefined, decide: () => Outcome | Promise<Outcome>): Promise<Outcome> {
  const { uid } = parsed
  try {
    return await decide()
  } catch (err) {
    ctx.logger.error({ err, uid, webhook, namespace: parsed.namespace, kind: parsed.kind }, 'pipeline failed')
    if (webhook === 'mutate') return { response: { uid, allowed: true }, decision: 'error', tenant, rules: [] }
    const message = `store-admission could not judge this ${parsed.kind} (internal error: ${err instanceof Error ? err.message : String(err)}); denied because validation fails closed`
    return { response: { uid, allowed: false, status: { code: 500, message } }, decision: 'error', tenant, rules: [] }
  }
}

function judged(uid: string, result: ValidationResult, tenant: string | undefined): Outcome {
  const response: AdmissionResponse = { uid, allowed: result.allowed }
  if (result.warnings.length > 0) response.warnings = result.warnings.map(formatWarning)
  if (!result.allowed) response.status = { code: 403, message: formatDenial(result.violations) }
  const rules = [...result.violations, ...result.warnings].map((v) => v.rule)
  const decision: Decision = !result.allowed ? 'deny' : result.warnings.length > 0 ? 'warn' : 'allow'
  return { response, decision, tenant, rules }
}
