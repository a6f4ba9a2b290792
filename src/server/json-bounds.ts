// How deeply a JSON body nests and how many objects and arrays it holds, found by one scan of its
// bytes before JSON.parse. Parsing a hostile body (a million nested levels: a stack overflow; a
// million small arrays: a second of CPU and a hundred MB of heap), and every walk after it, costs
// the time and memory the API server's reviews need. Real Kubernetes objects nest a few dozen
// levels and hold about one object or array per 20 to 50 bytes of JSON.
const OPEN_OBJECT = 0x7b // {
const OPEN_ARRAY = 0x5b // [
const CLOSE_OBJECT = 0x7d
const CLOSE_ARRAY = 0x5d
const QUOTE = 0x22
const BACKSLASH = 0x5c

/** Where the string opened at `open` ends (-1: nowhere): the next quote no odd run of backslashes escapes. */
function closingQuote(bytes: Buffer, open: number): number {
  // Keys and most values end within a few bytes: a plain loop, cheaper there than a call.
  const near = Math.min(bytes.length, open + 33)
  let at = open + 1
  for (; at < near; at++) {
    const c = bytes[at]
    if (c === BACKSLASH) at++
    else if (c === QUOTE) return at
  }
  // A long string: Buffer#indexOf is native, memchr speed (most of a large body is such strings).
  for (at--; ;) {
    at = bytes.indexOf(QUOTE, at + 1)
    if (at < 0) return -1
    let backslashes = 0
    while (bytes[at - 1 - backslashes] === BACKSLASH) backslashes++
    if (backslashes % 2 === 0) return at
  }
}

export interface JsonBounds {
  /** Deepest nesting of objects/arrays allowed. */
  maxDepth: number
  /** Most objects and arrays allowed in the whole body. */
  maxContainers: number
}

/** Why `bytes` (UTF-8 JSON) is out of bounds, or undefined; brackets inside strings do not count. */
export function jsonOutOfBounds(bytes: Buffer, bounds: JsonBounds): string | undefined {
  const { maxDepth, maxContainers } = bounds
  let depth = 0
  let containers = 0
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]
    if (c === QUOTE) {
      i = closingQuote(bytes, i)
      if (i < 0) return undefined // an unterminated string: JSON.parse says so
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > maxDepth) return `request body nests deeper than ${maxDepth} levels; not an AdmissionReview`
      if (++containers > maxContainers) return `request body holds more than ${maxContainers} objects and arrays; not an AdmissionReview`
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--
    }
  }
  return undefined
}
