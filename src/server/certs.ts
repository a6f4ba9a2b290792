// Serving certificates: generated (a CA plus a serving cert it signs) when no --tls-* files
// are given. The API server's Go TLS rejects SHA-1 signatures and certificates whose name is only
// in the CN, so both certs are SHA-256 and the serving cert carries every name in subjectAltName.
import { X509Certificate } from 'node:crypto'
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

export async function generateTls(namespace: string, now = new Date()): Promise<TlsMaterial> {
  const { generate } = await import('selfsigned') // heavy (x509/asn1 libraries): only when generating
  // EC P-256: fast to generate and cheap per handshake; both keys must be of the same type.
  const common = { keyType: 'ec', curve: 'P-256', algorithm: 'sha256', notBeforeDate: new Date(now.getTime() - 60_000) } as const
  const ca = await generate([{ name: 'commonName', value: `${SERVICE_NAME}-ca` }], {
    ...common,
    notAfterDate: new Date(now.getTime() + 3650 * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  })
  const serving = await generate([{ name: 'commonName', value: `${SERVICE_NAME}.${namespace}.svc` }], {
    ...common,
    notAfterDate: new Date(now.getTime() + 365 * DAY_MS),
    ca: { key: ca.private, cert: ca.cert },
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
  return { cert: serving.cert, key: serving.private, ca: ca.cert }
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
    const fresh = Date.parse(cert.validTo) - Date.now() > 30 * DAY_MS
    return fresh && cert.checkIssued(new X509Certificate(tls.ca)) && cert.checkHost(`${SERVICE_NAME}.${namespace}.svc`) !== undefined
  } catch {
    return false
  }
}
