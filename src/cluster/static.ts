// A ClusterView read once from a YAML file (--static-namespaces), for running without a cluster:
// its Namespace documents give namespace labels; PVC / Secret / ConfigMap / Service documents (and
// pod controllers and Pods, as owners) feed the lookups of shared namespaces. The file is the whole
// cluster: what it does not hold does not exist.
import { readFileSync } from 'node:fs'
import { parseAllDocuments } from 'yaml'
import type { LookupKind, NamespaceInfo } from '../pipeline/types.js'
import { type ClusterView, LOOKUP_PATHS, isLookupKind, metaKey } from './types.js'

interface Doc {
  kind?: unknown
  items?: unknown
  metadata?: { name?: unknown; namespace?: unknown; labels?: unknown }
}

export function loadStaticCluster(path: string): ClusterView {
  const namespaces = new Map<string, NamespaceInfo>()
  const objects = new Map<LookupKind, Map<string, Record<string, string>>>(Object.keys(LOOKUP_PATHS).filter(isLookupKind).map((k) => [k, new Map()]))
  const add = (doc: Doc, where: string): void => {
    if (typeof doc.kind === 'string' && doc.kind.endsWith('List') && Array.isArray(doc.items)) {
      doc.items.forEach((item: Doc, i) => add(item, `${where} items[${i}]`))
      return
    }
    const name = doc.metadata?.name
    if (typeof name !== 'string' || name === '') throw new Error(`${where}: metadata.name is missing`)
    const labels = stringLabels(doc.metadata?.labels, `${where} (${String(doc.kind)}/${name})`)
    if (doc.kind === 'Namespace') {
      namespaces.set(name, { name, labels })
      return
    }
    const byKey = isLookupKind(doc.kind) ? objects.get(doc.kind) : undefined
    if (!byKey) return // other kinds are irrelevant to admission decisions
    const ns = doc.metadata?.namespace
    if (typeof ns !== 'string' || ns === '') throw new Error(`${where} (${String(doc.kind)}/${name}): metadata.namespace is missing`)
    byKey.set(metaKey(ns, name), labels)
  }

  parseAllDocuments(readFileSync(path, 'utf8')).forEach((doc, i) => {
    const where = `${path}: document ${i + 1}`
    if (doc.errors.length > 0) throw new Error(`${where}: ${doc.errors[0]?.message ?? 'invalid YAML'}`)
    const value: unknown = doc.toJS()
    if (value === null || value === undefined) return
    if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${where}: expected a Kubernetes object`)
    add(value, where)
  })

  const labelsOf = (kind: LookupKind, namespace: string, name: string): Record<string, string> | undefined =>
    objects.get(kind)?.get(metaKey(namespace, name))
  return {
    namespace: (name) => Promise.resolve(namespaces.get(name)),
    labelsOf,
    fetchLabels: (kind, namespace, name) => Promise.resolve(labelsOf(kind, namespace, name)),
    synced: () => true,
    stop: async () => {},
  }
}

function stringLabels(labels: unknown, where: string): Record<string, string> {
  if (labels === undefined || labels === null) return {}
  if (typeof labels !== 'object' || Array.isArray(labels)) throw new Error(`${where}: metadata.labels must be a map`)
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(labels)) {
    if (typeof v !== 'string') throw new Error(`${where}: label ${k} must be a string (quote it)`)
    out[k] = v
  }
  return out
}
