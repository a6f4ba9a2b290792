// Wires the server together: policy, cluster view, TLS, the fastify app; and takes it apart again.
import type { Logger } from 'pino'
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { KubeConfig } from '@kubernetes/client-node'
import type { ClusterView } from '../cluster/types.js'
import { describeException, expiredExceptions } from '../pipeline/index.js'
import { loadStaticCluster } from '../cluster/static.js'
import { type App, buildApp, secureContextOptions } from './app.js'
import { certExpirySeconds, generateTls } from './certs.js'
import { createMetrics } from './metrics.js'
import { startPolicySource } from './policy-source.js'
import { type ServingTls, loadServingTls, watchTlsFiles } from './tls-source.js'

/** How long start waits for the shared CA's first round before serving a throwaway cert (not ready). */
const FIRST_CA_ROUND_MS = 15_000

export interface ServeOptions {
  port: number
  host: string
  tlsCert?: string
  tlsKey?: string
  certDir?: string
  policy?: string
  staticNamespaces?: string
  kubeconfig?: string
  /** The webhook's own namespace: in the serving cert's names and never judged. */
  namespace: string
  bodyLimit: number
  /** How often watched files (policy, certs) are polled. */
  watchIntervalMs: number
  /** Background audit interval; 0 or absent: off (it needs a cluster). */
  auditIntervalMs?: number
  /** This replica's name in the audit Lease (default: host name and a random suffix). */
  identity?: string
  /** Life of a shared CA this replica creates, and of the serving certs it signs. */
  caValidityMs?: number
  certValidityMs?: number
  logger: Logger
}

export interface RunningServer {
  app: App
  port: number
  url: string
  /** PEM of the generated CA (undefined with --tls-* files). */
  ca: string | undefined
  /** /readyz answers 503 from now on (so endpoints drop us) while reviews are still served. */
  unready(): void
  /** Stops: reviews in flight are answered for up to `graceMs`, then every connection left is closed. */
  close(graceMs?: number): Promise<void>
}

const DEFAULT_CA_VALIDITY_MS = 3 * 365 * 86_400_000
const DEFAULT_CERT_VALIDITY_MS = 90 * 86_400_000
const DEFAULT_GRACE_MS = 20_000

/** app.close(), but connections still open after `graceMs` (a stalled client) are cut. */
async function closeWithin(app: App, graceMs: number): Promise<void> {
  const timer = setTimeout(() => app.server.closeAllConnections(), graceMs)
  try {
    await app.close()
  } finally {
    clearTimeout(timer)
  }
}

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const { logger } = o
  const metrics = createMetrics()
  const policy = startPolicySource(o.policy, o.watchIntervalMs, logger, metrics)
  const stops: (() => void | Promise<void>)[] = [policy.stop]
  for (const e of expiredExceptions(policy.current().exceptions, new Date())) {
    logger.warn({ exception: describeException(e) }, 'policy exception expired: ignored')
  }
  let shuttingDown = false
  let graceMs = DEFAULT_GRACE_MS
  let closing: Promise<void> | undefined
  const cleanup = (): Promise<void> => {
    // Reverse order of start: stop watchers, drain in-flight reviews, then stop the caches.
    closing ??= (async () => {
      for (const stop of [...stops].reverse()) await stop()
    })()
    return closing
  }
  try {
    let cluster: ClusterView
    let kc: KubeConfig | undefined
    let caReady = (): boolean => true
    let tls: ServingTls
    // The shared CA swaps certificates in once the app exists; before that the first one is kept.
    const started: { app?: App } = {}
    const serve = (pair: { key: string; cert: string }): void => {
      metrics.certExpiry.set(certExpirySeconds(pair.cert))
      started.app?.server.setSecureContext(secureContextOptions(pair))
    }
    if (o.staticNamespaces !== undefined) {
      cluster = loadStaticCluster(o.staticNamespaces)
      tls = await loadServingTls({ certFile: o.tlsCert, keyFile: o.tlsKey, certDir: o.certDir, namespace: o.namespace })
    } else {
      // Loaded only here: @kubernetes/client-node alone takes over a second to import.
      const { loadKubeConfig, startLiveCluster } = await import('../cluster/live.js')
      kc = loadKubeConfig(o.kubeconfig)
      logger.info({ server: kc.getCurrentCluster()?.server }, 'watching the cluster')
      cluster = startLiveCluster(kc, logger)
      stops.push(() => cluster.stop())
      if (o.tlsCert !== undefined && o.tlsKey !== undefined) {
        tls = await loadServingTls({ certFile: o.tlsCert, keyFile: o.tlsKey, namespace: o.namespace })
      } else {
        const { startSharedCa } = await import('../cluster/shared-ca.js')
        const shared = startSharedCa(kc, {
          namespace: o.namespace,
          caValidityMs: o.caValidityMs ?? DEFAULT_CA_VALIDITY_MS,
          certValidityMs: o.certValidityMs ?? DEFAULT_CERT_VALIDITY_MS,
          logger,
          apply: serve,
        })
        stops.push(shared.stop)
        await Promise.race([shared.firstRound, new Promise((r) => setTimeout(r, FIRST_CA_ROUND_MS).unref())])
        // No answer from the API server yet: a throwaway cert until a round succeeds (not ready meanwhile).
        tls = shared.serving() ?? (await generateTls(o.namespace))
        caReady = shared.ready
      }
    }
    if (o.staticNamespaces !== undefined) stops.push(() => cluster.stop())
    if (o.auditIntervalMs && kc) {
      const { startBackgroundAudit } = await import('./background-audit.js')
      const identity = o.identity ?? `${hostname()}-${randomBytes(3).toString('hex')}`
      const audit = startBackgroundAudit({ kc, namespace: o.namespace, identity, intervalMs: o.auditIntervalMs, policy: policy.current, logger, metrics })
      stops.push(audit.stop)
    }
    metrics.certExpiry.set(certExpirySeconds(tls.cert))

    const app = buildApp({
      key: tls.key,
      cert: tls.cert,
      bodyLimit: o.bodyLimit,
      logger,
      metrics,
      review: { policy: policy.current, cluster, ownNamespace: o.namespace, logger },
      pending: () => [
        ...(cluster.synced() ? [] : ['namespace cache']),
        ...(caReady() ? [] : ['webhook caBundle trusting our certificate']),
        ...(shuttingDown ? ['shutdown'] : []),
      ],
      draining: () => shuttingDown,
    })
    started.app = app
    stops.push(() => closeWithin(app, graceMs))
    if (o.tlsCert !== undefined && o.tlsKey !== undefined) stops.push(watchTlsFiles(o.tlsCert, o.tlsKey, o.watchIntervalMs, logger, serve))
    await app.listen({ port: o.port, host: o.host })
    const address = app.server.address()
    const port = typeof address === 'object' && address !== null ? address.port : o.port
    const host = o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host
    return {
      app,
      port,
      url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
      ca: tls.ca,
      unready: () => { shuttingDown = true },
      close: (grace?: number) => {
        shuttingDown = true
        if (grace !== undefined) graceMs = grace
        return cleanup()
      },
    }
  } catch (err) {
    await cleanup()
    throw err
  }
}
