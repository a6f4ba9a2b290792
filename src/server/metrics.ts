// Prometheus metrics of the webhook, on a registry of its own so that tests and several
// servers in one process never collide on prom-client's global registry.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

export interface Metrics {
  registry: Registry
  requests: Counter<'webhook' | 'operation' | 'kind' | 'decision'>
  duration: Histogram<'webhook'>
  violations: Counter<'rule'>
  certExpiry: Gauge
  policyReloadFailures: Counter
  auditViolations: Gauge<'namespace' | 'rule'>
  auditLastRun: Gauge
}

export function createMetrics(): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  return {
    registry,
    requests: new Counter({
      name: 'store_admission_requests_total',
      help: 'Admission reviews answered, by webhook, operation, object kind and decision',
      labelNames: ['webhook', 'operation', 'kind', 'decision'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'store_admission_duration_seconds',
      help: 'Time to answer an admission review, from parsed body to response',
      labelNames: ['webhook'],
      // The API server gives us at most 5 s, reviews normally take well under a millisecond.
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 1, 5],
      registers: [registry],
    }),
    violations: new Counter({
      name: 'store_admission_violations_total',
      help: 'Rule violations found (denials and warnings), by rule',
      labelNames: ['rule'],
      registers: [registry],
    }),
    certExpiry: new Gauge({
      name: 'store_admission_cert_expiry_timestamp_seconds',
      help: 'Expiry (notAfter) of the serving certificate, as a Unix timestamp',
      registers: [registry],
    }),
    policyReloadFailures: new Counter({
      name: 'store_admission_policy_reload_failures_total',
      help: 'Policy file changes refused as invalid (the last good policy stays in force)',
      registers: [registry],
    }),
    auditViolations: new Gauge({
      name: 'store_admission_audit_violations',
      help: 'Objects running in a store namespace that the policy now denies, by namespace and rule, as of the last background audit (exported by the audit lease holder only)',
      labelNames: ['namespace', 'rule'],
      registers: [registry],
    }),
    auditLastRun: new Gauge({
      name: 'store_admission_audit_last_run_timestamp_seconds',
      help: 'Start of the last completed background audit, as a Unix timestamp (lease holder only)',
      registers: [registry],
    }),
  }
}
