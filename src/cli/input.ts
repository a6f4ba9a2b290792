// Multi-document YAML input (`helm template` output): the objects, their namespaces, and the
// lookup of referenced PVCs / Secrets / ConfigMaps, all taken from the documents themselves.
import type { KubernetesObject } from '@kubernetes/client-node'
import { parseAllDocuments } from 'yaml'
import type { NamespaceInfo, ReferencedKind, ResourceLookup } from '../pipeline/index.js'
import { UsageError } from './io.js'

export interface InputDoc {
  /** 1-based position in the input, counting empty documents too. */
  index: number
  object: KubernetesObject
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

export const describeDoc = (doc: InputDoc): string =>
  `document ${doc.index} (${doc.object.kind ?? '?'}/${doc.object.metadata?.name ?? '?'})`

export function parseDocuments(text: string, source: string): InputDoc[] {
  const docs: InputDoc[] = []
  parseAllDocuments(text).forEach((doc, i) => {
    const where = `${source}: document ${i + 1}`
    const error = doc.errors[0]
    if (error) throw new UsageError(`${where}: not valid YAML: ${error.message.split('\n')[0] ?? ''}`)
    const value: unknown = doc.toJS()
    if (value === null || value === undefined) return // empty document (e.g. a disabled template)
    if (!isRecord(value)) throw new UsageError(`${where}: must be a Kubernetes object (a mapping)`)
    if (typeof value.kind !== 'string') throw new UsageError(`${where}: kind is missing`)
    if (value.metadata !== undefined && !isRecord(value.metadata)) throw new UsageError(`${where}: metadata must be a mapping`)
    docs.push({ index: i + 1, object: value })
  })
  return docs
}

/** `k=v,k2=v2` as given to --namespace-labels. */
export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {}
  for (const pair of text.split(',').filter((p) => p.trim() !== '')) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new UsageError(`--namespace-labels: "${pair}" is not key=value`)
    labels[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim()
  }
  return labels
}

export interface Inventory {
  namespaceOf(object: KubernetesObject): NamespaceInfo
  lookup: ResourceLookup
}

const REFERENCED: ReadonlySet<string> = new Set<ReferencedKind>(['PersistentVolumeClaim', 'Secret', 'ConfigMap'])

/** Namespaces (Namespace documents, overlaid with --namespace-labels) and referenced objects. */
export function inventory(docs: InputDoc[], extraLabels: Record<string, string>, defaultNamespace: string): Inventory {
  const nsLabels = new Map<string, Record<string, string>>()
  const objectLabels = new Map<string, Record<string, string>>()
  const nsName = (o: KubernetesObject): string => o.metadata?.namespace || defaultNamespace
  for (const { object } of docs) {
    const name = object.metadata?.name ?? ''
    const labels = object.metadata?.labels ?? {}
    if (object.kind === 'Namespace') nsLabels.set(name, labels)
    else if (REFERENCED.has(object.kind ?? '')) objectLabels.set(`${object.kind}/${nsName(object)}/${name}`, labels)
  }
  return {
    namespaceOf(object) {
      const name = nsName(object)
      return { name, labels: { ...nsLabels.get(name), ...extraLabels } }
    },
    lookup: { labelsOf: (kind, namespace, name) => objectLabels.get(`${kind}/${namespace}/${name}`) },
  }
}
