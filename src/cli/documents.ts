// Multi-document YAML or JSON text into plain values, each with where it starts in the text and
// the template `helm template` rendered it from. js-yaml reads each document: it is about ten
// times faster than the `yaml` package on chart output, which is what a CI check spends its time on.
import jsyaml from 'js-yaml'
import { UsageError } from './io.js'

export interface RawDocument {
  /** 1-based position in the text, counting empty documents too. */
  index: number
  /** 1-based line of the document's first content line (after the `---` and leading comments). */
  line: number
  /** The template named by helm template's `# Source: <chart>/templates/x.yaml` comment, if any. */
  template: string | undefined
  /** The first content line counted from that comment: the object's line in the rendered template. */
  templateLine: number
  value: unknown
}

/** Deeper than any Kubernetes object; deeper input is refused before anything recurses into it. */
export const MAX_DEPTH = 1000
/** Values one document may expand to through aliases (an alias bomb expands to billions). */
export const MAX_VALUES = 1_000_000

// A `---` at column 0 always starts a document: YAML forbids it inside scalars at that position.
const DOCUMENT_START = /^---(?=[ \t\r]|$)/gm
// An anchor (`&name`) where YAML allows one; shell's `&&` and `2>&1` in scripts are not.
const ANCHOR = /(?:^|[\s[{,])&[^\s,[\]{}&]/m
const SOURCE_COMMENT = /^# Source: (.+?)\s*$/
const isContent = (line: string): boolean => line.trim() !== '' && !line.startsWith('#')

interface Chunk { text: string; firstLine: number }

const countLines = (text: string, from: number, to: number): number => {
  let n = 0
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++
  return n
}

/** The text cut at its document markers, each part with the line it starts on. */
function chunks(text: string): Chunk[] {
  const starts = [0]
  for (const match of text.matchAll(DOCUMENT_START)) if (match.index > 0) starts.push(match.index)
  let line = 1
  const out = starts.map((start, i) => {
    const end = starts[i + 1] ?? text.length
    const chunk = { text: text.slice(start, end), firstLine: line }
    line += countLines(text, start, end)
    return chunk
  })
  // Before the first `---`, only content makes a document (helm output starts with `---`).
  const first = out[0]
  if (first && !first.text.startsWith('---') && !first.text.split('\n').some(isContent)) out.shift()
  return out
}

type Header = Pick<RawDocument, 'line' | 'template' | 'templateLine'>

/** The first content line (within the first 100) and the `# Source:` comment above it. */
function header(chunk: Chunk): Header {
  const { text } = chunk
  let template: string | undefined
  let sourceAt = 0
  for (let i = 0, start = 0; i < 100 && start <= text.length; i++) {
    const newline = text.indexOf('\n', start)
    const end = newline === -1 ? text.length : newline
    const line = text.slice(start, end)
    const source = SOURCE_COMMENT.exec(line)
    if (source) [template, sourceAt] = [source[1], i]
    if (isContent(i === 0 && line.startsWith('---') ? line.slice(3) : line)) return { line: chunk.firstLine + i, template, templateLine: i - sourceAt }
    start = end + 1
  }
  return { line: chunk.firstLine, template, templateLine: 1 }
}

/** Refuses values too deep or too large once aliases are expanded; shared values are measured once. */
function checkExpansion(value: unknown, where: string): void {
  const measured = new Map<object, { size: number; height: number }>()
  const measure = (v: unknown, depth: number): { size: number; height: number } => {
    if (typeof v !== 'object' || v === null) return { size: 1, height: 0 }
    if (depth > MAX_DEPTH) throw new UsageError(`${where}: nested deeper than ${MAX_DEPTH} levels`)
    let m = measured.get(v)
    if (m === undefined) {
      m = { size: 1, height: 1 }
      for (const child of Array.isArray(v) ? v : Object.values(v)) {
        const c = measure(child, depth + 1)
        m.size += c.size
        m.height = Math.max(m.height, c.height + 1)
        if (m.size > MAX_VALUES) throw new UsageError(`${where}: aliases expand it to more than ${MAX_VALUES} values (an alias bomb?)`)
      }
      measured.set(v, m)
    }
    if (depth + m.height > MAX_DEPTH) throw new UsageError(`${where}: nested deeper than ${MAX_DEPTH} levels through aliases`)
    return m
  }
  measure(value, 0)
}

/** Whether a value nests objects and arrays deeper than `max` levels: JSON has no aliases, so a
 *  plain walk (no sizes, no sharing) bounds it. Scalars, most of the values, are not walked into. */
function deeperThan(value: unknown, max: number): boolean {
  if (typeof value !== 'object' || value === null) return false
  if (max === 0) return true
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const child: unknown = value[i]
      if (typeof child === 'object' && child !== null && deeperThan(child, max - 1)) return true
    }
    return false
  }
  for (const key in value) {
    const child = (value as Record<string, unknown>)[key]
    if (typeof child === 'object' && child !== null && deeperThan(child, max - 1)) return true
  }
  return false
}

// The YAML 1.2 core schema (no timestamps or binary: a date stays the string Kubernetes sees).
// js-yaml 4.3 reads maxDepth; its types (4.0.9) predate it.
const LOAD_OPTIONS: jsyaml.LoadOptions & { maxDepth: number } = { schema: jsyaml.CORE_SCHEMA, maxDepth: MAX_DEPTH }

function yamlError(err: jsyaml.YAMLException, where: string, chunk: Chunk): UsageError {
  // mark.line is 0-based within the chunk, and one past its end at an unexpected end of the text
  const lastLine = countLines(chunk.text, 0, chunk.text.trimEnd().length)
  const line = Math.min(err.mark.line, lastLine) + chunk.firstLine
  if (err.reason.startsWith('nesting exceeded maxDepth')) {
    return new UsageError(`${where}: line ${line}: nested deeper than ${MAX_DEPTH} levels; no Kubernetes object is`)
  }
  return new UsageError(`${where}: line ${line}: not valid YAML: ${err.reason}`)
}

function parseJson(text: string): unknown[] | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return [value]
  } catch {
    return undefined // YAML then: it reports where the problem is
  }
}

/** Every document of `text`; `source` names it in errors (a file, or <stdin>). */
export function parseDocuments(text: string, source: string): RawDocument[] {
  const trimmed = text.trimStart()
  // `kubectl get -o json` output: one JSON value, read by the faster JSON parser.
  const json = trimmed.startsWith('{') ? parseJson(text) : undefined
  if (json) {
    if (deeperThan(json[0], MAX_DEPTH)) throw new UsageError(`${source}: document 1: nested deeper than ${MAX_DEPTH} levels`)
    return [{ index: 1, line: 1 + countLines(text, 0, text.length - trimmed.length), template: undefined, templateLine: 1, value: json[0] }]
  }
  return chunks(text).map((chunk, i) => {
    const where = `${source}: document ${i + 1}`
    let value: unknown
    try {
      value = jsyaml.load(chunk.text, LOAD_OPTIONS)
    } catch (err) {
      if (err instanceof jsyaml.YAMLException) throw yamlError(err, where, chunk)
      throw err
    }
    // Without an anchor no alias can share a value (most documents have no `&` at all).
    if (chunk.text.includes('&') && ANCHOR.test(chunk.text)) checkExpansion(value, where)
    return { index: i + 1, ...header(chunk), value }
  })
}
