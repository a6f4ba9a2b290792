// The encoded patches of recently mutated pods. The replicas of one ReplicaSet reach /mutate as the
// same object (the API server fills in name, uid and timestamps after admission), so a scale-up
// computes its patch once. mutate is pure, so keying on all of its input (the pod, its namespace,
// the policy object) makes a hit exactly what a fresh computation would give. One exception:
// managedFields carry the second each replica was created in, and no mutation reads them.
import type { V1Pod } from '@kubernetes/client-node'
import type { NamespaceInfo } from '../pipeline/types.js'
import type { Policy } from '../policy/index.js'

export class PatchCache {
  /** Key -> base64 JSON Patch ('' for none); Map order is least recently used first. */
  private readonly entries = new Map<string, string>()
  private policy: Policy | undefined

  constructor(private readonly capacity: number) {}

  encodedPatch(pod: V1Pod, ns: NamespaceInfo, policy: Policy, compute: () => string): string {
    if (policy !== this.policy) {
      this.entries.clear() // a reloaded policy may patch differently
      this.policy = policy
    }
    const { managedFields: _, ...metadata } = pod.metadata ?? {}
    const key = `${ns.name}\n${JSON.stringify(ns.labels)}\n${JSON.stringify({ ...pod, metadata })}`
    const hit = this.entries.get(key)
    if (hit !== undefined) {
      this.entries.delete(key)
      this.entries.set(key, hit)
      return hit
    }
    const encoded = compute()
    this.entries.set(key, encoded)
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string)
    return encoded
  }
}
