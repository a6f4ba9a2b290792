// tenant-selector: in a shared namespace, a NetworkPolicy, Service or PodDisruptionBudget acts on
// the pods its selector picks (opens ingress to them, receives their traffic, blocks their
// eviction), so it must pick only pods of its own tenant. Which tenant it is, tenant-identity binds
// to the requester; this rule binds the selector to that tenant.
//
// Kinds: NetworkPolicy (networking.k8s.io/v1), Service (v1), PodDisruptionBudget (policy/v1);
//   CREATE and UPDATE; only in namespaces labelled store.platform.io/shared=true.
// Fields: metadata.labels[store.platform.io/tenant] (required, non-empty: the object's tenant T);
//   NetworkPolicy spec.podSelector, PodDisruptionBudget spec.selector, Service spec.selector.
// Allowed: a label selector pinned to T: matchLabels[store.platform.io/tenant] = T, or a
//   matchExpressions entry {key: store.platform.io/tenant, operator: In, values: [T]} (T only); a
//   Service selector that includes store.platform.io/tenant: T. A Service without a selector (or
//   with an empty one) and a PodDisruptionBudget without one select no pods: allowed. An empty
//   podSelector or PDB selector ({}) selects every pod of the namespace: denied.
//   Platform admins (policy.platformAdmins): anything (a namespace-wide default-deny is theirs).
//   Trusted controllers (policy.trustedControllers): an update that keeps the tenant label and the
//   selector (finalizers, owner references).
import type { KubernetesObject, V1LabelSelector, V1NetworkPolicy, V1PodDisruptionBudget, V1Service } from '@kubernetes/client-node'
import { isDeepStrictEqual } from 'node:util'
import { TENANT_LABEL } from '../labels.js'
import { tenantOf } from '../pod.js'
import { isRecord } from '../shape.js'
import { isPlatformAdmin, isTrustedController } from './identity.js'
import type { RequestRule, RequestView } from './rule.js'

/** What a kind selects pods with: a label selector, or a Service's plain map. */
type Selector = { path: string; labelSelector: V1LabelSelector | undefined } | { path: string; map: Record<string, string> | undefined }

function selectorOf(object: KubernetesObject, kind: string): Selector | undefined {
  switch (kind) {
    // podSelector is required; a missing one decodes as {}, every pod.
    case 'NetworkPolicy': return { path: 'spec.podSelector', labelSelector: (object as V1NetworkPolicy).spec?.podSelector ?? {} }
    case 'PodDisruptionBudget': return { path: 'spec.selector', labelSelector: (object as V1PodDisruptionBudget).spec?.selector }
    case 'Service': return { path: 'spec.selector', map: (object as V1Service).spec?.selector }
    default: return undefined
  }
}

/** The value sets a label selector restricts the tenant label to (each must hold: they are ANDed). */
function tenantRequirements(selector: V1LabelSelector): unknown[][] {
  const required: unknown[][] = []
  const matched = isRecord(selector.matchLabels) ? selector.matchLabels[TENANT_LABEL] : undefined
  if (matched !== undefined) required.push([matched])
  for (const e of Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []) {
    if (isRecord(e) && e.key === TENANT_LABEL && e.operator === 'In' && Array.isArray(e.values)) required.push(e.values)
  }
  return required
}

const isEmptySelector = (selector: V1LabelSelector): boolean =>
  !(isRecord(selector.matchLabels) && Object.keys(selector.matchLabels).length > 0) &&
  !(Array.isArray(selector.matchExpressions) && selector.matchExpressions.length > 0)

/** Why a label selector may pick pods outside `tenant`; undefined when it cannot. */
function labelSelectorProblem(selector: V1LabelSelector | undefined, tenant: string): string | undefined {
  if (!isRecord(selector)) return undefined
  const fix = `pin it with matchLabels {${TENANT_LABEL}: ${tenant}}`
  if (isEmptySelector(selector)) return `is empty, so it selects every pod in the namespace, of every tenant: ${fix}`
  const required = tenantRequirements(selector)
  if (required.some((values) => values.length > 0 && values.every((v) => v === tenant))) return undefined
  const others = [...new Set(required.flat().filter((v) => v !== tenant))].map((v) => JSON.stringify(v)).join(', ')
  if (others === '') return `does not pin ${TENANT_LABEL}, so it can select other tenants' pods: ${fix}`
  return `lets ${TENANT_LABEL} be ${others}, not only its own tenant "${tenant}": ${fix}`
}

/** Why a Service selector may pick pods outside `tenant`; undefined when it cannot. */
function serviceSelectorProblem(selector: Record<string, string> | undefined, tenant: string): string | undefined {
  if (!isRecord(selector) || Object.keys(selector).length === 0) return undefined
  const fix = `make it select ${TENANT_LABEL}: ${tenant}`
  const selected = selector[TENANT_LABEL]
  if (selected === undefined) return `does not include ${TENANT_LABEL}, so other tenants' pods can become its endpoints: ${fix}`
  if (selected !== tenant) return `selects pods of tenant ${JSON.stringify(selected)}, not of its own tenant "${tenant}": ${fix}`
  return undefined
}

/** A controller's update that changes neither the tenant nor what is selected: it maintains. */
function isUpkeep({ request }: RequestView, selector: Selector): boolean {
  if (request.operation !== 'UPDATE' || request.oldObject === undefined) return false
  const before = selectorOf(request.oldObject, request.kind)
  return tenantOf(request.object) === tenantOf(request.oldObject) && isDeepStrictEqual(selector, before)
}

export const tenantSelector: RequestRule = {
  id: 'tenant-selector',
  appliesOnUpdate: true,
  summary: "in a shared namespace, a NetworkPolicy's, Service's or PodDisruptionBudget's selector picks only its own tenant's pods",
  check(view) {
    const { request, requester, shared, policy } = view
    const selector = shared ? selectorOf(request.object, request.kind) : undefined
    if (selector === undefined || isPlatformAdmin(requester, policy)) return []
    if (isTrustedController(requester, policy) && isUpkeep(view, selector)) return []
    const tenant = tenantOf(request.object)
    if (!tenant) {
      return [{
        path: `metadata.labels[${TENANT_LABEL}]`,
        reason: `a ${request.kind} in a shared namespace must carry its tenant's label, and its selector must pin that tenant`,
      }]
    }
    const problem = 'map' in selector ? serviceSelectorProblem(selector.map, tenant) : labelSelectorProblem(selector.labelSelector, tenant)
    return problem === undefined ? [] : [{ path: selector.path, reason: `${problem} (the ${request.kind} carries tenant "${tenant}")` }]
  },
}
