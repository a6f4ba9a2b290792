// What the server needs to know about the cluster, whatever it comes from (a watch-backed cache
// or a static file): namespace labels and the labels of objects a pod references.
import type { NamespaceInfo, ReferencedKind, ResourceLookup } from '../pipeline/types.js'

export interface ClusterView extends ResourceLookup {
  /** Labels of a namespace; undefined when it does not exist or cannot be read. */
  namespace(name: string): Promise<NamespaceInfo | undefined>
  /** True once every cache has completed its first list (gates /readyz). */
  synced(): boolean
  stop(): Promise<void>
}

export const REFERENCED_KINDS: readonly ReferencedKind[] = ['PersistentVolumeClaim', 'Secret', 'ConfigMap']

export function metaKey(namespace: string, name: string): string {
  return `${namespace}/${name}`
}
