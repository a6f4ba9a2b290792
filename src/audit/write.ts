// Keeps the cluster's PolicyReports equal to an audit's: created where missing, replaced at the
// resourceVersion read (never blindly) where they differ, left alone where they do not (no churn),
// deleted where a namespace has no store objects left. Only reports we manage are touched.
import type { KubeConfig } from '@kubernetes/client-node'
import { listAll, requestJson } from '../cluster/api.js'
import { keepTimestamps, MANAGED_BY, REPORT_NAME, sameContent, type PolicyReport } from './report.js'

const COLLECTION = '/apis/wgpolicyk8s.io/v1alpha2/policyreports'
const FIELD_MANAGER = 'fieldManager=store-admission'
const inNamespace = (namespace: string): string => `/apis/wgpolicyk8s.io/v1alpha2/namespaces/${encodeURIComponent(namespace)}/policyreports`

export interface WriteOutcome {
  created: string[]
  updated: string[]
  unchanged: string[]
  deleted: string[]
}

/**
 * Makes the stored reports match `desired`. `mayWrite` is asked before every write, so a replica
 * that lost the lease mid-way stops writing.
 */
export async function syncReports(kc: KubeConfig, desired: PolicyReport[], mayWrite: () => boolean): Promise<WriteOutcome> {
  const labelSelector = Object.entries(MANAGED_BY).map(([k, v]) => `${k}=${v}`).join(',')
  const stored = (await listAll(kc, COLLECTION, { labelSelector }))
    .filter((r) => r.metadata?.name === REPORT_NAME) as unknown as PolicyReport[]
  const byNamespace = new Map(stored.map((r) => [r.metadata.namespace, r]))
  const outcome: WriteOutcome = { created: [], updated: [], unchanged: [], deleted: [] }
  const guard = (): void => {
    if (!mayWrite()) throw new Error('the audit lease was lost; reports left to its new holder')
  }
  for (const want of desired) {
    const namespace = want.metadata.namespace
    const have = byNamespace.get(namespace)
    byNamespace.delete(namespace)
    const report = keepTimestamps(want, have)
    if (have && sameContent(report, have)) {
      outcome.unchanged.push(namespace)
      continue
    }
    guard()
    if (have) {
      const body = { ...report, metadata: { ...have.metadata, labels: report.metadata.labels, annotations: { ...have.metadata.annotations, ...report.metadata.annotations } } }
      // `have`'s resourceVersion is the precondition: refused (409) if anyone wrote since.
      await requestJson(kc, `${inNamespace(namespace)}/${REPORT_NAME}?${FIELD_MANAGER}`, { method: 'PUT', body })
      outcome.updated.push(namespace)
    } else {
      await requestJson(kc, `${inNamespace(namespace)}?${FIELD_MANAGER}`, { method: 'POST', body: report })
      outcome.created.push(namespace)
    }
  }
  for (const [namespace, stale] of byNamespace) {
    guard()
    const preconditions = stale.metadata.resourceVersion ? { resourceVersion: stale.metadata.resourceVersion } : {}
    await requestJson(kc, `${inNamespace(namespace)}/${REPORT_NAME}`, { method: 'DELETE', body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions } })
    outcome.deleted.push(namespace)
  }
  return outcome
}
