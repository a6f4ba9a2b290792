// The CLI's input: files, directories and stdin (`helm template`, `kubectl get -o yaml|json`) read
// into Kubernetes objects, with the namespaces and referenced objects they describe.
import type { KubernetesObject } from '@kubernetes/client-node'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { objectShapeProblem, type ReferencedKind, type ResourceLookup } from '../pipeline/index.js'
import { isRecord } from '../pipeline/shape.js'
import { defaultPolicy, PolicyError, type Policy } from '../policy/index.js'
import { parseDocuments, type RawDocument } from './documents.js'
import type { Location } from './formats/index.js'
import { UsageError, type CliIO } from './io.js'
import { isJudged } from './judge.js'

export interface InputOptions {
  file?: string[] | undefined
  'namespace-labels'?: string | undefined
  policy?: string | undefined
  'source-root'?: string | undefined
}

export interface InputObject {
  object: KubernetesObject
  /** Where to annotate it: the chart template or input file, and its line. */
  location: Location | undefined
}

export interface Input {
  objects: InputObject[]
  /** Labels of the namespaces that Namespace documents describe. */
  namespaceLabels: Map<string, Record<string, string>>
  /** --namespace-labels, applied to every namespace. */
  extraLabels: Record<string, string>
  lookup: ResourceLookup
  policy: Policy
}

const INPUT_FILE = /\.(ya?ml|json)$/

/** `k=v,k2=v2` as given to --namespace-labels. */
export function parseLabels(text: string): Record<string, string> {
  return Object.fromEntries(text.split(',').filter((p) => p.trim() !== '').map((pair) => {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new UsageError(`--namespace-labels: "${pair}" is not key=value`)
    return [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()]
  }))
}

const NAME_FIELDS = ['name', 'generateName', 'namespace'] as const
const MAP_FIELDS = ['labels', 'annotations'] as const

/** The first field of `metadata` a Kubernetes object cannot have, if any. */
function metadataProblem(metadata: unknown): string | undefined {
  if (metadata === undefined) return undefined
  if (!isRecord(metadata)) return 'metadata: must be a mapping'
  for (const field of NAME_FIELDS) {
    if (metadata[field] !== undefined && typeof metadata[field] !== 'string') return `metadata.${field}: must be a string`
  }
  for (const field of MAP_FIELDS) {
    const map = metadata[field]
    if (map === undefined || map === null) continue
    if (!isRecord(map)) return `metadata.${field}: must be a mapping`
    for (const key in map) if (typeof map[key] !== 'string') return `metadata.${field}[${key}]: must be a string (quote it)`
  }
  return undefined
}

/** The objects of one document's value: itself, or the items of a `List` / `*List`, into `into`. */
function objectsOf(value: unknown, where: string, into: Array<{ value: Record<string, unknown>; where: string }>): void {
  if (!isRecord(value)) throw new UsageError(`${where}: must be a Kubernetes object (a mapping)`)
  if (typeof value.kind !== 'string') throw new UsageError(`${where}: kind: must be a string`)
  if (!value.kind.endsWith('List') || value.items === undefined) {
    into.push({ value, where })
    return
  }
  if (!Array.isArray(value.items)) throw new UsageError(`${where} (${value.kind}): items: must be a list`)
  for (let i = 0; i < value.items.length; i++) objectsOf(value.items[i], `${where}: items[${i}]`, into)
}

function toObject(value: Record<string, unknown>, where: string): KubernetesObject {
  const object = value as KubernetesObject
  const name = isRecord(value.metadata) && typeof value.metadata.name === 'string' ? value.metadata.name : '?'
  const problem = metadataProblem(value.metadata) ?? (isJudged(object) ? objectShapeProblem(object, object.kind ?? '') : undefined)
  if (problem) throw new UsageError(`${where} (${String(value.kind)}/${name}): ${problem}`)
  return object
}

/** Helm names templates from the chart's parent directory; --source-root makes them repository paths. */
function locate(doc: RawDocument, file: string | undefined, sourceRoot: string | undefined): Location | undefined {
  if (doc.template !== undefined) return { file: sourceRoot ? join(sourceRoot, doc.template) : doc.template, line: doc.templateLine }
  return file === undefined ? undefined : { file, line: doc.line }
}

async function filesOf(path: string): Promise<string[]> {
  try {
    if (!(await stat(path)).isDirectory()) return [path]
    const entries = await readdir(path, { recursive: true, withFileTypes: true })
    return entries.filter((e) => e.isFile() && INPUT_FILE.test(e.name)).map((e) => join(e.parentPath, e.name)).sort()
  } catch (err) {
    throw new UsageError(`${path}: cannot read: ${err instanceof Error ? err.message : String(err)}`)
  }
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (err) {
    throw new UsageError(`${file}: cannot read: ${err instanceof Error ? err.message : String(err)}`)
  }
}

export async function readPolicy(path: string | undefined): Promise<Policy> {
  if (path === undefined) return defaultPolicy()
  const { loadPolicyFile } = await import('../policy/parse.js') // yaml and ajv only for a policy file
  try {
    return await loadPolicyFile(path)
  } catch (err) {
    throw err instanceof PolicyError ? new UsageError(err.message) : err
  }
}

/** Every object of every -f (files, directories, `-` for stdin), in order. */
async function readObjects(options: InputOptions, io: CliIO): Promise<InputObject[]> {
  const paths = options.file ?? []
  if (paths.length === 0) throw new UsageError('-f FILE|DIR|- is required (-f - reads stdin)')
  const objects: InputObject[] = []
  for (const path of paths) {
    const sources = path === '-' ? [undefined] : await filesOf(path)
    for (const file of sources) {
      const text = file === undefined ? await io.readStdin() : await readText(file)
      for (const doc of parseDocuments(text, file ?? '<stdin>')) {
        if (doc.value === null || doc.value === undefined) continue // an empty document (e.g. a disabled template)
        const location = locate(doc, file, options['source-root'])
        const found: Array<{ value: Record<string, unknown>; where: string }> = []
        objectsOf(doc.value, `${file ?? '<stdin>'}: document ${doc.index}`, found)
        for (const { value, where } of found) objects.push({ object: toObject(value, where), location })
      }
    }
  }
  return objects
}

const REFERENCED: ReadonlySet<string> = new Set<ReferencedKind>(['PersistentVolumeClaim', 'Secret', 'ConfigMap'])

export async function loadInput(options: InputOptions, defaultNamespace: string, io: CliIO): Promise<Input> {
  const extraLabels = parseLabels(options['namespace-labels'] ?? '')
  const policy = await readPolicy(options.policy)
  const objects = await readObjects(options, io)
  const namespaceLabels = new Map<string, Record<string, string>>()
  const objectLabels = new Map<string, Record<string, string>>()
  for (const { object } of objects) {
    const name = object.metadata?.name ?? ''
    const labels = object.metadata?.labels ?? {}
    if (object.kind === 'Namespace') namespaceLabels.set(name, labels)
    else if (REFERENCED.has(object.kind ?? '')) {
      objectLabels.set(`${object.kind}/${object.metadata?.namespace || defaultNamespace}/${name}`, labels)
    }
  }
  const lookup: ResourceLookup = { labelsOf: (kind, namespace, name) => objectLabels.get(`${kind}/${namespace}/${name}`) }
  return { objects, namespaceLabels, extraLabels, lookup, policy }
}
