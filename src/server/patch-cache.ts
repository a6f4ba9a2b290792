// The encoded patches of recently mutated pods. The replicas of one ReplicaSet reach /mutate as the
// same object (the API server fills in name, uid and timestamps after admission), so a scale-up
// computes its patch twice, not once per replica. mutate is pure, so keying on all of its input
// (the pod, its namespace, the policy object) makes a hit exactly what a fresh computation would
// give. One exception: managedFields carry the second each replica was created in, and no mutation
// reads them.
import { createHash } from 'node:crypto'
import type { V1Pod } from '@kubernetes/client-node'
import type { NamespaceInfo } from '../pipeline/types.js'
import type { Policy } from '../policy/index.js'

export class PatchCache {
  /**
   * SHA-256 of the input -> base64 JSON Patch ('' for none), or null for a pod seen once: most
   * pods never come again, and keeping their patches would only feed the garbage collector.
   * Map order is least recently used first.
   */
  private readonly entries = new Map<string, string | null>()
  private policy: Policy | undefined

  constructor(private readonly capacity: number) {}

  encodedPatch(pod: V1Pod, ns: NamespaceInfo, policy: Policy, compute: () => string): string {
    if (policy !== this.policy) {
      this.entries.clear() // a reloaded policy may patch differently
      this.policy = policy
    }
    const { managedFields: _, ...metadata } = pod.metadata ?? {}
    const key = createHash('sha256')
      .update(`${ns.name}\n${JSON.stringify(ns.labels)}\n${JSON.stringify({ ...pod, metadata })}`)
      .digest('base64')
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
