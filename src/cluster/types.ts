// What the server needs to know about the cluster, whatever it comes from (a watch-backed cache
// or a static file): namespace labels, and the labels of objects a request names.
import type { LookupKind, NamespaceInfo, ResourceLookup } from '../pipeline/types.js'

export interface ClusterView extends ResourceLookup {
  /** Labels of a namespace; undefined when it does not exist or cannot be read. */
  namespace(name: string): Promise<NamespaceInfo | undefined>
  /** Labels of an object as the API server has them now (metadata only); undefined when it does not
   *  exist or cannot be read. `labelsOf` is what is cached, this is the truth. */
  fetchLabels(kind: LookupKind, namespace: string, name: string): Promise<Record<string, string> | undefined>
  /** True once every cache has completed its first list (gates /readyz). */
  synced(): boolean
  stop(): Promise<void>
}

/** The API path of each kind a lookup names: `<prefix>/namespaces/<ns>/<resource>/<name>`. */
export const LOOKUP_PATHS: Readonly<Record<LookupKind, { prefix: string; resource: string }>> = {
  PersistentVolumeClaim: { prefix: '/api/v1', resource: 'persistentvolumeclaims' },
  Secret: { prefix: '/api/v1', resource: 'secrets' },
  ConfigMap: { prefix: '/api/v1', resource: 'configmaps' },
  Service: { prefix: '/api/v1', resource: 'services' },
  Pod: { prefix: '/api/v1', resource: 'pods' },
  Deployment: { prefix: '/apis/apps/v1', resource: 'deployments' },
  ReplicaSet: { prefix: '/apis/apps/v1', resource: 'replicasets' },
  StatefulSet: { prefix: '/apis/apps/v1', resource: 'statefulsets' },
  DaemonSet: { prefix: '/apis/apps/v1', resource: 'daemonsets' },
  Job: { prefix: '/apis/batch/v1', resource: 'jobs' },
  CronJob: { prefix: '/apis/batch/v1', resource: 'cronjobs' },
}

export const isLookupKind = (kind: unknown): kind is LookupKind => typeof kind === 'string' && Object.hasOwn(LOOKUP_PATHS, kind)

export function objectPath(kind: LookupKind, namespace: string, name: string): string {
  const { prefix, resource } = LOOKUP_PATHS[kind]
  return `${prefix}/namespaces/${encodeURIComponent(namespace)}/${resource}/${encodeURIComponent(name)}`
}

export function metaKey(namespace: string, name: string): string {
  return `${namespace}/${name}`
}
