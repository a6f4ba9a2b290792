// `store-admission serve`: flags, logger, signals. Resolves with the exit code after shutdown.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { pino } from 'pino'
import { CERT_DIR_FILES } from './certs.js'
import type { RunningServer, ServeOptions } from './start.js'

/**
 * pino's `"time"` field as pino.stdTimeFunctions.isoTime writes it (`2026-01-02T03:04:05.678Z`),
 * the date formatted once a second rather than for every line: a Date and its ISO string per
 * review cost four times as much as this.
 */
export const isoTime = ((): (() => string) => {
  let second = NaN
  let prefix = ''
  return () => {
    const now = Date.now()
    const ms = now % 1000
    if (now - ms !== second) {
      second = now - ms
      prefix = `,"time":"${new Date(second).toISOString().slice(0, 20)}`
    }
    return `${prefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z"`
  }
})()

const HELP = `Usage: store-admission serve [flags]

Runs the admission webhook over HTTPS: POST /mutate, POST /validate, GET /healthz, /readyz, /metrics.

Flags:
  --port N                  port to listen on (default 8443; 0 picks a free one)
  --host ADDR               address to listen on (default 0.0.0.0)
  --tls-cert F --tls-key F  serving certificate and key (PEM); reloaded when the files change (a
                            pair that is expired or does not match is refused and logged).
                            Without them, in a cluster: every replica signs its serving cert (SHA-256,
                            SANs for store-admission.<ns>.svc[.cluster.local], localhost, 127.0.0.1)
                            with one CA kept in the Secret store-admission-tls (created by the first
                            replica), keeps that CA in the caBundle of store-admission-mutate/-validate,
                            and is ready once the caBundle read back trusts its cert. CA and cert are
                            renewed two thirds into their life, the old CA trusted until it expires.
  --ca-validity-seconds N   life of a CA this replica creates in the Secret (default 3 years)
  --cert-validity-seconds N life of the serving cert it signs (default 90 days, never past the CA)
  --cert-dir DIR            with --static-namespaces: keep the generated CA and cert in DIR (ca.crt,
                            tls.crt, tls.key), reused while valid; give ca.crt to clients
  --policy F                policy YAML (default: built-in policy); reloaded when it changes, an
                            invalid change is refused and the last good policy kept
  --static-namespaces F     YAML with Namespace (and PVC/Secret/ConfigMap, pod controller and Pod)
                            objects; no cluster is used, and what the file lacks does not exist
  --kubeconfig F            kubeconfig (default: in-cluster or $KUBECONFIG / ~/.kube/config)
  --namespace NS            the webhook's own namespace (default: $POD_NAMESPACE, the service
                            account's namespace, or store-admission); never judged
  --body-limit BYTES        largest AdmissionReview accepted (default 3145728)
  --watch-interval-ms N      how often the policy and certificate files are polled (default 1000)
  --shutdown-delay-seconds N on SIGTERM, keep serving (with /readyz failing, every answer closing its
                            connection) this long before draining, so Service endpoints drop the pod
                            first (default 5 with a cluster, 0 with --static-namespaces)
  --shutdown-timeout-seconds N after the delay, answer what is in flight for at most this long, then
                            close every connection left and exit (default 20); keep delay + timeout
                            under the pod's terminationGracePeriodSeconds
  --audit-interval D        background audit of what runs in store namespaces (Pods, pod controllers):
                            every D (e.g. 30s, 10m, 1h; default 1h; 0 turns it off) and at once after a
                            policy change. One replica audits at a time, holding the Lease
                            store-admission-audit in --namespace; it keeps one PolicyReport
                            (wgpolicyk8s.io/v1alpha2) named store-admission per store namespace and
                            the gauge store_admission_audit_violations{namespace,rule}. Needs a cluster.
  --audit-identity NAME     this replica's name in the Lease (default: host name plus a random suffix)
  --log-level LEVEL         pino level: debug, info, warn, error (default info)
  -h, --help                show this help

A request must arrive whole within 3 s (headers within 2 s), under the API server's 5 s webhook
timeout; bodies over 64 KiB in flight share a 12 MiB budget (more wait, unread; 429 after 2 s) and
are parsed and judged one at a time. A body nested deeper than 64 levels, or holding more than one
object or array per 16 bytes of --body-limit, gets 400 before it is parsed.

Logs are JSON lines on stdout, one per review. SIGTERM/SIGINT drain in-flight reviews and exit 0.
`

const DAY_SECONDS = 86_400
const SA_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace'

function defaultNamespace(): string {
  if (process.env.POD_NAMESPACE) return process.env.POD_NAMESPACE
  if (existsSync(SA_NAMESPACE_FILE)) return readFileSync(SA_NAMESPACE_FILE, 'utf8').trim()
  return 'store-admission'
}

function intFlag(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > max) throw new Error(`--${name} must be an integer between 0 and ${max}, got "${value}"`)
  return n
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** A duration as Go writes it (`90s`, `1h30m`, `500ms`) or `0`, in milliseconds. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0
  const parts = /^(?:\d+(?:ms|s|m|h))+$/.test(text) ? text.match(/\d+(?:ms|s|m|h)/g) ?? [] : []
  if (parts.length === 0) return undefined
  return parts.reduce((sum, part) => {
    const unit = /ms|s|m|h/.exec(part)?.[0] ?? 'ms'
    return sum + Number(part.slice(0, -unit.length)) * (DURATION_UNITS_MS[unit] ?? 0)
  }, 0)
}

