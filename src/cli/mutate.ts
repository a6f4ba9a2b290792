// `store-admission mutate`: every input object as it would be stored / would run.
import jsyaml from 'js-yaml'
import { podAfterMutation, withTemplatePod } from '../pipeline/index.js'
import { loadInput, type InputOptions } from './input.js'
import type { CliIO } from './io.js'
import { isJudged, placement } from './judge.js'

export async function mutateCommand(options: InputOptions & { namespace: string }, io: CliIO): Promise<number> {
  const input = await loadInput(options, options.namespace, io)
  const placeOf = placement(input, options.namespace, io)
  const out = input.objects.map(({ object }) => {
    const place = isJudged(object) ? placeOf(object) : undefined
    if (!place) return object
    const kind = object.kind ?? ''
    const pod = podAfterMutation({ operation: 'CREATE', kind, namespace: place.ns.name, object }, place.ns, place.policy)
    if (!pod) return object
    return kind === 'Pod' ? pod : withTemplatePod(object, kind, pod)
  })
  // noRefs: objects the pipeline shares are written out in full, never as YAML aliases.
  io.stdout(out.map((o) => jsyaml.dump(o, { lineWidth: -1, noRefs: true })).join('---\n'))
  return 0
}
