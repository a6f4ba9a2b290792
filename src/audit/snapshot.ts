// What an audit judges, read from the cluster in one paginated list per kind: Pods and pod
// controllers in full; Namespaces, PVCs, Secrets and ConfigMaps as metadata only (their labels
// answer the pipeline's lookups, their data never leaves the API server). The webhook's own
// service account may not list PVCs, Secrets or ConfigMaps (least privilege): a kind it may not
// list is left out, and references to it are then not judged (the lookup does not claim to know).
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node'
import { ApiError, listAll, METADATA_OBJECT, METADATA_ONLY, requestJson } from '../cluster/api.js'
import type { NamespaceInfo, ReferencedKind, ResourceLookup } from '../pipeline/types.js'

export interface ClusterSnapshot {
  namespaces: ReadonlyMap<string, NamespaceInfo>
  /** Pods and pod controllers, each with its kind and apiVersion set. */
  objects: KubernetesObject[]
  lookup: ResourceLookup
}

interface Listed {
  kind: string
  apiVersion: string
  /** Collection path below /api/v1 or /apis/<group>/<version>, e.g. `pods`. */
  resource: string
}

const JUDGED: readonly Listed[] = [
  { kind: 'Pod', apiVersion: 'v1', resource: 'pods' },
  { kind: 'Deployment', apiVersion: 'apps/v1', resource: 'deployments' },
  { kind: 'StatefulSet', apiVersion: 'apps/v1', resource: 'statefulsets' },
  { kind: 'DaemonSet', apiVersion: 'apps/v1', resource: 'daemonsets' },
  { kind: 'ReplicaSet', apiVersion: 'apps/v1', resource: 'replicasets' },
  { kind: 'Job', apiVersion: 'batch/v1', resource: 'jobs' },
  { kind: 'CronJob', apiVersion: 'batch/v1', resource: 'cronjobs' },
]
const REFERENCED: readonly (Listed & { kind: ReferencedKind })[] = [
  { kind: 'PersistentVolumeClaim', apiVersion: 'v1', resource: 'persistentvolumeclaims' },
  { kind: 'Secret', apiVersion: 'v1', resource: 'secrets' },
  { kind: 'ConfigMap', apiVersion: 'v1', resource: 'configmaps' },
]

const refKey = (kind: string, namespace: string, name: string): string => `${kind}/${namespace}/${name}`

/** Builds a snapshot from objects already read (the lists below, or a test's). */
export function snapshotOf(namespaces: KubernetesObject[], objects: KubernetesObject[], referenced: KubernetesObject[]): ClusterSnapshot {
  const nsMap = new Map<string, NamespaceInfo>()
  for (const ns of namespaces) {
    const name = ns.metadata?.name
    if (name) nsMap.set(name, { name, labels: ns.metadata?.labels ?? {} })
  }
  const labels = new Map<string, Record<string, string>>()
  for (const o of referenced) labels.set(refKey(o.kind ?? '', o.metadata?.namespace ?? '', o.metadata?.name ?? ''), o.metadata?.labels ?? {})
  return { namespaces: nsMap, objects, lookup: { labelsOf: (kind, namespace, name) => labels.get(refKey(kind, namespace, name)) } }
}

export interface SnapshotOptions {
  /** Only this namespace (else the whole cluster). */
  namespace?: string | undefined
  /** Called after every page with the kind being listed and the objects read so far. */
  onProgress?: (kind: string, total: number) => void
  signal?: AbortSignal
  /** Called for a referenced kind the credentials may not list (HTTP 403), which is left out. */
  onForbidden?: (kind: string) => void
}

const collection = (l: Listed, namespace: string | undefined): string =>
  `${l.apiVersion === 'v1' ? '/api/v1' : `/apis/${l.apiVersion}`}${namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${l.resource}`

/** Reads a snapshot from the API server: one paginated list per kind. */
export async function readSnapshot(kc: KubeConfig, o: SnapshotOptions = {}): Promise<ClusterSnapshot> {
  let total = 0
  const signal = o.signal ? { signal: o.signal } : {}
  const list = async (l: Listed, accept?: string): Promise<KubernetesObject[]> => {
    const before = total
    const items = await listAll(kc, collection(l, o.namespace), {
      ...(accept ? { accept } : {}),
      ...signal,
      onPage: (n) => o.onProgress?.(l.kind, (total = before + n)),
    })
    // Items of a list carry no kind or apiVersion.
    return items.map((item) => ({ ...item, kind: l.kind, apiVersion: l.apiVersion }))
  }
  const namespaces = o.namespace
    ? [await requestJson<KubernetesObject>(kc, `/api/v1/namespaces/${encodeURIComponent(o.namespace)}`, { accept: METADATA_OBJECT, signal: o.signal })]
    : await listAll(kc, '/api/v1/namespaces', { accept: METADATA_ONLY, ...signal })
  const objects: KubernetesObject[] = []
  for (const l of JUDGED) objects.push(...await list(l))
  const referenced: KubernetesObject[] = []
  for (const l of REFERENCED) {
    try {
      referenced.push(...await list(l, METADATA_ONLY))
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 403)) throw err
      o.onForbidden?.(l.kind)
    }
  }
  return snapshotOf(namespaces, objects, referenced)
}
