// Serving certificates: generated (a CA plus a serving cert it signs) when no --tls-* files
// are given. The API server's Go TLS rejects SHA-1 signatures and certificates whose name is only
// in the CN, so both certs are SHA-256 and the serving cert carries every name in subjectAltName.
import { type KeyObject, X509Certificate, createPrivateKey } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const SERVICE_NAME = 'store-admission'

export interface TlsMaterial {
  cert: string
  key: string
  /** PEM of the CA that signed `cert`: what the webhook configurations need as caBundle. */
  ca: string
}

const DAY_MS = 86_400_000

/** DNS names a client may use for the webhook Service in `namespace`, plus localhost. */
export function serviceDnsNames(namespace: string): string[] {
  const base = `${SERVICE_NAME}.${namespace}`
  return [SERVICE_NAME, base, `${base}.svc`, `${base}.svc.cluster.local`, 'localhost']
}

export interface CaMaterial {
  cert: string
  key: string
}

const DEFAULT_CA_DAYS = 3650
const DEFAULT_SERVING_DAYS = 365

// EC P-256: fast to generate and cheap per handshake; a CA and the certs it signs share the key type.
const KEY = { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' } as const

/** A CA valid from a minute ago (clock skew) for `validityMs`. */
export async function generateCa(now = new Date(), validityMs = DEFAULT_CA_DAYS * DAY_MS): Promise<CaMaterial> {
  const { generate } = await import('selfsigned') // heavy (x509/asn1 libraries): only when generating
  const ca = await generate([{ name: 'commonName', value: `${SERVICE_NAME}-ca-${now.toISOString()}` }], {
    ...KEY,
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + validityMs),
    extensions: [
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  })
  return { cert: ca.cert, key: ca.private }
}

/** A serving cert signed by `ca`, never outliving it; checked before it is returned. */
export async function issueServing(ca: CaMaterial, namespace: string, now = new Date(), validityMs = DEFAULT_SERVING_DAYS * DAY_MS): Promise<TlsMaterial> {
  const { generate } = await import('selfsigned')
  const caEnd = Date.parse(new X509Certificate(ca.cert).validTo)
  const serving = await generate([{ name: 'commonName', value: `${SERVICE_NAME}.${namespace}.svc` }], {
    ...KEY,
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(Math.min(now.getTime() + validityMs, caEnd)),
    ca,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...serviceDnsNames(namespace).map((value) => ({ type: 2 as const, value })),
          { type: 7 as const, ip: '127.0.0.1' },
          { type: 7 as const, ip: '::1' },
        ],
      },
    ],
  })
  const tls = { cert: serving.cert, key: serving.private, ca: ca.cert }
  checkServingPair(tls, now.getTime())
  return tls
}

export async function generateTls(namespace: string, now = new Date()): Promise<TlsMaterial> {
  return issueServing(await generateCa(now), namespace, now)
}

/** A certificate we refuse to serve: the message says why. */
export class CertificateError extends Error {
  override name = 'CertificateError'
}

/**
 * Throws CertificateError unless `cert` is a certificate valid at `now` that matches `key` (and,
 * given `ca`, is signed by it): serving anything else fails every handshake.
 */
export function checkServingPair(pair: { cert: string; key: string; ca?: string }, now = Date.now()): void {
  let cert: X509Certificate
  try {
    cert = new X509Certificate(pair.cert)
  } catch (err) {
    throw new CertificateError(`not a PEM certificate: ${(err as Error).message}`)
  }
  let key: KeyObject
  try {
    key = createPrivateKey(pair.key)
  } catch (err) {
    throw new CertificateError(`not a PEM private key: ${(err as Error).message}`)
  }
  if (!cert.checkPrivateKey(key)) throw new CertificateError('the certificate does not match its private key')
  if (Date.parse(cert.validTo) <= now) throw new CertificateError(`the certificate expired at ${new Date(cert.validTo).toISOString()}`)
  if (Date.parse(cert.validFrom) > now) throw new CertificateError(`the certificate is not valid before ${new Date(cert.validFrom).toISOString()}`)
  if (pair.ca !== undefined && !signedBy(cert, pair.ca)) throw new CertificateError('the certificate is not signed by its CA')
}

/** True when `caPem` (one certificate) issued and signed `cert`. */
export function signedBy(cert: X509Certificate, caPem: string): boolean {
  try {
    const ca = new X509Certificate(caPem)
    return cert.checkIssued(ca) && cert.verify(ca.publicKey)
  } catch {
    return false
  }
}

/** The moment a certificate should be replaced: two thirds into its life. */
export function renewalTime(pem: string): number {
  const cert = new X509Certificate(pem)
  const from = Date.parse(cert.validFrom)
  return from + ((Date.parse(cert.validTo) - from) * 2) / 3
}

/** notAfter of the first certificate in a PEM, in Unix seconds. */
export function certExpirySeconds(pem: string): number {
  return Math.floor(Date.parse(new X509Certificate(pem).validTo) / 1000)
}

export const CERT_DIR_FILES = { ca: 'ca.crt', cert: 'tls.crt', key: 'tls.key' } as const

/**
 * Reuses the certs in `dir` when they are still valid for 30 days and name this namespace's
 * Service (so a restart keeps the caBundle stable); otherwise generates and writes new ones.
 */
export async function loadOrCreateCertDir(dir: string, namespace: string): Promise<TlsMaterial> {
  const paths = { ca: join(dir, CERT_DIR_FILES.ca), cert: join(dir, CERT_DIR_FILES.cert), key: join(dir, CERT_DIR_FILES.key) }
  if (existsSync(paths.ca) && existsSync(paths.cert) && existsSync(paths.key)) {
    const existing = { ca: readFileSync(paths.ca, 'utf8'), cert: readFileSync(paths.cert, 'utf8'), key: readFileSync(paths.key, 'utf8') }
    if (reusable(existing, namespace)) return existing
  }
  const fresh = await generateTls(namespace)
  mkdirSync(dir, { recursive: true })
  writeFileSync(paths.ca, fresh.ca)
  writeFileSync(paths.cert, fresh.cert)
  writeFileSync(paths.key, fresh.key, { mode: 0o600 })
  return fresh
}

function reusable(tls: TlsMaterial, namespace: string): boolean {
  try {
    const cert = new X509Certificate(tls.cert)
    checkServingPair(tls)
    const fresh = Date.parse(cert.validTo) - Date.now() > 30 * DAY_MS
    return fresh && cert.checkHost(`${SERVICE_NAME}.${namespace}.svc`) !== undefined
  } catch {
    return false
  }
}
