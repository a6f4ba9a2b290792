// The judgement of a cluster snapshot, shared by `store-admission audit` and the server's
// background audit. Pure: the snapshot, the policy and the clock come in, results go out.
// Pods are judged as stored, by every rule (CREATE semantics: what runs is what was stored);
// pod controllers as the pod their template becomes, exactly as the webhook judges them.
import type { KubernetesObject } from '@kubernetes/client-node'
import {
  expiredExceptions, isPodController, isStoreNamespace, RULES, validate, type RuleId, type Violation,
} from '../pipeline/index.js'
import type { Policy, PolicyException } from '../policy/index.js'
import type { ClusterSnapshot } from './snapshot.js'

export interface AuditedObject {
  apiVersion: string
  kind: string
  name: string
  namespace: string
  uid: string
  allowed: boolean
  violations: Violation[]
  warnings: Violation[]
  /** Rules judged (not `off`) that found nothing. */
  passed: RuleId[]
}

export interface AuditResult {
  /** Every store namespace of the snapshot, with or without objects. */
  storeNamespaces: string[]
  objects: AuditedObject[]
  /** Exceptions of the policy that have expired (ignored). */
  expired: PolicyException[]
}

/** Pods that ended run nothing: judged no more. */
const hasEnded = (o: KubernetesObject): boolean => {
  const phase = (o as { status?: { phase?: string } }).status?.phase
  return o.kind === 'Pod' && (phase === 'Succeeded' || phase === 'Failed')
}

/**
 * A ReplicaSet or Job whose controller (a Deployment or CronJob) is in the snapshot carries that
 * controller's template, already judged there; its pods are judged as Pods anyway.
 */
function ownedByListed(o: KubernetesObject, uids: ReadonlySet<string>): boolean {
  return (o.metadata?.ownerReferences ?? []).some((ref) => ref.controller === true && uids.has(ref.uid))
}

export function auditSnapshot(snapshot: ClusterSnapshot, policy: Policy, now: Date): AuditResult {
  const storeNamespaces = [...snapshot.namespaces.values()].filter((ns) => isStoreNamespace(ns, policy)).map((ns) => ns.name).sort()
  const stores = new Set(storeNamespaces)
  const uids = new Set(snapshot.objects.map((o) => o.metadata?.uid ?? ''))
  const enabled = RULES.map((r) => r.id).filter((id) => policy.rules[id] !== 'off')
  const objects: AuditedObject[] = []
  for (const object of snapshot.objects) {
    const kind = object.kind ?? ''
    const namespace = object.metadata?.namespace ?? ''
    if (!stores.has(namespace) || hasEnded(object) || (kind !== 'Pod' && !isPodController(kind))) continue
    if ((kind === 'ReplicaSet' || kind === 'Job') && ownedByListed(object, uids)) continue
    const ns = snapshot.namespaces.get(namespace)
    const result = validate({ operation: 'CREATE', kind, namespace, object }, ns, policy, snapshot.lookup, now)
    const found = new Set([...result.violations, ...result.warnings].map((v) => v.rule))
    objects.push({
      apiVersion: object.apiVersion ?? '',
      kind,
      name: object.metadata?.name ?? '',
      namespace,
      uid: object.metadata?.uid ?? '',
      allowed: result.allowed,
      violations: result.violations,
      warnings: result.warnings,
      passed: enabled.filter((id) => !found.has(id)),
    })
  }
  objects.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name))
  return { storeNamespaces, objects, expired: expiredExceptions(policy.exceptions, now) }
}
