import type { V1Pod } from '@kubernetes/client-node'
import type { Policy } from '../../policy/policy.js'
import type { PatchDraft } from '../patch.js'
import type { NamespaceInfo } from '../types.js'

export interface MutationContext {
  policy: Policy
  namespace: NamespaceInfo
  /** Shared-namespace mode: the pod names its own tenant. */
  shared: boolean
}

/** One mutation: writes what `draft.doc` (the pod as the mutations before it left it) lacks. */
export interface Mutation {
  id: string
  mutate(draft: PatchDraft<V1Pod>, ctx: MutationContext): void
}
