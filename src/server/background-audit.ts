// The server's background audit: while this replica holds the audit Lease, it judges what runs in
// store namespaces every interval, and at once after a policy change, and keeps the PolicyReports
// and the store_admission_audit_violations gauge up to date. Replicas without the lease only wait.
import type { KubeConfig } from '@kubernetes/client-node'
import type { Logger } from 'pino'
import { auditSnapshot, type AuditResult } from '../audit/judge.js'
import { AuditLease, LEASE_SECONDS } from '../audit/lease.js'
import { policyReports } from '../audit/report.js'
import { readSnapshot } from '../audit/snapshot.js'
import { syncReports } from '../audit/write.js'
import { describeException } from '../pipeline/index.js'
import type { Policy } from '../policy/index.js'
import type { Metrics } from './metrics.js'

/** Annotation on each report naming the replica (lease holder) that wrote it. */
export const AUDITED_BY = 'store.platform.io/audited-by'
/** How often the lease is renewed (or tried), a third of its duration. */
const TICK_MS = (LEASE_SECONDS * 1000) / 3
const RETRY_MS = 60_000

export interface BackgroundAuditOptions {
  kc: KubeConfig
  /** Where the Lease lives: the webhook's own namespace. */
  namespace: string
  identity: string
  intervalMs: number
  policy(): Policy
  logger: Logger
  metrics: Metrics
}

export interface BackgroundAudit {
  stop(): Promise<void>
}

export function startBackgroundAudit(o: BackgroundAuditOptions): BackgroundAudit {
  const lease = new AuditLease(o.kc, o.namespace, o.identity)
  const log = o.logger.child({ component: 'audit', identity: o.identity })
  let audited: { policy: Policy; at: number } | undefined
  let holding: boolean | undefined
  let running: Promise<void> | undefined
  let ticking: Promise<void> | undefined
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  const aborts = new AbortController()
  const unlisted = new Set<string>()
  const onForbidden = (kind: string): void => {
    if (unlisted.has(kind)) return
    unlisted.add(kind)
    log.info({ kind }, 'may not list this kind cluster-wide (least privilege): references to it are not judged by the audit')
  }

  const audit = async (policy: Policy): Promise<void> => {
    const started = Date.now()
    const now = new Date()
    const result = auditSnapshot(await readSnapshot(o.kc, { signal: aborts.signal, onForbidden }), policy, now)
    const reports = policyReports(result, now).map((r) => ({ ...r, metadata: { ...r.metadata, annotations: { [AUDITED_BY]: o.identity } } }))
    const outcome = await syncReports(o.kc, reports, () => !stopped && lease.holds())
    setGauge(o.metrics, result)
    o.metrics.auditLastRun.set(started / 1000)
    for (const e of result.expired) log.warn({ exception: describeException(e) }, 'policy exception expired: ignored')
    const failing = result.objects.filter((r) => !r.allowed).length
    log.info({ objects: result.objects.length, failing, ...outcome, durationMs: Date.now() - started }, 'audit done')
  }

  const tick = async (): Promise<void> => {
    try {
      const state = await lease.tick()
      if (state.holder !== holding) log.info({ holder: state.seenHolder || undefined }, state.holder ? 'audit lease acquired' : 'audit lease held by another replica')
      holding = state.holder
      if (!holding) {
        o.metrics.auditViolations.reset() // only the holder reports
        return
      }
      const policy = o.policy()
      const due = !audited || audited.policy !== policy || Date.now() - audited.at >= o.intervalMs
      if (!due || running) return
      const reason = !audited ? 'first' : audited.policy !== policy ? 'policy changed' : 'interval'
      log.info({ reason }, 'audit starting')
      audited = { policy, at: Date.now() }
      // Not awaited: the lease keeps being renewed while a long audit runs.
      running = audit(policy)
        .catch((err: unknown) => {
          if (stopped) return
          log.warn({ error: err instanceof Error ? err.message : String(err) }, 'audit failed; retrying within a minute')
          audited = { policy, at: Date.now() - o.intervalMs + Math.min(o.intervalMs, RETRY_MS) }
        })
        .finally(() => { running = undefined })
    } catch (err) {
      if (!stopped) log.warn({ error: err instanceof Error ? err.message : String(err) }, 'audit lease not renewed; retrying')
    } finally {
      if (!stopped) timer = setTimeout(() => { ticking = tick() }, TICK_MS)
    }
  }
  ticking = tick()

  return {
    stop: async () => {
      stopped = true
      clearTimeout(timer)
      aborts.abort()
      // A renewal in flight must land before the release, or it would take the lease back.
      await ticking
      await running
      try {
        await lease.release()
      } catch (err) {
        log.warn({ error: err instanceof Error ? err.message : String(err) }, 'audit lease not released; it expires on its own')
      }
    },
  }
}

function setGauge(metrics: Metrics, result: AuditResult): void {
  metrics.auditViolations.reset()
  for (const o of result.objects) {
    for (const rule of new Set(o.violations.map((v) => v.rule))) metrics.auditViolations.inc({ namespace: o.namespace, rule })
  }
}
