// `store-admission audit`: the judgement of `check` on what runs in a live cluster: Pods as
// stored, pod controllers' templates as the pod they become. -o policyreport prints the
// PolicyReports the server's background audit would write.
import { stringify } from 'yaml'
import { auditSnapshot, type AuditResult } from '../audit/judge.js'
import { policyReports } from '../audit/report.js'
import { readSnapshot } from '../audit/snapshot.js'
import { describeException, isStoreNamespace } from '../pipeline/index.js'
import { FORMATS, type FormatName, type JudgedObject } from './formats/index.js'
import { readPolicy } from './input.js'
import { UsageError, type CliIO } from './io.js'

export interface AuditOptions {
  kubeconfig?: string | undefined
  namespace?: string | undefined
  policy?: string | undefined
  output: FormatName | 'policyreport'
}

const PROGRESS_AFTER_MS = 1000

/** Progress on stderr once listing has taken over a second, then at most once a second. */
function progress(io: CliIO): { report(kind: string, total: number): void; done(total: number): void } {
  const started = Date.now()
  let last = started
  return {
    report(kind, total) {
      const now = Date.now()
      if (now - started < PROGRESS_AFTER_MS || now - last < PROGRESS_AFTER_MS) return
      last = now
      io.stderr(`audit: listing ${kind}s: ${total} objects read\n`)
    },
    done(total) {
      const ms = Date.now() - started
      if (ms >= PROGRESS_AFTER_MS) io.stderr(`audit: read ${total} objects in ${(ms / 1000).toFixed(1)} s\n`)
    },
  }
}

const judged = (audit: AuditResult): JudgedObject[] =>
  audit.objects.map(({ kind, name, namespace, allowed, violations, warnings }) => ({ kind, name, namespace, allowed, violations, warnings }))

export async function auditCommand(options: AuditOptions, io: CliIO): Promise<number> {
  const policy = await readPolicy(options.policy)
  const { loadKubeConfig } = await import('../cluster/live.js')
  let kc
  try {
    kc = loadKubeConfig(options.kubeconfig)
  } catch (err) {
    throw new UsageError(`cannot load the kubeconfig: ${err instanceof Error ? err.message : String(err)}`)
  }
  const shown = progress(io)
  let read = 0
  let snapshot
  try {
    snapshot = await readSnapshot(kc, {
      namespace: options.namespace,
      onProgress: (kind, total) => { read = total; shown.report(kind, total) },
      onForbidden: (kind) => io.stderr(`note: may not list ${kind}s: references to them are not judged\n`),
    })
  } catch (err) {
    throw new UsageError(`cannot read the cluster (${kc.getCurrentCluster()?.server ?? 'no server'}): ${err instanceof Error ? err.message : String(err)}`)
  }
  shown.done(read)
  const now = new Date()
  const audit = auditSnapshot(snapshot, policy, now)
  for (const e of audit.expired) io.stderr(`note: ${describeException(e)}: expired, ignored\n`)
  if (options.namespace !== undefined && !isStoreNamespace(snapshot.namespaces.get(options.namespace), policy)) {
    io.stderr(`note: namespace ${options.namespace} is not a store namespace (no store.platform.io/tenant label, or excluded): nothing in it is judged\n`)
  }
  if (options.output === 'policyreport') {
    io.stdout(policyReports(audit, now).map((r) => stringify(r)).join('---\n'))
  } else {
    io.stdout(FORMATS[options.output](judged(audit)))
  }
  const denied = audit.objects.filter((o) => !o.allowed).length
  io.stderr(`audited ${audit.objects.length} object(s) in ${audit.storeNamespaces.length} store namespace(s): ${denied} violating\n`)
  return denied > 0 ? 1 : 0
}
