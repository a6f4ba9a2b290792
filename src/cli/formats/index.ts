// Output formats of `check` (and `audit`): each turns judged objects into the text printed.
import { github } from './github.js'
import { json } from './json.js'
import { junit } from './junit.js'
import type { Format } from './result.js'
import { sarif } from './sarif.js'
import { text } from './text.js'

export type { Format, JudgedObject, Location } from './result.js'

export const FORMATS = { text, json, sarif, junit, github } as const satisfies Record<string, Format>
export type FormatName = keyof typeof FORMATS
export const isFormatName = (name: string): name is FormatName => Object.hasOwn(FORMATS, name)