function durationFlag(name: string, value: string): number {
  const ms = parseDuration(value)
  if (ms === undefined) throw new Error(`--${name} must be a duration like 30s, 10m or 1h (0: off), got "${value}"`)
  return ms
}

export async function serveCommand(args: string[]): Promise<number> {
  let values
  try {
    values = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'cert-dir': { type: 'string' },
        policy: { type: 'string' },
        'static-namespaces': { type: 'string' },
        kubeconfig: { type: 'string' },
        namespace: { type: 'string' },
        'body-limit': { type: 'string' },
        'log-level': { type: 'string' },
        'watch-interval-ms': { type: 'string' },
        'shutdown-delay-seconds': { type: 'string' },
        'audit-interval': { type: 'string' },
        'audit-identity': { type: 'string' },
        'shutdown-timeout-seconds': { type: 'string' },
        'ca-validity-seconds': { type: 'string' },
        'cert-validity-seconds': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values
    if (values.help) {
      process.stdout.write(HELP)
      return 0
    }
    if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) throw new Error('--tls-cert and --tls-key go together')
    if (values['tls-cert'] !== undefined && values['cert-dir'] !== undefined) throw new Error('--cert-dir is for generated certs; it cannot be combined with --tls-cert')
    if (values['static-namespaces'] !== undefined && values.kubeconfig !== undefined) throw new Error('--static-namespaces runs without a cluster; drop --kubeconfig')
    if (values['cert-dir'] !== undefined && values['static-namespaces'] === undefined) throw new Error('--cert-dir is for --static-namespaces; in a cluster the CA lives in the Secret store-admission-tls')
  } catch (err) {
    process.stderr.write(`store-admission serve: ${(err as Error).message}\nRun "store-admission serve --help" for usage.\n`)
    return 2
  }

  // Asynchronous stdout (writes coalesce while one is in flight): a synchronous write per review
  // would dominate the hot path. No minLength buffering, so quiet periods still log at once.
  const destination = pino.destination({ dest: 1, sync: false })
  // Ends the stream in order (flushSync could overtake a write still in flight), then resolves.
  // Silenced first: a late line (a watch or retry settling) must not write to an ended stream.
  const flushLogs = (): Promise<void> =>
    new Promise((resolve) => {
      logger.level = 'silent'
      destination.once('close', () => resolve())
      destination.end()
    })
  const logger = pino({ level: values['log-level'] ?? 'info', base: { name: 'store-admission' }, timestamp: isoTime }, destination)
  let options: ServeOptions
  let shutdownDelayMs: number
  let shutdownTimeoutMs: number
  try {
    shutdownDelayMs = 1000 * intFlag('shutdown-delay-seconds', values['shutdown-delay-seconds'], values['static-namespaces'] === undefined ? 5 : 0, 300)
    shutdownTimeoutMs = 1000 * intFlag('shutdown-timeout-seconds', values['shutdown-timeout-seconds'], 20, 300)
    options = {
      port: intFlag('port', values.port, 8443, 65535),
      host: values.host ?? '0.0.0.0',
      tlsCert: values['tls-cert'],
      tlsKey: values['tls-key'],
      certDir: values['cert-dir'],
      policy: values.policy,
      staticNamespaces: values['static-namespaces'],
      kubeconfig: values.kubeconfig,
      namespace: values.namespace ?? defaultNamespace(),
      bodyLimit: intFlag('body-limit', values['body-limit'], 3 * 1024 * 1024, 64 * 1024 * 1024),
      watchIntervalMs: intFlag('watch-interval-ms', values['watch-interval-ms'], 1000, 600_000),
      auditIntervalMs: values['static-namespaces'] === undefined ? durationFlag('audit-interval', values['audit-interval'] ?? '1h') : 0,
      ...(values['audit-identity'] !== undefined ? { identity: values['audit-identity'] } : {}),
      caValidityMs: 1000 * intFlag('ca-validity-seconds', values['ca-validity-seconds'], 3 * 365 * DAY_SECONDS, 20 * 365 * DAY_SECONDS),
      certValidityMs: 1000 * intFlag('cert-validity-seconds', values['cert-validity-seconds'], 90 * DAY_SECONDS, 20 * 365 * DAY_SECONDS),
      logger,
    }
  } catch (err) {
    process.stderr.write(`store-admission serve: ${(err as Error).message}\n`)
    return 2
  }

  let server: RunningServer
  try {
    const { startServer } = await import('./start.js') // not needed for --help or flag errors
    server = await startServer(options)
  } catch (err) {
    logger.fatal({ error: (err as Error).message }, 'cannot start')
    await flushLogs()
    process.stderr.write(`store-admission serve: ${(err as Error).message}\n`)
    return 1
  }
  const caFile = options.certDir !== undefined ? join(options.certDir, CERT_DIR_FILES.ca) : undefined
  logger.info({ url: server.url, port: server.port, namespace: options.namespace, ...(caFile ? { caFile } : {}) }, 'listening')

  return new Promise<number>((resolve) => {
    const shutdown = (signal: NodeJS.Signals): void => {
      logger.info({ signal, delaySeconds: shutdownDelayMs / 1000 }, 'shutting down: draining in-flight reviews')
      server.unready()
      new Promise((r) => setTimeout(r, shutdownDelayMs)).then(() => server.close(shutdownTimeoutMs)).then(
        () => {
          logger.info('stopped')
          void flushLogs().then(() => resolve(0))
        },
        (err: unknown) => {
          logger.error({ error: (err as Error).message }, 'unclean shutdown')
          void flushLogs().then(() => resolve(1))
        },
      )
    }
    process.once('SIGTERM', shutdown)
    process.once('SIGINT', shutdown)
  })
}
