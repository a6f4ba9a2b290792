// The admission pipeline: pure and synchronous. The server and the CLI both call these.
import type { V1Pod } from '@kubernetes/client-node'
import type { Operation } from 'fast-json-patch'
import type { Policy } from '../policy/policy.js'
import { exceptionFor, exceptionWarning, type ExceptionSubject } from './exceptions.js'
import { MUTATED_BY_ANNOTATION, SHARED_LABEL, TENANT_LABEL } from './labels.js'
import { MUTATED_BY } from '../version.js'
import { MUTATIONS, MUTATION_WRITES, type MutationContext } from './mutations/index.js'
import { PatchDraft } from './patch.js'
import { allContainersOf, containerPath, containersOf, isMirrorPod } from './pod.js'
import { requesterOf } from './rules/identity.js'
import { REQUEST_RULES, RULES, type Finding, type PodView } from './rules/index.js'
import { podShapeProblem } from './shape.js'
import { podOfTemplate, templateOf, templatePath } from './templates.js'
import type {
  AdmissionRequestInfo, MutationResult, NamespaceInfo, ResourceLookup, RuleId, ValidationResult, Violation, Webhook,
} from './types.js'

export * from './types.js'
export { COPY_PUBLIC_FILES_SCRIPT } from './mutations/index.js'
export { REQUEST_RULES, RULES } from './rules/index.js'
export { hasPlatformAdmins } from './rules/identity.js'
export { isPodController, templateOf, templatePath, withTemplatePod } from './templates.js'
export { objectShapeProblem } from './shape.js'
export * as labels from './labels.js'
export { describeException, expiredExceptions, globMatches } from './exceptions.js'

const ALLOW: ValidationResult = Object.freeze({ allowed: true, violations: [], warnings: [] })
const EPHEMERAL_CONTAINERS = 'ephemeralcontainers'

/** A namespace the webhooks act in: tenant label present, not excluded by the policy. */
export function isStoreNamespace(ns: NamespaceInfo | undefined, policy: Policy): ns is NamespaceInfo {
  return ns !== undefined && Object.hasOwn(ns.labels, TENANT_LABEL) && !policy.excludedNamespaces.includes(ns.name)
}

/** A Namespace is judged on its own labels (namespace-tenant), not as an object in a namespace. */
export const isNamespaceReview = (webhook: Webhook, req: AdmissionRequestInfo): boolean => webhook === 'validate' && req.kind === 'Namespace'

/**
 * Whether a webhook acts on a request at all (the one place that decides): /mutate on Pod CREATEs,
 * /validate on CREATEs and UPDATEs, both in store namespaces only, and /validate on Namespaces
 * wherever. The server logs the rest as skipped.
 */
export function actsOn(webhook: Webhook, req: AdmissionRequestInfo, ns: NamespaceInfo | undefined, policy: Policy): boolean {
  if (isNamespaceReview(webhook, req)) return req.operation === 'CREATE' || req.operation === 'UPDATE'
  if (!isStoreNamespace(ns, policy)) return false
  if (webhook === 'mutate') return req.kind === 'Pod' && req.operation === 'CREATE'
  return req.operation === 'CREATE' || req.operation === 'UPDATE'
}

const isShared = (ns: NamespaceInfo): boolean => ns.labels[SHARED_LABEL] === 'true'

/** Malformed pods are left alone: a patch built on them might not apply. */
const isWellShaped = (pod: V1Pod): boolean => pod.spec !== undefined && podShapeProblem(pod) === undefined

/** The pod after every mutation, with the operations that made it; undefined for mirror pods, left
 *  alone. The pod must be well-shaped (callers check it once). */
function runMutations(pod: V1Pod, ns: NamespaceInfo, policy: Policy): PatchDraft<V1Pod> | undefined {
  if (isMirrorPod(pod)) return undefined
  const ctx: MutationContext = { policy, namespace: ns, shared: isShared(ns) }
  const draft = new PatchDraft(pod, MUTATION_WRITES)
  for (const mutation of MUTATIONS) mutation.mutate(draft, ctx)
  // Only a pod something changed is stamped: a pod that already conforms (the chart's) gets an
  // empty patch, so the API server skips its patch path (decode, apply, managedFields again).
  if (draft.ops.length > 0) draft.ensureFields(draft.doc, '', { metadata: { annotations: { [MUTATED_BY_ANNOTATION]: MUTATED_BY } } })
  return draft
}

