// The encoded patches of recently mutated pods. The replicas of one ReplicaSet reach /mutate as the
// same object (the API server fills in name, uid and timestamps after admission), so a scale-up
// computes its patch twice, not once per burst of replicas.
//
// The key is the review's own text, not the parsed pod serialized again (which cost more than the
// hash). It must make a hit exactly what a fresh computation would give; mutate is pure, so it
// must bind all of mutate's input: the pod (in the text), its namespace's name (in the text) and
// labels (from the cluster, hashed in) and the policy (the cache is emptied when it changes). See
// `reviewKey` for why cutting out the uid keeps that so.
import { createHash } from 'node:crypto'
import type { NamespaceInfo } from '../pipeline/types.js'
import type { Policy } from '../policy/index.js'

/**
 * The cache key of a review: SHA-256 of the namespace (name, labels), of where request.uid's
 * `"uid":"..."` first appears in the body text, and of the text around it. Undefined when the uid
 * is not written that way (not cached then).
 *
 * Two reviews with one key have the same text but for one JSON string value, at the same place.
 * In a review the API server sends, the uid is new for that request (whoever wrote the object
 * could not know it), so that value is request.uid. Any review with the same key, sent by anyone,
 * therefore carries the same object for the same namespace. Replicas created in another second
 * differ in managedFields and so miss, which costs one computation.
 */
export function reviewKey(text: string, uid: string, ns: NamespaceInfo): string | undefined {
  const uidField = `"uid":${JSON.stringify(uid)}`
  const at = text.indexOf(uidField)
  if (at < 0) return undefined
  return createHash('sha256')
    .update(`${ns.name}\n${JSON.stringify(ns.labels)}\n${at}\n`)
    .update(text.slice(0, at))
    .update(text.slice(at + uidField.length))
    .digest('base64')
}

export class PatchCache {
  /**
   * Review key -> base64 JSON Patch ('' for none), or null for a pod seen once: most pods never
   * come again, and keeping their patches would only feed the garbage collector.
   * Map order is least recently used first.
   */
  private readonly entries = new Map<string, string | null>()
  private policy: Policy | undefined

  constructor(private readonly capacity: number) {}

  /** The patch for `key` under `policy`: cached, or `compute()`d (always, for an undefined key). */
  encodedPatch(key: string | undefined, policy: Policy, compute: () => string): string {
    if (policy !== this.policy) {
      this.entries.clear() // a reloaded policy may patch differently
      this.policy = policy
    }
    if (key === undefined) return compute()
    const cached = this.entries.get(key)
    if (cached !== undefined) this.entries.delete(key)
    if (typeof cached === 'string') {
      this.entries.set(key, cached)
      return cached
    }
    const encoded = compute()
    this.entries.set(key, cached === undefined ? null : encoded)
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string)
    return encoded
  }
}
