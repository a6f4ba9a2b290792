// The answers /mutate gave recently, to give again without parsing. The replicas of one ReplicaSet
// created within one second reach /mutate as the same review but for request.uid (the API server
// fills in name, uid and creationTimestamp after mutating admission), so a scale-up is parsed and
// mutated twice, not once per replica.
//
// A replayed answer must be exactly what a full one would be, for any text, crafted or not. The
// key is a hash of the text with one JSON string cut out, so two texts with one key differ at most
// in that string, written without escapes. Such texts parse to the same tree but for that one value.
// An answer is kept only once a probe parse showed that value is request.uid, which mutation never
// reads; the rest of mutation's input (namespace labels, policy) is checked on every replay.
import { createHash } from 'node:crypto'
import type { Policy } from '../policy/index.js'

/** A review text's request.uid as written, where it is, and the hash of everything else. */
export interface ReviewKey {
  hash: string
  /** The review's text, for the probe parse that decides whether its answer is kept. */
  text: string
  uid: string
  /** Offsets of the uid's characters (inside its quotes) in the text. */
  start: number
  end: number
}

/** What /mutate answered for a review: all it takes to answer the same review again. */
export interface KeptAnswer {
  namespace: string
  /** The namespace's labels when answered (JSON), for the answer holds only while they do. */
  namespaceLabels: string
  tenant: string | undefined
  /** Base64 JSON Patch; '' for none. */
  patch: string
}

const UID_FIELD = '"uid":"'
/** Put in place of the uid by the probe parse; no character of it needs escaping. */
const PROBE = 'store-admission-uid-probe'

/**
 * The key of a review text: where the first `"uid":"` string is and a SHA-256 of the text without
 * it. Undefined when there is none, or it is empty or has escapes or control characters (a key
 * must not be shared by texts that parse differently around it), or when the text has a lone
 * surrogate, which the hash's UTF-8 would blur into U+FFFD (a decoded HTTP body never has one).
 */
export function reviewKey(text: string): ReviewKey | undefined {
  if (!text.isWellFormed()) return undefined
  const field = text.indexOf(UID_FIELD)
  if (field < 0) return undefined
  const start = field + UID_FIELD.length
  let end = start
  for (; end < text.length; end++) {
    const code = text.charCodeAt(end)
    if (code === 0x22) break // the closing quote
    if (code === 0x5c || code < 0x20) return undefined // a backslash or a control character
  }
  if (end === start || end === text.length) return undefined
  // No offset needed in the hash: two texts equal once cut are cut at one place. Were one cut
  // earlier, the other would hold that earlier "uid":" too (the texts agree up to it), and so
  // would be cut there.
  const hash = createHash('sha256').update(text.slice(0, start)).update(text.slice(end)).digest('base64')
  return { hash, text, uid: text.slice(start, end), start, end }
}

/**
 * Whether the string `key` cuts out is the review's request.uid (`uid` as parsed from its text): a
 * probe put in its place comes out as the uid. Were another string (a duplicate key) to decide
 * request.uid, the probe text would give `uid` again, so `uid` must not be the probe. The probe
 * text parses as the review did: the two differ inside one string only.
 */
function cutsRequestUid(key: ReviewKey, uid: string): boolean {
  if (uid === PROBE) return false
  const { text, start, end } = key
  const probe = JSON.parse(text.slice(0, start) + PROBE + text.slice(end)) as { request: { uid?: unknown } }
  return probe.request.uid === PROBE
}

export class PatchCache {
  /**
   * Review key hash -> the answer, or null for a review seen once: most pods never come again,
   * and keeping their answers would only feed the garbage collector. Map order is least recently
   * used first.
   */
  private readonly entries = new Map<string, KeptAnswer | null>()
  private policy: Policy | undefined

  constructor(private readonly capacity: number) {}

  /** The answer kept for `key` under `policy`, if any. */
  recall(key: ReviewKey, policy: Policy): KeptAnswer | undefined {
    this.usePolicy(policy)
    const kept = this.entries.get(key.hash)
    if (!kept) return undefined
    this.entries.delete(key.hash)
    this.entries.set(key.hash, kept)
    return kept
  }

  /**
   * Notes the answer given under `policy` to the review `key` stands for (`uid`: its request.uid as
   * parsed); kept from the second time the review comes.
   */
  remember(key: ReviewKey, uid: string, policy: Policy, answer: KeptAnswer): void {
    this.usePolicy(policy)
    const seen = this.entries.has(key.hash)
    this.entries.delete(key.hash)
    this.entries.set(key.hash, seen && cutsRequestUid(key, uid) ? answer : null)
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string)
  }

  private usePolicy(policy: Policy): void {
    if (policy === this.policy) return
    this.entries.clear() // a reloaded policy may patch differently
    this.policy = policy
  }
}
