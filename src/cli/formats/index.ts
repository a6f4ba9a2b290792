// Output formats of `check` (and `audit`): each turns judged objects into the text printed.
import { github } from './github.js'
import { json } from './json.js'
import { junit } from './junit.js'
import type { FormatName } from './names.js'
import type { Format } from './result.js'
import { sarif } from './sarif.js'
import { text } from './text.js'

export type { Format, JudgedObject, Location } from './result.js'
export { FORMAT_NAMES, isFormatName, type FormatName } from './names.js'

export const FORMATS: Readonly<Record<FormatName, Format>> = { text, json, sarif, junit, github }
