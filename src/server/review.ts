// One admission decision: the namespace lookup, the pipeline call, and how each webhook fails
// (mutate fails open: allow unpatched; validate fails closed: deny).
import type { Logger } from 'pino'
import { actsOn, formatDenial, formatWarnings, isNamespaceReview, isStoreNamespace, labels, mutate, validate } from '../pipeline/index.js'
import type { RuleId, ValidationResult, Webhook } from '../pipeline/types.js'
import type { Policy } from '../policy/index.js'
import { ResolvingLookup } from '../cluster/lookup.js'
import type { ClusterView } from '../cluster/types.js'
import type { AdmissionResponse, ParsedReview } from './admission.js'

export interface ReviewContext {
  policy(): Policy
  cluster: ClusterView
  /** The webhook's own namespace is never judged, so it can always restart itself. */
  ownNamespace: string
  logger: Logger
}

export type Decision = 'allow' | 'patch' | 'warn' | 'deny' | 'skip' | 'error'

export interface Outcome {
  response: AdmissionResponse
  decision: Decision
  tenant: string | undefined
  rules: RuleId[]
}

export async function review(webhook: Webhook, parsed: ParsedReview, ctx: ReviewContext): Promise<Outcome> {
  const { uid, info } = parsed
  const skip: Outcome = { response: { uid, allowed: true }, decision: 'skip', tenant: undefined, rules: [] }
  if (!info || parsed.namespace === ctx.ownNamespace) return skip

  // A Namespace is judged on its own labels: there is no namespace to look up (it may not exist yet).
  const ofNamespace = isNamespaceReview(webhook, info)
  const ns = ofNamespace ? undefined : await ctx.cluster.namespace(parsed.namespace)
  const policy = ctx.policy()
  // The webhook configurations select store namespaces only, so a namespace we cannot see (cache
  // not synced, API server unreachable) is one we must not wave through: validation fails closed.
  if (ns === undefined && webhook === 'validate' && !ofNamespace) {
    const message = `store-admission does not know namespace ${JSON.stringify(parsed.namespace)} yet (namespace cache not synced or API server unreachable); denied because validation fails closed`
    return { response: { uid, allowed: false, status: { code: 500, message } }, decision: 'error', tenant: undefined, rules: [] }
  }
  if (!actsOn(webhook, info, ns, policy)) return skip
  const tenant = info.object.metadata?.labels?.[labels.TENANT_LABEL] ?? ns?.labels[labels.TENANT_LABEL]

  try {
    if (webhook === 'mutate') {
      if (!isStoreNamespace(ns, policy)) return skip
      const { patch } = mutate(info, ns, policy, ctx.cluster)
      if (patch.length === 0) return { response: { uid, allowed: true }, decision: 'allow', tenant, rules: [] }
      const encoded = base64Json(patch)
      return { response: { uid, allowed: true, patchType: 'JSONPatch', patch: encoded }, decision: 'patch', tenant, rules: [] }
    }
    // Cache, then live: objects the judgement names that the cache lacks are read before it stands.
    const now = new Date()
    const result = await new ResolvingLookup(ctx.cluster).settle((lookup) => validate(info, ns, policy, lookup, now))
    return judged(uid, result, tenant)
  } catch (err) {
    ctx.logger.error({ err, uid, webhook, namespace: parsed.namespace, kind: parsed.kind }, 'pipeline failed')
    if (webhook === 'mutate') return { response: { uid, allowed: true }, decision: 'error', tenant, rules: [] }
    const message = `store-admission could not judge this ${parsed.kind} (internal error: ${err instanceof Error ? err.message : String(err)}); denied because validation fails closed`
    return { response: { uid, allowed: false, status: { code: 500, message } }, decision: 'error', tenant, rules: [] }
  }
}

/** Reused for every ordinary patch: encoding one allocates no buffer of its own. */
const patchBytes = Buffer.allocUnsafeSlow(64 * 1024)

/** `value` as base64 of its UTF-8 JSON. */
function base64Json(value: unknown): string {
  const json = JSON.stringify(value)
  // UTF-8 takes at most 3 bytes per UTF-16 code unit; a rare huge patch gets a buffer of its own.
  if (3 * json.length > patchBytes.length) return Buffer.from(json).toString('base64')
  return patchBytes.toString('base64', 0, patchBytes.write(json))
}

function judged(uid: string, result: ValidationResult, tenant: string | undefined): Outcome {
  const response: AdmissionResponse = { uid, allowed: result.allowed }
  if (result.warnings.length > 0) response.warnings = formatWarnings(result.warnings)
  if (!result.allowed) response.status = { code: 403, message: formatDenial(result.violations) }
  const rules = [...result.violations, ...result.warnings].map((v) => v.rule)
  const decision: Decision = !result.allowed ? 'deny' : result.warnings.length > 0 ? 'warn' : 'allow'
  return { response, decision, tenant, rules }
}
