// Building minimal RFC 6902 patches: add only what is missing, never replace a whole array.
import type { Operation } from 'fast-json-patch'

type JsonObject = Record<string, unknown>

/** JSON-pointer escaping of one path segment (RFC 6901): `~` -> `~0`, `/` -> `~1`. */
function escapeSegment(segment: string | number): string {
  const text = String(segment)
  return text.includes('~') || text.includes('/') ? text.replaceAll('~', '~0').replaceAll('/', '~1') : text
}

export function pointer(base: string, ...segments: Array<string | number>): string {
  let path = base
  for (const segment of segments) path += `/${escapeSegment(segment)}`
  return path
}

/**
 * A deep copy of JSON data (objects, arrays, primitives), calling `each` with every object and
 * array copied. On the hot path: several times faster than structuredClone or a JSON round trip.
 */
export function cloneJson<T>(value: T, each?: (copy: object) => void): T {
  if (value === null || typeof value !== 'object') return value
  let copy: object
  if (Array.isArray(value)) {
    const items: unknown[] = new Array(value.length)
    for (let i = 0; i < value.length; i++) items[i] = cloneJson(value[i], each)
    copy = items
  } else {
    // Spread copies the object's shape whole (and defines, never sets: an input `__proto__` key
    // stays data); JSON.stringify then writes the copy as fast as the original.
    const fields: JsonObject = { ...(value as JsonObject) }
    for (const key in fields) {
      const field = fields[key]
      if (field === null || typeof field !== 'object') continue
      // Own `__proto__` data property (from the spread): assignment updates it, as for any key.
      fields[key] = cloneJson(field, each)
    }
    copy = fields
  }
  each?.(copy)
  return copy as T
}

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Which parts of a document a draft copies: `true` the value whole; fields, a shallow copy of an
 * object with those fields copied as they say; `[items]`, a shallow copy of an array with each
 * item copied as `items` says (`[]`: the items are shared). The rest is shared with the original.
 */
export type CopyPlan = true | readonly [] | readonly [CopyPlan] | { readonly [field: string]: CopyPlan }

/** A copy of `value` as `plan` says, calling `each` with every object and array copied. */
function copyPlanned(value: unknown, plan: CopyPlan, each: (copy: object) => void): unknown {
  if (value === null || typeof value !== 'object') return value
  // A value not shaped as planned (a document the caller did not check) is copied whole.
  if (plan === true || Array.isArray(plan) !== Array.isArray(value)) return cloneJson(value, each)
  if (Array.isArray(value)) {
    const items = (plan as readonly CopyPlan[])[0]
    const copy = items === undefined ? value.slice() : value.map((item: unknown) => copyPlanned(item, items, each))
    each(copy)
    return copy
  }
  // Spread defines own properties: an input `__proto__` key stays data, as in cloneJson.
  const copy: JsonObject = { ...value }
  const fields = plan as { readonly [field: string]: CopyPlan }
  for (const field in fields) {
    if (Object.hasOwn(copy, field)) copy[field] = copyPlanned(copy[field], fields[field] as CopyPlan, each)
  }
  each(copy)
  return copy
}

/**
 * A copy of a document that mutations write into, each write recorded as one operation, so every
 * mutation sees what the ones before it did and the patch is built in the same pass.
 *
 * Only what the plan names is copied, the rest is shared with the original: a write anywhere else
 * throws, before anything is written, rather than touch the original.
 *
 * A write into a value this patch added (an injected container, a new array) records nothing: the
 * `add` that brought the value holds it by reference and so carries the write. An injected
 * container therefore arrives as one `add` with its securityContext and resources.
 */
export class PatchDraft<T extends object> {
  readonly doc: T
  readonly ops: Operation[] = []
  /**
   * The objects and arrays a write may go into: those copied from the original, and every one
   * inside a value this patch added. Sets, not WeakSets: the draft lives for one call, and
   * WeakSet.add costs several times as much.
   */
  private readonly copied = new Set<object>()
  private readonly added = new Set<object>()

  constructor(original: T, plan: CopyPlan = true) {
    this.doc = copyPlanned(original, plan, (copy) => this.copied.add(copy)) as T
  }

  /** Sets `parent[key]` to a copy of `value`; `at` is the pointer to `parent`. */
  set(parent: object, at: string, key: string, value: unknown): void {
    const records = this.records(parent, at)
    const copy = this.copyAdded(value)
    ;(parent as JsonObject)[key] = copy
    if (records) this.ops.push({ op: 'add', path: pointer(at, key), value: copy })
  }

  /** Sets the fields of `wanted` that are unset in `target` (at `at`), recursing into objects both have. */
  ensureFields(target: object, at: string, wanted: JsonObject): void {
    for (const key in wanted) {
      const value = wanted[key]
      const existing = (target as JsonObject)[key]
      if (existing === undefined || existing === null) this.set(target, at, key, value)
      else if (isPlainObject(existing) && isPlainObject(value)) this.ensureFields(existing, pointer(at, key), value)
    }
  }

  /** Like `ensureFields` on `parent[key]`; a missing (or non-object) `parent[key]` is set whole. */
  ensureObject(parent: object, at: string, key: string, wanted: JsonObject): void {
    const current = (parent as JsonObject)[key]
    if (isPlainObject(current)) this.ensureFields(current, pointer(at, key), wanted)
    else this.set(parent, at, key, wanted)
  }

  /** Appends copies of `items` to the array `parent[key]` (one `/-` add each), or sets the array when missing. */
  append(parent: object, at: string, key: string, items: unknown[]): void {
    if (items.length === 0) return
    const array = (parent as JsonObject)[key]
    if (array === undefined || array === null) return this.set(parent, at, key, items)
    if (!Array.isArray(array)) throw new Error(`${pointer(at, key)} is not a list`)
    for (const item of items) this.insert(array, pointer(at, key), '-', item)
  }

  /** Inserts a copy of `item` into `array` (at `at`) before `index`, or at its end for `-`. */
  insert(array: unknown[], at: string, index: number | '-', item: unknown): void {
    const records = this.records(array, at)
    const copy = this.copyAdded(item)
    if (index === '-') array.push(copy)
    else array.splice(index, 0, copy)
    if (records) this.ops.push({ op: 'add', path: `${at}/${index}`, value: copy })
  }

  /** Removes `array[index]` (`array` is at `at`). */
  remove(array: unknown[], at: string, index: number): void {
    const records = this.records(array, at)
    array.splice(index, 1)
    if (records) this.ops.push({ op: 'remove', path: `${at}/${index}` })
  }

  /**
   * Whether a write into `parent` (at `at`) is an operation of its own (not carried by an earlier
   * `add`); throws for a parent that is the original's.
   */
  private records(parent: object, at: string): boolean {
    if (this.added.has(parent)) return false
    if (!this.copied.has(parent)) throw new Error(`${at}: a write outside the draft's copy plan`)
    return true
  }

  private copyAdded<V>(value: V): V {
    return cloneJson(value, (copy) => this.added.add(copy))
  }
}
