import type { V1Pod, V1PodSpec } from '@kubernetes/client-node'
import type { Policy } from '../../policy/policy.js'
import type { ContainerRef } from '../pod.js'
import type { AdmissionRequestInfo, NamespaceInfo, ResourceLookup, RuleId } from '../types.js'

/** Everything a rule may look at: the pod as it stands, and where it is. */
export interface PodView {
  pod: V1Pod
  spec: V1PodSpec
  containers: ContainerRef[]
  namespace: NamespaceInfo
  shared: boolean
  policy: Policy
  lookup: ResourceLookup
}

export interface Finding {
  /** Field path relative to the pod, e.g. `spec.containers[nginx].securityContext.privileged`. */
  path: string
  reason: string
}

export interface Rule {
  id: RuleId
  /** Judged on a Pod UPDATE too; most of a pod's spec is immutable, so most rules are not. */
  appliesOnUpdate: boolean
  /** What the rule requires, in one line (for docs and `--help`). */
  summary: string
  check(view: PodView): Finding[]
}

/** Who asked, from the review's userInfo. */
export interface Requester {
  username: string
  groups: string[]
}

/** Everything a rule that judges the request itself (who asks for what) may look at. */
export interface RequestView {
  request: AdmissionRequestInfo
  requester: Requester
  /** The namespace the object is in; undefined for cluster-scoped objects (Namespaces). */
  namespace: NamespaceInfo | undefined
  shared: boolean
  policy: Policy
  lookup: ResourceLookup
}

/** A rule on the request rather than on a pod: any kind, judged on CREATE and (if it says so) UPDATE,
 *  online only. */
export interface RequestRule extends Omit<Rule, 'check'> {
  check(view: RequestView): Finding[]
}
