// Where the serving certificate comes from: --tls-cert/--tls-key files (re-read when they change,
// swapped in with setSecureContext, no restart), a --cert-dir, or generated in memory.
import { readFileSync } from 'node:fs'
import type { Logger } from 'pino'
import { type TlsMaterial, CertificateError, checkServingPair, generateTls, loadOrCreateCertDir } from './certs.js'
import { watchFiles } from './watch-file.js'

export interface TlsInput {
  certFile?: string
  keyFile?: string
  certDir?: string
  namespace: string
}

export interface ServingTls {
  key: string
  cert: string
  /** The CA to trust, when we generated it (undefined for --tls-* files). */
  ca: string | undefined
}

export async function loadServingTls(input: TlsInput): Promise<ServingTls> {
  if (input.certFile !== undefined && input.keyFile !== undefined) {
    return { ...readPair(input.certFile, input.keyFile), ca: undefined }
  }
  const material: TlsMaterial = input.certDir !== undefined ? await loadOrCreateCertDir(input.certDir, input.namespace) : await generateTls(input.namespace)
  return material
}

/** The pair in the files; throws (CertificateError) on one that is expired or mismatched. */
function readPair(certFile: string, keyFile: string): { cert: string; key: string } {
  const pair = { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') }
  try {
    checkServingPair(pair)
  } catch (err) {
    if (err instanceof CertificateError) throw new CertificateError(`${certFile}: ${err.message}`)
    throw err
  }
  return pair
}

/** Watches the --tls-* files; `apply` gets each new, readable pair. Returns the stop function. */
export function watchTlsFiles(
  certFile: string,
  keyFile: string,
  intervalMs: number,
  logger: Logger,
  apply: (pair: { cert: string; key: string }) => void,
): () => void {
  return watchFiles([certFile, keyFile], intervalMs, () => {
    try {
      apply(readPair(certFile, keyFile))
      logger.info({ cert: certFile }, 'serving certificate reloaded')
    } catch (err) {
      // Typically the cert was replaced before its key: the next change event completes the pair.
      // Either way the certificate in use stays: serving an expired or mismatched one fails every handshake.
      logger.error({ cert: certFile, error: err instanceof Error ? err.message : String(err) }, 'serving certificate refused; keeping the one in use')
    }
  })
}