/** The operations that make a pod in `ns` conform; empty when it already does. */
function mutatePod(pod: V1Pod, ns: NamespaceInfo, policy: Policy): Operation[] {
  return (isWellShaped(pod) ? runMutations(pod, ns, policy)?.ops : undefined) ?? []
}

/** A well-shaped pod as mutated, or itself when left alone; never written to afterwards. */
const mutatedPod = (pod: V1Pod, ns: NamespaceInfo, policy: Policy): V1Pod => runMutations(pod, ns, policy)?.doc ?? pod

/** `POST /mutate`: Pods on CREATE in store namespaces. */
export function mutate(req: AdmissionRequestInfo, ns: NamespaceInfo | undefined, policy: Policy, _lookup: ResourceLookup): MutationResult {
  if (!actsOn('mutate', req, ns, policy) || !isStoreNamespace(ns, policy)) return { patch: [] }
  return { patch: mutatePod(req.object, ns, policy) }
}

/** The pod of a Pod or a controller's template; undefined for other kinds. It shares the object's values. */
function podOf(req: AdmissionRequestInfo): V1Pod | undefined {
  if (req.kind === 'Pod') return req.object as V1Pod
  const template = templateOf(req.object, req.kind)
  return template ? podOfTemplate(template) : undefined
}

/**
 * The pod an object would become once mutated: a Pod, or a controller's template; else undefined.
 * A pod left alone (malformed, a mirror pod, outside a store namespace) is returned as it is:
 * read it, do not write to it.
 */
export function podAfterMutation(req: AdmissionRequestInfo, ns: NamespaceInfo | undefined, policy: Policy): V1Pod | undefined {
  const pod = podOf(req)
  if (!pod || !isStoreNamespace(ns, policy) || !isWellShaped(pod)) return pod
  return mutatedPod(pod, ns, policy)
}

function isExempt(req: AdmissionRequestInfo, policy: Policy): boolean {
  const user = req.userInfo?.username
  if (user === undefined) return false
  return policy.exempt.usernames.includes(user) ||
    policy.exempt.serviceAccounts.some((sa) => user === `system:serviceaccount:${sa}`)
}

/**
 * A mirror pod a kubelet created for a static pod. Anyone can set the annotation, so it exempts
 * nothing unless the request comes from a node; a pod template is never one.
 */
const isNodeMirrorPod = (req: AdmissionRequestInfo): boolean =>
  isMirrorPod(req.object) && (req.userInfo?.username ?? '').startsWith('system:node:')

/** Who is judged and when, for the policy's exceptions; without a clock no exception applies. */
interface Excepting {
  subject: ExceptionSubject
  now: Date | undefined
}

const NO_EXCEPTIONS: Excepting = { subject: { namespace: '', kind: '', name: '' }, now: undefined }

function exceptingOf(req: AdmissionRequestInfo, ns: NamespaceInfo, now: Date | undefined): Excepting {
  const meta = req.object.metadata
  return { subject: { namespace: ns.name, kind: req.kind, name: meta?.name || meta?.generateName || '' }, now }
}

/**
 * Violations and warnings of one rule's findings, by the rule's enforcement; none when it is off.
 * A denial an unexpired policy exception covers is a warning carrying that exception.
 */
function enforce(id: RuleId, findings: Finding[], prefix: string, policy: Policy, into: { violations: Violation[]; warnings: Violation[] }, excepting: Excepting): void {
  const enforcement = policy.rules[id]
  if (enforcement === 'off' || findings.length === 0) return
  const found: Violation[] = findings.map((f) => ({ rule: id, path: prefix + f.path, message: f.reason }))
  const exception = enforcement === 'deny' && excepting.now ? exceptionFor(policy.exceptions, excepting.subject, id, excepting.now) : undefined
  if (exception) into.warnings.push(...found.map((v) => ({ ...v, exception })))
  else (enforcement === 'warn' ? into.warnings : into.violations).push(...found)
}

const result = (violations: Violation[], warnings: Violation[]): ValidationResult => ({ allowed: violations.length === 0, violations, warnings })

