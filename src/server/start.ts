// Wires the server together: policy, cluster view, TLS, the fastify app; and takes it apart again.
import type { Logger } from 'pino'
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { KubeConfig } from '@kubernetes/client-node'
import type { ClusterView } from '../cluster/types.js'
import { describeException, expiredExceptions } from '../pipeline/index.js'
import { loadStaticCluster } from '../cluster/static.js'
import { type App, TLS_MIN_VERSION, buildApp } from './app.js'
import { certExpirySeconds } from './certs.js'
import { createMetrics } from './metrics.js'
import { startPolicySource } from './policy-source.js'
import { loadServingTls, watchTlsFiles } from './tls-source.js'

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
  close(): Promise<void>
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
    let caSynced = (): boolean => true
    const tls = await loadServingTls({ certFile: o.tlsCert, keyFile: o.tlsKey, certDir: o.certDir, namespace: o.namespace })
    if (o.staticNamespaces !== undefined) {
      cluster = loadStaticCluster(o.staticNamespaces)
    } else {
      // Loaded only here: @kubernetes/client-node alone takes over a second to import.
      const { loadKubeConfig, startLiveCluster } = await import('../cluster/live.js')
      kc = loadKubeConfig(o.kubeconfig)
      logger.info({ server: kc.getCurrentCluster()?.server }, 'watching the cluster')
      cluster = startLiveCluster(kc, logger)
      if (tls.ca !== undefined) {
        const { startCaBundleSync } = await import('../cluster/ca-bundle.js')
        const sync = startCaBundleSync(kc, tls.ca, logger)
        stops.push(sync.stop)
        caSynced = sync.done
      }
    }
    stops.push(() => cluster.stop())
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
        ...(caSynced() ? [] : ['webhook caBundle']),
        ...(shuttingDown ? ['shutdown'] : []),
      ],
    })
    stops.push(() => app.close())
    if (o.tlsCert !== undefined && o.tlsKey !== undefined) {
      stops.push(
        watchTlsFiles(o.tlsCert, o.tlsKey, o.watchIntervalMs, logger, (pair) => {
          app.server.setSecureContext({ ...pair, minVersion: TLS_MIN_VERSION })
          metrics.certExpiry.set(certExpirySeconds(pair.cert))
        }),
      )
    }
    await app.listen({ port: o.port, host: o.host })
    const address = app.server.address()
    const port = typeof address === 'object' && address !== null ? address.port : o.port
    const host = o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host
    return { app, port, url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`, ca: tls.ca, unready: () => { shuttingDown = true }, close: cleanup }
  } catch (err) {
    await cleanup()
    throw err
  }
}
