// What every output format reads: judged objects and where they came from.
import type { Violation } from '../../pipeline/index.js'

/** A file to annotate and a 1-based line in it. */
export interface Location {
  file: string
  line: number
}

/** One Pod or pod controller with the pipeline's verdict. */
export interface JudgedObject {
  kind: string
  name: string
  namespace: string
  allowed: boolean
  violations: Violation[]
  warnings: Violation[]
  /** The chart template (`# Source:`) or input file the object came from; none for stdin or a live object. */
  location?: Location | undefined
}

export type Format = (results: readonly JudgedObject[]) => string

/**
 * A violation's path relative to its object: a line that names the object already shows
 * `spec.template...`, where the webhook's denial (and JSON) says `Deployment/x: spec.template...`.
 */
export function relativePath(v: Violation, r: JudgedObject): string {
  const prefix = `${r.kind}/${r.name}: `
  return v.path.startsWith(prefix) ? v.path.slice(prefix.length) : v.path
}

/** `<rule>: <path>: <reason>` with the path relative to the object, and the exception letting it through. */
export const describe = (v: Violation, r: JudgedObject): string =>
  `${v.rule}: ${relativePath(v, r)}: ${v.message}${v.exception ? ` (excepted until ${v.exception.expires}: ${v.exception.reason})` : ''}`
