// PolicyReports (wgpolicyk8s.io/v1alpha2) of an audit: one per store namespace, named
// store-admission, with a result per object and rule: fail (a denial), warn (a warning, or a
// denial a policy exception lets through, named in the result's properties), pass.
import { formatViolation, type RuleId, type Violation } from '../pipeline/index.js'
import type { AuditedObject, AuditResult } from './judge.js'

export const REPORT_NAME = 'store-admission'
export const REPORT_API_VERSION = 'wgpolicyk8s.io/v1alpha2'
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'store-admission' } as const

type ResultValue = 'pass' | 'fail' | 'warn' | 'error' | 'skip'
type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info'

export interface ReportResult {
  source: string
  policy: string
  rule: string
  category: string
  severity: Severity
  result: ResultValue
  scored: boolean
  message: string
  resources: { apiVersion: string; kind: string; name: string; namespace: string; uid: string }[]
  timestamp: { seconds: number; nanos: number }
  properties?: Record<string, string>
}

export interface PolicyReport {
  apiVersion: typeof REPORT_API_VERSION
  kind: 'PolicyReport'
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations?: Record<string, string>; resourceVersion?: string }
  summary: Record<ResultValue, number>
  results: ReportResult[]
}

const TENANCY: readonly RuleId[] = ['tenant-mismatch', 'tenant-missing', 'cross-tenant-reference', 'tenant-identity', 'tenant-selector', 'namespace-tenant']
const SUPPLY_CHAIN: readonly RuleId[] = ['image-tag', 'image-registry']
/** What breaks isolation between tenants or from the node. */
const HIGH: readonly RuleId[] = [
  ...TENANCY, 'privileged', 'privilege-escalation', 'host-namespaces', 'host-ports', 'host-process',
  'capabilities', 'run-as-root', 'volume-types', 'proc-mount', 'selinux', 'apparmor', 'sysctls',
]

function categoryOf(rule: RuleId): string {
  if (TENANCY.includes(rule)) return 'Tenancy'
  if (SUPPLY_CHAIN.includes(rule)) return 'Supply chain'
  if (rule === 'resources' || rule === 'storefront-shape') return 'Store workloads'
  return 'Pod Security'
}

const severityOf = (rule: RuleId): Severity => (HIGH.includes(rule) ? 'high' : rule === 'image-registry' || rule === 'seccomp' || rule === 'service-account-token' ? 'medium' : 'low')

function resultsOf(o: AuditedObject, timestamp: ReportResult['timestamp']): ReportResult[] {
  const resource = { apiVersion: o.apiVersion, kind: o.kind, name: o.name, namespace: o.namespace, uid: o.uid }
  const base = (rule: RuleId, result: ResultValue, message: string): ReportResult => ({
    source: REPORT_NAME, policy: REPORT_NAME, rule, category: categoryOf(rule), severity: severityOf(rule),
    result, scored: true, message, resources: [resource], timestamp,
  })
  const byRule = new Map<RuleId, Violation[]>()
  for (const v of [...o.violations, ...o.warnings]) byRule.set(v.rule, [...byRule.get(v.rule) ?? [], v])
  const results: ReportResult[] = []
  for (const [rule, found] of byRule) {
    const denied = o.violations.some((v) => v.rule === rule)
    // The denial's own text: one `<rule>: <path>: <reason>` line per violation.
    const r = base(rule, denied ? 'fail' : 'warn', found.map(formatViolation).join('\n'))
    const exception = found.find((v) => v.exception)?.exception
    if (exception && !denied) {
      r.properties = { exception: `${exception.namespace}/${exception.kind}/${exception.name}`, exceptionExpires: exception.expires, exceptionReason: exception.reason }
    }
    results.push(r)
  }
  for (const rule of o.passed) results.push(base(rule, 'pass', `${rule}: passed`))
  return results
}

/** The report of every store namespace holding judged objects; `now` stamps the results. */
export function policyReports(audit: AuditResult, now: Date): PolicyReport[] {
  const timestamp = { seconds: Math.floor(now.getTime() / 1000), nanos: 0 }
  const byNamespace = new Map<string, ReportResult[]>()
  for (const o of audit.objects) byNamespace.set(o.namespace, [...byNamespace.get(o.namespace) ?? [], ...resultsOf(o, timestamp)])
  return [...byNamespace].map(([namespace, results]) => ({
    apiVersion: REPORT_API_VERSION,
    kind: 'PolicyReport',
    metadata: { name: REPORT_NAME, namespace, labels: { ...MANAGED_BY } },
    summary: summarize(results),
    results,
  }))
}

function summarize(results: ReportResult[]): PolicyReport['summary'] {
  const summary = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 }
  for (const r of results) summary[r.result]++
  return summary
}

/** JSON with keys sorted: the API server gives a stored report's keys back in its own order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null'
  const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
}

/** A result's identity and content, without its time: equal keys mean nothing changed. */
const resultKey = (r: ReportResult): string => canonical({ ...r, timestamp: undefined })

/**
 * `desired` with the timestamps of `existing` kept for results that did not change, so an
 * unchanged namespace gives a report equal to the stored one and is not written again.
 */
export function keepTimestamps(desired: PolicyReport, existing: Pick<PolicyReport, 'results'> | undefined): PolicyReport {
  const before = new Map((existing?.results ?? []).map((r) => [resultKey(r), r.timestamp]))
  return { ...desired, results: desired.results.map((r) => ({ ...r, timestamp: before.get(resultKey(r)) ?? r.timestamp })) }
}

/** True when a stored report already says what `desired` says: results, summary, our labels and annotations. */
export function sameContent(desired: PolicyReport, existing: PolicyReport): boolean {
  const includes = (ours: Record<string, string> | undefined, theirs: Record<string, string> | undefined): boolean =>
    Object.entries(ours ?? {}).every(([k, v]) => theirs?.[k] === v)
  return canonical([desired.results, desired.summary]) === canonical([existing.results, existing.summary]) &&
    includes(desired.metadata.labels, existing.metadata.labels) && includes(desired.metadata.annotations, existing.metadata.annotations)
}
