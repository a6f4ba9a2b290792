// Keeps our CA in the caBundle of both webhook configurations. Every replica generates its own CA,
// so the bundle is a set: ours is added, other replicas' unexpired CAs are kept (the newest few),
// and it is re-checked periodically because re-applying the manifests resets it.
import { X509Certificate } from 'node:crypto'
import { AdmissionregistrationV1Api, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node'
import type { Logger } from 'pino'

export const WEBHOOK_CONFIGS = { mutating: 'store-admission-mutate', validating: 'store-admission-validate' } as const
const MAX_OTHER_CAS = 9
const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g

/** The base64 caBundle holding `ourPem` plus the still-valid CAs of `currentB64`. */
export function mergeCaBundle(currentB64: string | undefined, ourPem: string, now = Date.now()): string {
  const ours = new X509Certificate(ourPem)
  const others = Buffer.from(currentB64 ?? '', 'base64').toString('utf8').match(PEM_CERT) ?? []
  const kept = others
    .flatMap((pem) => {
      try {
        return [new X509Certificate(pem)]
      } catch {
        return [] // a placeholder or garbage from a manifest: drop it
      }
    })
    .filter((c) => Date.parse(c.validTo) > now && c.fingerprint256 !== ours.fingerprint256)
    .sort((a, b) => Date.parse(b.validFrom) - Date.parse(a.validFrom))
    .slice(0, MAX_OTHER_CAS)
  const bundle = [ours, ...kept].map((c) => c.toString().trim()).join('\n') + '\n'
  return Buffer.from(bundle).toString('base64')
}

type Op = { op: 'add'; path: string; value: string }

function caBundleOps(webhooks: { clientConfig: { caBundle?: string } }[] | undefined, ourPem: string): Op[] {
  return (webhooks ?? []).flatMap((w, i) => {
    const merged = mergeCaBundle(w.clientConfig.caBundle, ourPem)
    return merged === w.clientConfig.caBundle ? [] : [{ op: 'add' as const, path: `/webhooks/${i}/clientConfig/caBundle`, value: merged }]
  })
}

export interface CaBundleSync {
  /** True once our CA is in both configurations. */
  done(): boolean
  stop(): void
}

export function startCaBundleSync(kc: KubeConfig, caPem: string, logger: Logger, intervalMs = 60_000): CaBundleSync {
  const api = kc.makeApiClient(AdmissionregistrationV1Api)
  const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch)
  let done = false
  let stopped = false
  const ensure = async (): Promise<void> => {
    try {
      const mutating = await api.readMutatingWebhookConfiguration({ name: WEBHOOK_CONFIGS.mutating })
      const mOps = caBundleOps(mutating.webhooks, caPem)
      if (mOps.length > 0) await api.patchMutatingWebhookConfiguration({ name: WEBHOOK_CONFIGS.mutating, body: mOps }, jsonPatch)
      const validating = await api.readValidatingWebhookConfiguration({ name: WEBHOOK_CONFIGS.validating })
      const vOps = caBundleOps(validating.webhooks, caPem)
      if (vOps.length > 0) await api.patchValidatingWebhookConfiguration({ name: WEBHOOK_CONFIGS.validating, body: vOps }, jsonPatch)
      if (mOps.length + vOps.length > 0 || !done) logger.info({ configs: Object.values(WEBHOOK_CONFIGS) }, 'caBundle up to date')
      done = true
    } catch (err) {
      if (stopped) return
      const code = (err as { code?: number }).code
      logger.warn({ error: code === 404 ? 'webhook configuration not found yet' : (err as Error).message }, 'caBundle not patched; retrying')
    }
  }
  void ensure()
  // Retry quickly until the first success, then re-check slowly.
  const fast = setInterval(() => { if (!done) void ensure() }, 5000)
  const slow = setInterval(() => void ensure(), intervalMs)
  fast.unref()
  slow.unref()
  return {
    done: () => done,
    stop: () => {
      stopped = true
      clearInterval(fast)
      clearInterval(slow)
    },
  }
}
