// `store-admission check`: judge every Pod and pod controller as the pod it would become.
import { FORMATS, type FormatName } from './formats/index.js'
import { loadInput, type InputOptions } from './input.js'
import { UsageError, type CliIO } from './io.js'
import { judgeAll } from './judge.js'

export interface CheckOptions extends InputOptions {
  output: FormatName
  namespace: string
  'allow-empty'?: boolean | undefined
}

export async function check(options: CheckOptions, io: CliIO): Promise<number> {
  const input = await loadInput(options, options.namespace, io)
  const results = judgeAll(input, options.namespace, io)
  // An empty render (a failed `helm template` in a pipe without pipefail) must not go green.
  if (results.length === 0 && !options['allow-empty']) {
    throw new UsageError('nothing to judge: the input has no Pod or pod controller (--allow-empty accepts that)')
  }
  io.stdout(FORMATS[options.output](results))
  const denied = results.filter((r) => !r.allowed).length
  io.stderr(`checked ${results.length} object(s): ${denied} denied\n`)
  return denied > 0 ? 1 : 0
}
