// Shared by `check` and `mutate`: where each object stands (which namespace, judged or not, under
// which policy), then the pipeline's verdict on it.
import type { KubernetesObject } from '@kubernetes/client-node'
import {
  isPodController, isStoreNamespace, labels as LABELS, validateAsCreated,
  type NamespaceInfo, type RuleId,
} from '../pipeline/index.js'
import type { Policy } from '../policy/index.js'
import type { JudgedObject } from './formats/index.js'
import type { Input, InputObject } from './input.js'
import type { CliIO } from './io.js'

/** The rules that need to know the namespace's tenant. */
export const TENANT_RULES: readonly RuleId[] = [
  'tenant-mismatch', 'tenant-missing', 'cross-tenant-reference', 'tenant-identity', 'tenant-selector', 'namespace-tenant',
]

/**
 * Objects the pipeline judges: Pods and pod controllers. (`kind in {}` keeps names such as
 * `constructor` away from the pipeline's lookup table, a plain object.)
 */
export const isJudged = (object: KubernetesObject): boolean => {
  const kind = object.kind ?? ''
  return kind === 'Pod' || (!(kind in {}) && isPodController(kind))
}

export const objectName = (o: KubernetesObject): string => o.metadata?.name ?? o.metadata?.generateName ?? ''

/** Judged in `ns` under `policy`, or passed unjudged (a namespace the input shows is not a store's). */
export type Placement = { ns: NamespaceInfo; policy: Policy } | undefined

/**
 * Where each object stands. A CI check never passes by judging nothing: a namespace the input does
 * not describe counts as a store namespace, judged by every rule but the tenant ones. It is
 * treated as shared, where each pod names its own tenant, so mutation invents none.
 */
export function placement(input: Input, defaultNamespace: string, io: CliIO): (object: KubernetesObject) => Placement {
  const undescribedPolicy: Policy = {
    ...input.policy,
    rules: { ...input.policy.rules, ...Object.fromEntries(TENANT_RULES.map((id) => [id, 'off'])) },
  }
  const noted = new Set<string>()
  const note = (name: string, text: string): void => {
    if (noted.has(name)) return
    noted.add(name)
    io.stderr(`note: namespace ${name} ${text}\n`)
  }
  const cache = new Map<string, Placement>()
  const place = (name: string): Placement => {
    const described = input.namespaceLabels.get(name)
    const labels: Record<string, string> = { ...described, ...input.extraLabels }
    const ns: NamespaceInfo = { name, labels }
    if (isStoreNamespace(ns, input.policy)) return { ns, policy: input.policy }
    if (described !== undefined || input.policy.excludedNamespaces.includes(name)) {
      note(name, `is not a store namespace (${described !== undefined ? `its Namespace document has no ${LABELS.TENANT_LABEL} label` : 'the policy excludes it'}): its objects pass unjudged`)
      return undefined
    }
    note(name, `is not described by the input (no Namespace document, no ${LABELS.TENANT_LABEL} in --namespace-labels): ` +
      `its objects are judged as in a store namespace by every rule but ${TENANT_RULES.join(', ')}, which need its tenant`)
    return { ns: { name, labels: { ...labels, [LABELS.TENANT_LABEL]: '', [LABELS.SHARED_LABEL]: 'true' } }, policy: undescribedPolicy }
  }
  return (object) => {
    const name = object.metadata?.namespace || defaultNamespace
    if (!cache.has(name)) cache.set(name, place(name))
    return cache.get(name)
  }
}

/** Every Pod and pod controller of the input with the pipeline's verdict. */
export function judgeAll(input: Input, defaultNamespace: string, io: CliIO): JudgedObject[] {
  const placeOf = placement(input, defaultNamespace, io)
  const now = new Date()
  return input.objects.filter((o) => isJudged(o.object)).map(({ object, location }: InputObject): JudgedObject => {
    const kind = object.kind ?? ''
    const place = placeOf(object)
    const namespace = place?.ns.name ?? (object.metadata?.namespace || defaultNamespace)
    const { allowed, violations, warnings } = place
      ? validateAsCreated({ operation: 'CREATE', kind, namespace, object }, place.ns, place.policy, input.lookup, now)
      : { allowed: true, violations: [], warnings: [] }
    return { kind, name: objectName(object), namespace, allowed, violations, warnings, location }
  })
}
