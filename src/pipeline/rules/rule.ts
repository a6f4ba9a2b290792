import type { V1Pod, V1PodSpec } from '@kubernetes/client-node'
import type { Policy } from '../../policy/policy.js'
import type { ContainerRef } from '../pod.js'
import type { NamespaceInfo, ResourceLookup, RuleId } from '../types.js'

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
