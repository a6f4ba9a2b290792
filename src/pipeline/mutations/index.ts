// The mutations, in order. Each sees the pod as the ones before it left it.
import { containerResources } from './container-resources.js'
import { containerSecurity } from './container-security.js'
import { copyPublicFiles } from './copy-public-files.js'
import { metadata } from './metadata.js'
import type { Mutation } from './mutation.js'
import type { CopyPlan } from '../patch.js'
import { podSecurity } from './pod-security.js'
import { readOnlyRoot } from './read-only-root.js'
import { serviceAccountToken } from './service-account-token.js'
import { storefrontVolumes } from './storefront.js'

export type { Mutation, MutationContext } from './mutation.js'
export { COPY_PUBLIC_FILES_SCRIPT } from './copy-public-files.js'

export const MUTATIONS: readonly Mutation[] = [
  serviceAccountToken, // removals first: later mutations' indexes are computed after them
  metadata,
  podSecurity,
  storefrontVolumes,
  copyPublicFiles, // before the container mutations, so the injected container gets them too
  containerSecurity,
  containerResources,
  readOnlyRoot,
]

const CONTAINER_WRITES: CopyPlan = { securityContext: true, resources: true, volumeMounts: [] }

/**
 * What of a pod the mutations write into, and so what a draft copies: the rest of the pod
 * (managedFields, env, probes, ...) is shared with the input. A mutation that writes elsewhere
 * throws (a draft refuses a write outside its copy): extend this plan with it.
 */
export const MUTATION_WRITES: CopyPlan = {
  metadata: { labels: true, annotations: true },
  spec: { securityContext: true, volumes: [], initContainers: [CONTAINER_WRITES], containers: [CONTAINER_WRITES] },
}
