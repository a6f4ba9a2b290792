// Keeps the shared CAs in the caBundle of both webhook configurations. The bundle is a set: the CAs
// of the Secret store-admission-tls are added, other entries are kept until they expire (a replica
// may still serve a certificate they signed: evicting one fails every review routed to it), and
// expired or unreadable entries are dropped. Each patch is a JSON Patch that starts with a `test`
// of the resourceVersion it was computed from, so a concurrent writer makes it fail (and we read
// again) instead of being overwritten.
import { X509Certificate } from 'node:crypto'
import { AdmissionregistrationV1Api, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node'
import type { Logger } from 'pino'
import { signedBy } from '../server/certs.js'

export const WEBHOOK_CONFIGS = { mutating: 'store-admission-mutate', validating: 'store-admission-validate' } as const
const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g
const MAX_ATTEMPTS = 5

/** The certificates of a base64 caBundle, unreadable entries left out. */
export function bundleCerts(b64: string | undefined): X509Certificate[] {
  const pems = Buffer.from(b64 ?? '', 'base64').toString('utf8').match(PEM_CERT) ?? []
  return pems.flatMap((pem) => {
    try {
      return [new X509Certificate(pem)]
    } catch {
      return [] // a placeholder or garbage from a manifest
    }
  })
}

/**
 * The base64 caBundle holding every CA of `wanted` and the unexpired entries of `currentB64`
 * (wanted first, then the others in their order), or undefined when `currentB64` is that already.
 */
export function planCaBundle(currentB64: string | undefined, wanted: string[], now = Date.now()): string | undefined {
  const seen = new Set<string>()
  const kept = [...wanted.map((pem) => new X509Certificate(pem)), ...bundleCerts(currentB64)].filter((c) => {
    if (seen.has(c.fingerprint256) || Date.parse(c.validTo) <= now) return false
    seen.add(c.fingerprint256)
    return true
  })
  const bundle = Buffer.from(kept.map((c) => c.toString().trim()).join('\n') + '\n').toString('base64')
  return bundle === currentB64 ? undefined : bundle
}

/** True when some CA of the bundle signed `certPem`. */
export function bundleTrusts(b64: string | undefined, certPem: string): boolean {
  const cert = new X509Certificate(certPem)
  return bundleCerts(b64).some((ca) => signedBy(cert, ca.toString()))
}

interface WebhookConfig {
  metadata?: { resourceVersion?: string }
  webhooks?: { clientConfig: { caBundle?: string } }[]
}

type Op = { op: 'test' | 'add'; path: string; value: string }

/** The JSON Patch bringing `config` to `wanted`, preconditioned on its resourceVersion; [] when none is needed. */
export function caBundlePatch(config: WebhookConfig, wanted: string[], now = Date.now()): Op[] {
  const ops = (config.webhooks ?? []).flatMap((w, i) => {
    const bundle = planCaBundle(w.clientConfig.caBundle, wanted, now)
    return bundle === undefined ? [] : [{ op: 'add' as const, path: `/webhooks/${i}/clientConfig/caBundle`, value: bundle }]
  })
  if (ops.length === 0) return []
  return [{ op: 'test', path: '/metadata/resourceVersion', value: config.metadata?.resourceVersion ?? '' }, ...ops]
}

function statusCode(err: unknown): number | undefined {
  return (err as { code?: number }).code
}

/**
 * Brings both configurations' caBundles to hold `wanted` (retrying when another writer got in
 * first) and returns every webhook's caBundle as read back from the API server afterwards.
 */
export async function syncCaBundles(kc: KubeConfig, wanted: string[], logger: Logger): Promise<(string | undefined)[]> {
  const api = kc.makeApiClient(AdmissionregistrationV1Api)
  const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch)
  const kinds = [
    { name: WEBHOOK_CONFIGS.mutating, read: () => api.readMutatingWebhookConfiguration({ name: WEBHOOK_CONFIGS.mutating }), patch: (body: Op[]) => api.patchMutatingWebhookConfiguration({ name: WEBHOOK_CONFIGS.mutating, body }, jsonPatch) },
    { name: WEBHOOK_CONFIGS.validating, read: () => api.readValidatingWebhookConfiguration({ name: WEBHOOK_CONFIGS.validating }), patch: (body: Op[]) => api.patchValidatingWebhookConfiguration({ name: WEBHOOK_CONFIGS.validating, body }, jsonPatch) },
  ]
  const bundles: (string | undefined)[] = []
  for (const kind of kinds) {
    let config: WebhookConfig = await kind.read()
    for (let attempt = 1; ; attempt++) {
      const ops = caBundlePatch(config, wanted)
      if (ops.length === 0) break
      if (attempt > MAX_ATTEMPTS) throw new Error(`${kind.name}: caBundle kept changing under us (${MAX_ATTEMPTS} attempts)`)
      try {
        await kind.patch(ops)
        logger.info({ config: kind.name, webhooks: ops.length - 1 }, 'caBundle patched')
      } catch (err) {
        // A failed `test` (the configuration changed since we read it) is 422; a conflict 409.
        if (statusCode(err) !== 422 && statusCode(err) !== 409) throw err
        logger.info({ config: kind.name, attempt }, 'caBundle changed since it was read; reading it again')
      }
      config = await kind.read() // read back: what the API server will use
    }
    bundles.push(...(config.webhooks ?? []).map((w) => w.clientConfig.caBundle))
  }
  return bundles
}
