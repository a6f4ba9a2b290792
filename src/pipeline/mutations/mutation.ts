import type { V1Pod } from '@kubernetes/client-node'
import type { Operation } from 'fast-json-patch'
import type { Policy } from '../../policy/policy.js'
import type { NamespaceInfo } from '../types.js'

export interface MutationContext {
  policy: Policy
  namespace: NamespaceInfo
  /** Shared-namespace mode: the pod names its own tenant. */
  shared: boolean
}

/** One mutation: the operations it needs on `pod` (the draft as left by the mutations before it). */
export interface Mutation {
  id: string
  mutate(pod: V1Pod, ctx: MutationContext): Operation[]
}
