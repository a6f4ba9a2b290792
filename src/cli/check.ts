// `store-admission check`: judge every Pod and pod controller as the pod it would become.
import type { KubernetesObject } from '@kubernetes/client-node'
import { validateAsCreated, type AdmissionRequestInfo, type Violation } from '../pipeline/index.js'
import type { CliIO } from './io.js'
import { judged, loadInput, noteOutsideStores, type InputOptions } from './judge.js'

export interface CheckResult {
  kind: string
  name: string
  namespace: string
  allowed: boolean
  violations: Violation[]
  warnings: Violation[]
}

export const objectName = (o: KubernetesObject): string => o.metadata?.name ?? o.metadata?.generateName ?? ''

// A text line names the object already, so its path is shown relative to it. JSON keeps the
// pipeline's paths verbatim: the same violations the webhook's denial lists.
function relative(v: Violation, kind: string, name: string): Violation {
  const prefix = `${kind}/${name}: `
  return v.path.startsWith(prefix) ? { ...v, path: v.path.slice(prefix.length) } : v
}

/** Text: a line per violation (an excepted one names its exception); json: `{"results": [...]}`. */
export function printResults(results: CheckResult[], output: string | undefined, io: CliIO): void {
  if (output === 'json') {
    io.stdout(`${JSON.stringify({ results }, null, 2)}\n`)
    return
  }
  const line = (verdict: string, r: CheckResult, v: Violation): string => {
    const excepted = v.exception ? ` (excepted until ${v.exception.expires}: ${v.exception.reason})` : ''
    return `${verdict} ${r.kind}/${r.name}: ${v.rule}: ${relative(v, r.kind, r.name).path}: ${v.message}${excepted}\n`
  }
  for (const r of results) {
    for (const v of r.violations) io.stdout(line('DENY', r, v))
    for (const v of r.warnings) io.stdout(line('WARN', r, v))
  }
}

export async function check(options: InputOptions & { output?: string | undefined }, io: CliIO): Promise<number> {
  const input = await loadInput(options, io)
  const note = noteOutsideStores(io, input)
  const now = new Date()
  const results: CheckResult[] = input.docs.filter((d) => judged(d.object)).map(({ object }) => {
    const kind = object.kind ?? ''
    const name = objectName(object)
    const ns = input.inventory.namespaceOf(object)
    note(ns)
    const req: AdmissionRequestInfo = { operation: 'CREATE', kind, namespace: ns.name, object }
    const result = validateAsCreated(req, ns, input.policy, input.inventory.lookup, now)
    return { kind, name, namespace: ns.name, allowed: result.allowed, violations: result.violations, warnings: result.warnings }
  })
  printResults(results, options.output, io)
  const denied = results.filter((r) => !r.allowed).length
  io.stderr(`checked ${results.length} object(s): ${denied} denied\n`)
  return denied > 0 ? 1 : 0
}
