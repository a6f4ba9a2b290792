// One auditing replica at a time: a coordination.k8s.io Lease, taken and renewed only with the
// API server's optimistic concurrency (create, or replace at the resourceVersion read), so two
// replicas can never both believe they hold it. Expiry is judged on our own clock, from when we
// last saw the lease change (as client-go's leader election does), so clock skew does not matter.
import type { KubeConfig } from '@kubernetes/client-node'
import { ApiError, requestJson } from '../cluster/api.js'

export const LEASE_NAME = 'store-admission-audit'
export const LEASE_SECONDS = 15

interface Lease {
  apiVersion: 'coordination.k8s.io/v1'
  kind: 'Lease'
  metadata: { name: string; namespace: string; resourceVersion?: string }
  spec: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number }
}

export interface LeaseState {
  holder: boolean
  /** Holder seen in the lease (us, another replica, or '' when unknown or free). */
  seenHolder: string
}

const codeOf = (err: unknown): number | undefined => (err instanceof ApiError ? err.code : undefined)
/** MicroTime: RFC 3339 with exactly six fractional digits. */
const microTime = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')

export class AuditLease {
  private readonly path: string
  private observed: { resourceVersion: string; at: number } | undefined
  private renewedAt = Number.NEGATIVE_INFINITY

  constructor(private readonly kc: KubeConfig, private readonly namespace: string, readonly identity: string, private readonly clock: () => number = Date.now) {
    this.path = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases`
  }

  /** True while our last successful renewal is younger than the lease: safe to write. */
  holds(): boolean {
    return this.clock() - this.renewedAt < LEASE_SECONDS * 1000
  }

  /** Takes the lease if free or expired, renews it if ours; says who holds it. */
  async tick(): Promise<LeaseState> {
    const now = this.clock()
    let lease: Lease
    try {
      lease = await requestJson<Lease>(this.kc, `${this.path}/${LEASE_NAME}`)
    } catch (err) {
      if (codeOf(err) !== 404) throw err
      return this.write('POST', this.path, this.fresh(now, 0), now)
    }
    const rv = lease.metadata.resourceVersion ?? ''
    if (this.observed?.resourceVersion !== rv) this.observed = { resourceVersion: rv, at: now }
    const holder = lease.spec.holderIdentity ?? ''
    const seconds = lease.spec.leaseDurationSeconds ?? LEASE_SECONDS
    const ours = holder === this.identity
    if (!ours && holder !== '' && now - this.observed.at < seconds * 1000) {
      this.renewedAt = Number.NEGATIVE_INFINITY
      return { holder: false, seenHolder: holder }
    }
    const body = this.fresh(now, (lease.spec.leaseTransitions ?? 0) + (ours ? 0 : 1))
    body.metadata.resourceVersion = rv // the precondition: refused (409) if anyone wrote since
    if (ours && lease.spec.acquireTime) body.spec.acquireTime = lease.spec.acquireTime
    return this.write('PUT', `${this.path}/${LEASE_NAME}`, body, now)
  }

  /** Frees the lease (if ours) so another replica takes over at once. */
  async release(): Promise<void> {
    if (!this.holds()) return
    this.renewedAt = Number.NEGATIVE_INFINITY
    const lease = await requestJson<Lease>(this.kc, `${this.path}/${LEASE_NAME}`)
    if (lease.spec.holderIdentity !== this.identity) return
    const body: Lease = { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 } }
    await requestJson(this.kc, `${this.path}/${LEASE_NAME}`, { method: 'PUT', body })
  }

  private fresh(now: number, transitions: number): Lease {
    const time = microTime(now)
    return {
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
      metadata: { name: LEASE_NAME, namespace: this.namespace },
      spec: { holderIdentity: this.identity, leaseDurationSeconds: LEASE_SECONDS, acquireTime: time, renewTime: time, leaseTransitions: transitions },
    }
  }

  private async write(method: 'POST' | 'PUT', path: string, body: Lease, now: number): Promise<LeaseState> {
    try {
      const written = await requestJson<Lease>(this.kc, path, { method, body })
      this.observed = { resourceVersion: written.metadata.resourceVersion ?? '', at: now }
      this.renewedAt = now
      return { holder: true, seenHolder: this.identity }
    } catch (err) {
      // 409: another replica wrote the lease since we read it; it holds it now.
      if (codeOf(err) !== 409) throw err
      this.renewedAt = Number.NEGATIVE_INFINITY
      return { holder: false, seenHolder: '' }
    }
  }
}
