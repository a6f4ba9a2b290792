// The mutations, in order. Each sees the pod as the ones before it left it.
import { containerResources } from './container-resources.js'
import { containerSecurity } from './container-security.js'
import { copyPublicFiles } from './copy-public-files.js'
import { metadata } from './metadata.js'
import type { Mutation } from './mutation.js'
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
