// Cache, then live: the ResourceLookup the server judges a request with. The pipeline is
// synchronous, so a judgement that asks for an object the cache lacks is made again once those
// objects have been read from the API server (metadata only).
import type { LookupKind, ResourceLookup } from '../pipeline/types.js'
import type { ClusterView } from './types.js'

/** Rounds of fetching before a judgement stands: owners and references are all asked in the first. */
const MAX_ROUNDS = 3

export class ResolvingLookup implements ResourceLookup {
  /** Every object it does not know has been looked up live: unknown means missing. */
  readonly exhaustive = true
  private readonly fetched = new Map<string, Record<string, string> | undefined>()
  private missed = new Map<string, [LookupKind, string, string]>()

  constructor(private readonly cluster: ClusterView) {}

  labelsOf(kind: LookupKind, namespace: string, name: string): Record<string, string> | undefined {
    const key = `${kind}/${namespace}/${name}`
    if (this.fetched.has(key)) return this.fetched.get(key)
    const cached = this.cluster.labelsOf(kind, namespace, name)
    if (cached === undefined) this.missed.set(key, [kind, namespace, name])
    return cached
  }

  /** Reads what the judgements since the last call missed; false when they missed nothing. */
  async fetchMissed(): Promise<boolean> {
    const missed = [...this.missed]
    this.missed = new Map()
    const labels = await Promise.all(missed.map(([, [kind, namespace, name]]) => this.cluster.fetchLabels(kind, namespace, name)))
    missed.forEach(([key], i) => this.fetched.set(key, labels[i]))
    return missed.length > 0
  }

  /** `judge` made with every object it asks for known: re-run while it asks for one not yet read. */
  async settle<T>(judge: (lookup: ResourceLookup) => T): Promise<T> {
    let result = judge(this)
    for (let round = 0; round < MAX_ROUNDS && (await this.fetchMissed()); round++) result = judge(this)
    return result
  }
}
