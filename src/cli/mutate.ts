// `store-admission mutate`: every input object as it would be stored / would run.
import { stringify } from 'yaml'
import { isStoreNamespace, podAfterMutation, withTemplatePod, type AdmissionRequestInfo } from '../pipeline/index.js'
import type { CliIO } from './io.js'
import { judged, loadInput, noteOutsideStores, type InputOptions } from './judge.js'

export async function mutateCommand(options: InputOptions, io: CliIO): Promise<number> {
  const input = await loadInput(options, io)
  const note = noteOutsideStores(io, input)
  const out = input.docs.map(({ object }) => {
    if (!judged(object)) return object
    const ns = input.inventory.namespaceOf(object)
    note(ns)
    if (!isStoreNamespace(ns, input.policy)) return object
    const kind = object.kind ?? ''
    const req: AdmissionRequestInfo = { operation: 'CREATE', kind, namespace: ns.name, object }
    const pod = podAfterMutation(req, ns, input.policy)
    if (!pod) return object
    return kind === 'Pod' ? pod : withTemplatePod(object, kind, pod)
  })
  io.stdout(out.map((o) => stringify(o, { lineWidth: 0 })).join('---\n'))
  return 0
}
