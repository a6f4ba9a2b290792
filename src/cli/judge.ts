// Shared by `check` and `mutate`: read the input, then run each object through the pipeline.
import type { KubernetesObject } from '@kubernetes/client-node'
import { readFile } from 'node:fs/promises'
import { isPodController, isStoreNamespace, type NamespaceInfo } from '../pipeline/index.js'
import { defaultPolicy, loadPolicyFile, PolicyError, type Policy } from '../policy/index.js'
import { describeDoc, inventory, parseDocuments, parseLabels, type InputDoc, type Inventory } from './input.js'
import { UsageError, type CliIO } from './io.js'
import { shapeProblem } from './shape.js'

export interface InputOptions {
  file?: string | undefined
  'namespace-labels'?: string | undefined
  namespace?: string | undefined
  policy?: string | undefined
}

export interface Input {
  docs: InputDoc[]
  inventory: Inventory
  policy: Policy
}

async function readInput(file: string | undefined, io: CliIO): Promise<string> {
  if (file === undefined) throw new UsageError('-f FILE (or -f - for stdin) is required')
  if (file === '-') return io.readStdin()
  try {
    return await readFile(file, 'utf8')
  } catch (err) {
    throw new UsageError(`${file}: cannot read: ${err instanceof Error ? err.message : String(err)}`)
  }
}

export async function readPolicy(path: string | undefined): Promise<Policy> {
  try {
    return path === undefined ? defaultPolicy() : await loadPolicyFile(path)
  } catch (err) {
    throw err instanceof PolicyError ? new UsageError(err.message) : err
  }
}

export async function loadInput(options: InputOptions, io: CliIO): Promise<Input> {
  const extraLabels = parseLabels(options['namespace-labels'] ?? '')
  const policy = await readPolicy(options.policy)
  const source = options.file === '-' ? '<stdin>' : options.file ?? ''
  const docs = parseDocuments(await readInput(options.file, io), source)
  for (const doc of docs) {
    const problem = judged(doc.object) ? shapeProblem(doc.object) : undefined
    if (problem) throw new UsageError(`${source}: ${describeDoc(doc)}: ${problem}`)
  }
  return { docs, inventory: inventory(docs, extraLabels, options.namespace ?? 'default'), policy }
}

/** Objects the pipeline judges: Pods and pod controllers. */
export const judged = (object: KubernetesObject): boolean => object.kind === 'Pod' || isPodController(object.kind ?? '')

/** Tells once per namespace that nothing there is judged, so an unlabelled input is not silently "fine". */
export function noteOutsideStores(io: CliIO, input: Input): (ns: NamespaceInfo) => void {
  const noted = new Set<string>()
  return (ns) => {
    const store: boolean = isStoreNamespace(ns, input.policy)
    if (store || noted.has(ns.name)) return
    noted.add(ns.name)
    io.stderr(`note: namespace ${ns.name} is not a store namespace (no store.platform.io/tenant label); ` +
      'its objects pass unchanged. Add a Namespace document or --namespace-labels store.platform.io/tenant=<tenant>\n')
  }
}
