// Serving certificates from the shared CA (Secret store-admission-tls), kept trusted by the API
// server. Each round: read (or create, or renew) the CA, make both caBundles hold it, read them
// back, serve a certificate the read-back bundles trust, and be ready only when they trust it.
// After a CA renewal the old CA stays in the Secret and the bundles until it expires, and a replica
// moves to the new CA only once every bundle trusts it, so no request fails during a rotation.
import { X509Certificate } from 'node:crypto'
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node'
import type { Logger } from 'pino'
import { type TlsMaterial, issueServing, renewalTime, signedBy } from '../server/certs.js'
import { bundleCerts, bundleTrusts, syncCaBundles } from './ca-bundle.js'
import { type CaState, syncCaSecret } from './ca-secret.js'

export interface SharedCaOptions {
  namespace: string
  caValidityMs: number
  certValidityMs: number
  logger: Logger
  /** Serve this certificate from now on. */
  apply(tls: TlsMaterial): void
}

export interface SharedCa {
  /** Settles after the first round, whatever its outcome. */
  firstRound: Promise<void>
  /** The certificate served now (undefined until a round succeeded). */
  serving(): TlsMaterial | undefined
  /** True once every caBundle read back trusts the certificate served. */
  ready(): boolean
  stop(): void
}

const NOT_READY_RETRY_MS = 2000
const MAX_RECHECK_MS = 60_000

/** Whether `serving` should be replaced, given the CA state and which CA the bundles trust. */
export function servingDue(serving: TlsMaterial | undefined, state: CaState, currentTrusted: boolean, now: number): boolean {
  if (serving === undefined || now >= renewalTime(serving.cert)) return true
  const cert = new X509Certificate(serving.cert)
  if (signedBy(cert, state.current.cert)) return false
  // Signed by the previous CA: move over once the bundles trust the new one; by neither: at once.
  return currentTrusted || state.previous === undefined || !signedBy(cert, state.previous)
}

export function startSharedCa(kc: KubeConfig, o: SharedCaOptions): SharedCa {
  const core = kc.makeApiClient(CoreV1Api)
  let serving: TlsMaterial | undefined
  let ready = false
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  // Re-check often enough that a renewal (two thirds into the shorter life) is never late.
  const recheckMs = Math.max(1000, Math.min(MAX_RECHECK_MS, Math.min(o.caValidityMs, o.certValidityMs) / 20))

  const round = async (): Promise<void> => {
    const now = new Date()
    const state = await syncCaSecret(core, o.namespace, o.caValidityMs, o.logger, now)
    const trusted = [state.current.cert, ...(state.previous !== undefined && Date.parse(new X509Certificate(state.previous).validTo) > now.getTime() ? [state.previous] : [])]
    const bundles = await syncCaBundles(kc, trusted, o.logger)
    const currentTrusted = bundles.length > 0 && bundles.every((b) => bundleHolds(b, state.current.cert))
    if (servingDue(serving, state, currentTrusted, now.getTime())) {
      const fresh = await issueServing(state.current, o.namespace, now, o.certValidityMs)
      serving = fresh
      o.apply(fresh)
      o.logger.info({ notAfter: new X509Certificate(fresh.cert).validTo, secret: `${o.namespace}/store-admission-tls` }, 'serving a certificate of the shared CA')
    }
    const served = serving
    const nowReady = served !== undefined && bundles.length > 0 && bundles.every((b) => bundleTrusts(b, served.cert))
    if (nowReady !== ready) o.logger.info({ ready: nowReady }, nowReady ? 'caBundle trusts our certificate' : 'caBundle does not trust our certificate')
    ready = nowReady
  }

  const loop = async (): Promise<void> => {
    try {
      await round()
    } catch (err) {
      // The API server unreachable says nothing about the bundle: readiness stays as last seen.
      if (!stopped) o.logger.warn({ error: (err as Error).message }, 'shared CA not synced; retrying')
    }
    if (!stopped) {
      timer = setTimeout(() => void loop(), ready ? recheckMs : NOT_READY_RETRY_MS)
      timer.unref()
    }
  }
  return {
    firstRound: loop(),
    serving: () => serving,
    ready: () => ready,
    stop: () => {
      stopped = true
      clearTimeout(timer)
    },
  }
}

/** True when the bundle holds the CA `caPem` itself. */
function bundleHolds(b64: string | undefined, caPem: string): boolean {
  const fingerprint = new X509Certificate(caPem).fingerprint256
  return bundleCerts(b64).some((c) => c.fingerprint256 === fingerprint)
}
