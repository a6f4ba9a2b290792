// tenant-identity: in a shared namespace, an object that carries tenant T (or carried it before
// this update) is created or changed only by someone who acts for T. A label says which tenant an
// object belongs to; only the requester's identity may decide it.
//
// Kinds: Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, PersistentVolumeClaim,
//   Secret, ConfigMap, NetworkPolicy, Service, PodDisruptionBudget (whose selectors tenant-selector
//   pins to the tenant they carry), Ingress (whose Services and TLS Secrets cross-tenant-reference
//   holds to its tenant); CREATE and UPDATE; only in namespaces labelled store.platform.io/shared=true.
// Fields: store.platform.io/tenant in metadata.labels and wherever the object hands it down: the pod
//   template's labels (a CronJob's job template too), a StatefulSet's volumeClaimTemplates[*].
//   An empty value claims nothing.
// Allowed: tenants the requester acts for (policy.tenants users / groups / serviceAccounts, or a
//   platform admin). A trusted controller (policy.trustedControllers) may carry the tenant of the
//   object's controller owner (ownerReferences controller: true, same namespace, exists, carries
//   that tenant), or, for a PVC it names <template>-<statefulset>-<ordinal>, of that StatefulSet;
//   and may update an object keeping its tenants and its owner (scaling, binding, adoption).
import type { KubernetesObject, V1CronJob, V1OwnerReference, V1StatefulSet } from '@kubernetes/client-node'
import { TENANT_LABEL } from '../labels.js'
import { isPodController, templateOf, templatePath } from '../templates.js'
import type { OwnerKind } from '../types.js'
import { actsFor, describeRequester, isTrustedController } from './identity.js'
import type { Finding, RequestRule, RequestView } from './rule.js'

const JUDGED_KINDS = new Set(['Pod', 'PersistentVolumeClaim', 'Secret', 'ConfigMap', 'NetworkPolicy', 'Service', 'PodDisruptionBudget', 'Ingress'])

/** The apiVersion an owner of each kind has; an ownerReference of another kind owns nothing here. */
const OWNER_API_VERSIONS: Record<OwnerKind, string> = {
  Deployment: 'apps/v1', ReplicaSet: 'apps/v1', StatefulSet: 'apps/v1', DaemonSet: 'apps/v1', Job: 'batch/v1', CronJob: 'batch/v1', Pod: 'v1',
}

interface Claim {
  tenant: string
  path: string
}

const at = (prefix: string): string => `${prefix}metadata.labels[${TENANT_LABEL}]`

function claimAt(labels: Record<string, string> | undefined, prefix: string): Claim[] {
  const tenant = labels?.[TENANT_LABEL]
  return tenant ? [{ tenant, path: at(prefix) }] : []
}

/** Every tenant label the object carries or hands down to what its controller creates. */
function claimsOf(object: KubernetesObject, kind: string): Claim[] {
  const claims = claimAt(object.metadata?.labels, '')
  if (!isPodController(kind)) return claims
  claims.push(...claimAt(templateOf(object, kind)?.metadata?.labels, `${templatePath(kind) ?? ''}.`))
  if (kind === 'CronJob') claims.push(...claimAt((object as V1CronJob).spec?.jobTemplate?.metadata?.labels, 'spec.jobTemplate.'))
  if (kind === 'StatefulSet') {
    for (const t of (object as V1StatefulSet).spec?.volumeClaimTemplates ?? []) {
      claims.push(...claimAt(t.metadata?.labels, `spec.volumeClaimTemplates[${t.metadata?.name ?? ''}].`))
    }
  }
  return claims
}

const controllerOf = (object: KubernetesObject | undefined): V1OwnerReference | undefined =>
  object?.metadata?.ownerReferences?.find((r) => r.controller === true)

const sameClaims = (a: Claim[], b: Claim[]): boolean =>
  a.length === b.length && a.every((c, i) => c.tenant === b[i]?.tenant && c.path === b[i]?.path)

