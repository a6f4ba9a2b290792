// The one CA every replica signs its serving certificate with, kept in the Secret
// store-admission-tls of the webhook's namespace. The first replica creates it, the others read it;
// a renewal replaces it. Writers race through the API's optimistic concurrency: a create fails
// with 409 when another replica created it first, and a replace carries the resourceVersion it
// read, so it fails with 409 when the Secret changed in between; either way we read again.
import type { CoreV1Api, V1Secret } from '@kubernetes/client-node'
import type { Logger } from 'pino'
import { type CaMaterial, checkServingPair, generateCa, renewalTime } from '../server/certs.js'

export const CA_SECRET = 'store-admission-tls'
export const CA_SECRET_KEYS = { cert: 'ca.crt', key: 'ca.key', previous: 'previous-ca.crt' } as const
const MAX_ATTEMPTS = 5

/** The CA to sign with, and the one it replaced (trusted until it expires). */
export interface CaState {
  current: CaMaterial
  previous?: string
}

/** The CA state a Secret's data holds; undefined when it holds no usable CA. */
export function readCaSecret(data: Record<string, string> | undefined, now = Date.now()): CaState | undefined {
  const text = (key: string): string | undefined => (data !== undefined && Object.hasOwn(data, key) ? Buffer.from(data[key] ?? '', 'base64').toString('utf8') : undefined)
  const cert = text(CA_SECRET_KEYS.cert)
  const key = text(CA_SECRET_KEYS.key)
  if (cert === undefined || key === undefined) return undefined
  try {
    checkServingPair({ cert, key }, now) // a CA signs nothing once expired or without its own key
  } catch {
    return undefined
  }
  const previous = text(CA_SECRET_KEYS.previous)
  return previous === undefined || previous === '' ? { current: { cert, key } } : { current: { cert, key }, previous }
}

export function caSecretData(state: CaState): Record<string, string> {
  const b64 = (s: string): string => Buffer.from(s).toString('base64')
  return {
    [CA_SECRET_KEYS.cert]: b64(state.current.cert),
    [CA_SECRET_KEYS.key]: b64(state.current.key),
    ...(state.previous !== undefined ? { [CA_SECRET_KEYS.previous]: b64(state.previous) } : {}),
  }
}

/** A CA is renewed two thirds into its life. */
export function renewalDue(state: CaState, now: Date): boolean {
  return now.getTime() >= renewalTime(state.current.cert)
}

/** A new CA; the one it replaces stays as `previous`, so the caBundle trusts both while replicas move over. */
export async function renewedCa(state: CaState | undefined, now: Date, caValidityMs: number): Promise<CaState> {
  const current = await generateCa(now, caValidityMs)
  return state === undefined ? { current } : { current, previous: state.current.cert }
}

function statusCode(err: unknown): number | undefined {
  return (err as { code?: number }).code
}

/** Reads the shared CA, creating or renewing it when due; returns what the Secret holds afterwards. */
export async function syncCaSecret(core: CoreV1Api, namespace: string, caValidityMs: number, logger: Logger, now = new Date()): Promise<CaState> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    let secret: V1Secret | undefined
    try {
      secret = await core.readNamespacedSecret({ name: CA_SECRET, namespace })
    } catch (err) {
      if (statusCode(err) !== 404) throw err
    }
    const state = readCaSecret(secret?.data, now.getTime())
    if (state !== undefined && !renewalDue(state, now)) return state
    const next = await renewedCa(state, now, caValidityMs)
    try {
      if (secret === undefined) {
        const body: V1Secret = { metadata: { name: CA_SECRET, namespace, labels: { 'app.kubernetes.io/name': 'store-admission' } }, type: 'Opaque', data: caSecretData(next) }
        await core.createNamespacedSecret({ namespace, body })
      } else {
        // metadata.resourceVersion is the one we read: the API server refuses the write if it moved.
        await core.replaceNamespacedSecret({ name: CA_SECRET, namespace, body: { ...secret, data: caSecretData(next) } })
      }
      logger.info({ secret: `${namespace}/${CA_SECRET}`, created: secret === undefined, renewed: state !== undefined }, state === undefined ? 'shared CA written' : 'shared CA renewed')
      return next
    } catch (err) {
      if (statusCode(err) !== 409) throw err
      logger.info({ secret: `${namespace}/${CA_SECRET}`, attempt }, 'another replica wrote the shared CA first; reading it again')
    }
  }
  throw new Error(`Secret ${namespace}/${CA_SECRET} kept changing under us (${MAX_ATTEMPTS} attempts)`)
}