/**
 * Judges who asks for what (tenant-identity, tenant-selector, namespace-tenant) and what an Ingress
 * or HTTPRoute names (cross-tenant-reference); nothing offline, where no one asks.
 * Paths start at the object for every kind but Pod, as a template's do.
 */
function judgeRequest(req: AdmissionRequestInfo, ns: NamespaceInfo | undefined, policy: Policy, lookup: ResourceLookup, now: Date | undefined): ValidationResult {
  const requester = requesterOf(req)
  if (requester === undefined) return ALLOW
  const view = { request: req, requester, namespace: ns, shared: ns !== undefined && isShared(ns), policy, lookup }
  const prefix = req.kind === 'Pod' ? '' : `${req.kind}/${req.object.metadata?.name ?? ''}: `
  const found = { violations: [] as Violation[], warnings: [] as Violation[] }
  for (const rule of REQUEST_RULES) {
    // Off: not run at all, so it reads nothing live either.
    if (policy.rules[rule.id] === 'off' || (req.operation === 'UPDATE' && !rule.appliesOnUpdate)) continue
    enforce(rule.id, rule.check(view), prefix, policy, found, ns ? exceptingOf(req, ns, now) : NO_EXCEPTIONS)
  }
  return result(found.violations, found.warnings)
}

const merge = (a: ValidationResult, b: ValidationResult): ValidationResult =>
  a === ALLOW ? b : b === ALLOW ? a : result([...a.violations, ...b.violations], [...a.warnings, ...b.warnings])

/** A lookup that cannot tell a missing object from one outside the input: a template's references
 *  are judged again when its pods are created, and may be created after it. */
const notExhaustive = (lookup: ResourceLookup): ResourceLookup => ({ labelsOf: (kind, namespace, name) => lookup.labelsOf(kind, namespace, name) })

/**
 * Judges a well-shaped pod (its caller checks) with the rules (all, or the UPDATE subset); `prefix`
 * is put before every path.
 * Debug containers are judged with all rules only: no pod update can change them.
 * A denial an unexpired policy exception covers is a warning carrying that exception.
 */
function judge(pod: V1Pod, ns: NamespaceInfo, policy: Policy, lookup: ResourceLookup, onlyUpdateRules: boolean, prefix: string, excepting: Excepting): ValidationResult {
  if (!pod.spec) return ALLOW
  const containers = onlyUpdateRules ? containersOf(pod.spec) : allContainersOf(pod.spec)
  const view: PodView = { pod, spec: pod.spec, containers, namespace: ns, shared: isShared(ns), policy, lookup }
  const found = { violations: [] as Violation[], warnings: [] as Violation[] }
  for (const rule of RULES) {
    if (policy.rules[rule.id] === 'off' || (onlyUpdateRules && !rule.appliesOnUpdate)) continue
    enforce(rule.id, rule.check(view), prefix, policy, found, excepting)
  }
  return result(found.violations, found.warnings)
}

/** Throws for a pod the rules cannot read, naming the field; `prefix` is put before its path. */
function assertWellShaped(pod: V1Pod, prefix: string): void {
  const malformed = podShapeProblem(pod)
  if (malformed !== undefined) throw new Error(`cannot judge a malformed pod: ${prefix}${malformed}`)
}

/**
 * `POST /validate`. Who asks is judged first (a Namespace's labels anywhere; in a shared namespace
 * the tenant its objects carry). A Pod is judged as it is (on UPDATE only the tenant and image
 * rules, but by every rule when the update adds a debug container); a pod controller's template as
 * the pod it would become, with paths starting at the object.
 */
export function validate(req: AdmissionRequestInfo, ns: NamespaceInfo | undefined, policy: Policy, lookup: ResourceLookup, now?: Date): ValidationResult {
  return validateRequest(req, ns, policy, lookup, now, false)
}

/**
 * How the CLI judges anything: as the pod it would become once created (mutated, then validated),
 * a Pod as a controller's template is. Who asks is judged on the object as sent: offline no one
 * asks, and no mutation changes the tenant label a shared namespace's rules read.
 */