/** A controller's update that keeps the tenants and the owner: it maintains, it does not claim. */
function isUpkeep({ request }: RequestView, claims: Claim[], before: Claim[]): boolean {
  if (request.operation !== 'UPDATE' || !sameClaims(claims, before)) return false
  const owner = controllerOf(request.object)
  return owner === undefined || owner.uid === controllerOf(request.oldObject)?.uid
}

function carried(labels: Record<string, string>): string {
  const tenant = labels[TENANT_LABEL]
  return tenant ? `carries tenant "${tenant}"` : 'carries no tenant label'
}

/** The StatefulSets whose claim a PVC named <template>-<statefulset>-<ordinal> could be. */
function statefulSetsNaming(claim: string): string[] {
  const m = /^(.+)-\d+$/.exec(claim)
  if (!m?.[1]) return []
  const parts = m[1].split('-')
  return parts.slice(1).map((_, i) => parts.slice(i + 1).join('-'))
}

/** Why a trusted controller may not make this object carry `tenant`; undefined when it may. */
function ownerProblem({ request, namespace, lookup }: RequestView, tenant: string): string | undefined {
  const ns = namespace?.name ?? request.namespace
  const ref = controllerOf(request.object)
  if (ref) {
    if (!Object.hasOwn(OWNER_API_VERSIONS, ref.kind) || OWNER_API_VERSIONS[ref.kind as OwnerKind] !== ref.apiVersion) {
      return `its controller owner ${ref.apiVersion} ${ref.kind}/${ref.name} is not a pod controller or Pod`
    }
    const labels = lookup.labelsOf(ref.kind as OwnerKind, ns, ref.name)
    if (labels === undefined) return `its controller owner ${ref.kind}/${ref.name} does not exist in namespace ${ns}`
    return labels[TENANT_LABEL] === tenant ? undefined : `its controller owner ${ref.kind}/${ref.name} ${carried(labels)}`
  }
  if (request.kind === 'PersistentVolumeClaim') {
    const name = request.object.metadata?.name ?? ''
    const owners = statefulSetsNaming(name).filter((set) => lookup.labelsOf('StatefulSet', ns, set)?.[TENANT_LABEL] === tenant)
    if (owners.length > 0) return undefined
    return `no StatefulSet of tenant "${tenant}" in namespace ${ns} has a claim named ${name}`
  }
  return 'it has no controller owner (ownerReferences with controller: true)'
}

export const tenantIdentity: RequestRule = {
  id: 'tenant-identity',
  appliesOnUpdate: true,
  summary: 'in a shared namespace, only those who act for a tenant may create, change or relabel its objects',
  check(view) {
    const { request, requester, shared, policy } = view
    if (!shared || !(JUDGED_KINDS.has(request.kind) || isPodController(request.kind))) return []
    const claims = claimsOf(request.object, request.kind)
    const before = request.operation === 'UPDATE' && request.oldObject ? claimsOf(request.oldObject, request.kind) : []
    const trusted = isTrustedController(requester, policy)
    if (trusted && isUpkeep(view, claims, before)) return []
    const who = describeRequester(requester)
    const tenants = new Set([...claims, ...before].map((c) => c.tenant))
    return [...tenants].flatMap((tenant): Finding[] => {
      if (actsFor(requester, tenant, policy)) return []
      const problem = trusted ? ownerProblem(view, tenant) : undefined
      if (trusted && problem === undefined) return []
      const claim = claims.find((c) => c.tenant === tenant)
      const path = (claim ?? before.find((c) => c.tenant === tenant))?.path ?? at('')
      const taken = claim === undefined ? ' (this update takes it away)' : ''
      const reason = trusted
        ? `${who} is a trusted controller, but may carry tenant "${tenant}" only for an owner of that tenant: ${problem ?? ''}`
        : `${who} does not act for tenant "${tenant}"${taken}`
      return [{ path, reason }]
    })
  },
}