export function validateAsCreated(req: AdmissionRequestInfo, ns: NamespaceInfo | undefined, policy: Policy, lookup: ResourceLookup, now?: Date): ValidationResult {
  return validateRequest({ ...req, operation: 'CREATE' }, ns, policy, lookup, now, true)
}

function validateRequest(req: AdmissionRequestInfo, ns: NamespaceInfo | undefined, policy: Policy, lookup: ResourceLookup, now: Date | undefined, asCreated: boolean): ValidationResult {
  if (!actsOn('validate', req, ns, policy) || isExempt(req, policy)) return ALLOW
  if (isNamespaceReview('validate', req)) return judgeRequest(req, undefined, policy, lookup, now)
  if (!isStoreNamespace(ns, policy)) return ALLOW
  if (req.kind === 'Pod' && isNodeMirrorPod(req)) return ALLOW
  return merge(judgeRequest(req, ns, policy, lookup, now), judgePodOf(req, ns, policy, lookup, now, asCreated))
}

/** The pod of a Pod (mutated first when `asCreated`) or of a controller's template (always mutated
 *  first), judged; its shape is checked once, here. */
function judgePodOf(req: AdmissionRequestInfo, ns: NamespaceInfo, policy: Policy, lookup: ResourceLookup, now: Date | undefined, asCreated: boolean): ValidationResult {
  const pod = podOf(req)
  if (!pod?.spec) return ALLOW // not a Pod or pod controller, or nothing to judge
  const excepting = exceptingOf(req, ns, now)
  if (req.kind === 'Pod') {
    assertWellShaped(pod, '')
    if (req.operation === 'UPDATE' && req.subResource === EPHEMERAL_CONTAINERS) return judgeAddedDebugContainers(req, ns, policy, lookup, excepting)
    return judge(asCreated ? mutatedPod(pod, ns, policy) : pod, ns, policy, lookup, req.operation === 'UPDATE', '', excepting)
  }
  const prefix = `${req.kind}/${req.object.metadata?.name ?? ''}: ${templatePath(req.kind) ?? ''}.`
  assertWellShaped(pod, prefix)
  return judge(mutatedPod(pod, ns, policy), ns, policy, notExhaustive(lookup), false, prefix, excepting)
}

/**
 * Debug containers come through the ephemeralcontainers subresource, the one way to add a
 * container to a running pod, and nothing else of the pod can change there. They are judged by
 * every rule, and only what concerns the containers this request adds is reported: a pod admitted
 * under an older policy or an exemption can still be debugged.
 */
function judgeAddedDebugContainers(req: AdmissionRequestInfo, ns: NamespaceInfo, policy: Policy, lookup: ResourceLookup, excepting: Excepting): ValidationResult {
  const pod = req.object as V1Pod
  const old = req.oldObject as V1Pod | undefined
  const before = new Set((old?.spec?.ephemeralContainers ?? []).map((c) => c.name))
  const added = (pod.spec?.ephemeralContainers ?? []).filter((c) => !before.has(c.name)).map((c) => containerPath('ephemeralContainers', c.name))
  const concernsAdded = (v: Violation): boolean => added.some((path) => v.path === path || v.path.startsWith(`${path}.`))
  const result = judge(pod, ns, policy, lookup, false, '', excepting)
  const violations = result.violations.filter(concernsAdded)
  return { allowed: violations.length === 0, violations, warnings: result.warnings.filter(concernsAdded) }
}

export const formatViolation = (v: Violation): string => `${v.rule}: ${v.path}: ${v.message}`

/** The denial message: one line per violation, `<rule>: <path>: <reason>`. */
export function formatDenial(violations: Violation[]): string {
  return violations.map(formatViolation).join('\n')
}

/** One AdmissionResponse warning line, at most 120 characters. */
export function formatWarning(v: Violation): string {
  return warningLine(formatViolation(v))
}

function warningLine(text: string): string {
  const line = text.replace(/\s+/g, ' ')
  return line.length <= 120 ? line : `${line.slice(0, 117)}...`
}

/** The AdmissionResponse warnings: one per violation, then one naming each exception applied. */
export function formatWarnings(warnings: Violation[]): string[] {
  const named = new Set(warnings.flatMap((v) => (v.exception ? [warningLine(exceptionWarning(v.exception))] : [])))
  return [...warnings.map(formatWarning), ...named]
}
