// Certificates: what is generated, TLS 1.2+, and --tls-* files reloaded without a restart.
import t from 'tap'
import { X509Certificate } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { connect } from 'node:tls'
import { generateCa, generateTls, issueServing, loadOrCreateCertDir } from '../../../src/server/certs.js'
import { httpsCall, startTestServer, tempDir, waitFor } from './fixtures/harness.js'

function servedFingerprint(port: number, ca: string, minVersion?: 'TLSv1.2' | 'TLSv1.3', maxVersion?: 'TLSv1.1' | 'TLSv1.2'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca, ...(minVersion ? { minVersion } : {}), ...(maxVersion ? { maxVersion, minVersion: 'TLSv1' } : {}) }, () => {
      const fp = socket.getPeerCertificate().fingerprint256
      socket.end()
      resolve(fp)
    })
    socket.on('error', reject)
  })
}

t.test('generated certs: SHA-256, CA-signed, SANs for the service names and 127.0.0.1', async (t) => {
  const tls = await generateTls('platform')
  const cert = new X509Certificate(tls.cert)
  const ca = new X509Certificate(tls.ca)
  t.ok(cert.checkIssued(ca) && cert.verify(ca.publicKey), 'serving cert is signed by the CA')
  t.ok(ca.ca, 'CA has basicConstraints CA:true')
  t.notOk(cert.ca, 'serving cert is not a CA')
  for (const name of ['store-admission', 'store-admission.platform', 'store-admission.platform.svc', 'store-admission.platform.svc.cluster.local', 'localhost']) {
    t.ok(cert.subjectAltName?.split(', ').includes(`DNS:${name}`), `SAN DNS:${name}`)
  }
  t.ok(cert.subjectAltName?.includes('IP Address:127.0.0.1'), 'SAN IP 127.0.0.1')
  t.equal(cert.checkIP('127.0.0.1'), '127.0.0.1')
  // node exposes no signature algorithm: read the OID out of the DER (sha256WithRSA or ecdsa-with-SHA256).
  const der = cert.raw.toString('hex')
  t.ok(der.includes('06082a8648ce3d040302') || der.includes('06092a864886f70d01010b'), 'signed with SHA-256')
  t.notOk(der.includes('06092a864886f70d010105') || der.includes('06072a8648ce3d0401'), 'not SHA-1')
})

t.test('--cert-dir keeps the certs and reuses them', async (t) => {
  const dir = tempDir()
  const first = await loadOrCreateCertDir(dir, 'platform')
  const second = await loadOrCreateCertDir(dir, 'platform')
  t.equal(second.cert, first.cert, 'reused while valid')
  const other = await loadOrCreateCertDir(dir, 'elsewhere')
  t.not(other.cert, first.cert, 'regenerated for another namespace')
})

t.test('TLS below 1.2 is refused', async (t) => {
  const server = await startTestServer()
  t.teardown(() => server.close())
  await t.rejects(servedFingerprint(server.port, server.trust, undefined, 'TLSv1.1'))
  t.ok(await servedFingerprint(server.port, server.trust, 'TLSv1.2'))
})

/** A server started with --tls-cert/--tls-key files holding pair `a`; pair `b` ready to swap in. */
async function servingFromFiles() {
  const dir = tempDir()
  const certFile = join(dir, 'tls.crt')
  const keyFile = join(dir, 'tls.key')
  const a = await generateTls('store-admission')
  const b = await generateTls('store-admission')
  writeFileSync(certFile, a.cert)
  writeFileSync(keyFile, a.key)
  const server = await startTestServer({ tlsCert: certFile, tlsKey: keyFile, trust: a.ca })
  return { certFile, keyFile, a, b, server, fpA: new X509Certificate(a.cert).fingerprint256 }
}

t.test('--tls-cert/--tls-key: a new certificate is served after the files change, without a restart', async (t) => {
  const { certFile, keyFile, a, b, server, fpA } = await servingFromFiles()
  t.teardown(() => server.close())
  const fpB = new X509Certificate(b.cert).fingerprint256
  t.equal(await servedFingerprint(server.port, a.ca), fpA)
  t.equal((await httpsCall(server.port, a.ca, 'GET', '/readyz')).status, 200)

  writeFileSync(certFile, b.cert)
  writeFileSync(keyFile, b.key)
  let served = fpA
  for (let i = 0; i < 400 && served !== fpB; i++) {
    await new Promise((r) => setTimeout(r, 50))
    served = await servedFingerprint(server.port, b.ca).catch(() => fpA)
  }
  t.equal(served, fpB, 'new certificate served')
  t.equal((await httpsCall(server.port, b.ca, 'GET', '/healthz')).status, 200, 'clients trusting the new CA connect')
  await t.rejects(httpsCall(server.port, a.ca, 'GET', '/healthz'), 'the old CA no longer verifies')
  const expiry = Number(/^store_admission_cert_expiry_timestamp_seconds (\d+)/m.exec((await httpsCall(server.port, b.ca, 'GET', '/metrics')).text)?.[1])
  t.equal(expiry, Math.floor(Date.parse(new X509Certificate(b.cert).validTo) / 1000), 'expiry metric follows the new cert')

  // A broken file is not served: the last good certificate stays.
  writeFileSync(certFile, 'not a certificate')
  await new Promise((r) => setTimeout(r, 300))
  t.equal(await servedFingerprint(server.port, b.ca), fpB, 'broken file ignored')
})

t.test('a reloaded pair that is expired or does not match its key is refused and logged; the one in use stays', async (t) => {
  const { certFile, keyFile, a, b, server, fpA } = await servingFromFiles()
  t.teardown(() => server.close())
  writeFileSync(keyFile, b.key) // b's key with a's certificate
  await waitFor('the mismatch logged', () => server.logs.some((l) => l.msg === 'serving certificate refused; keeping the one in use' && /does not match its private key/.test(String(l.error))))
  t.equal(await servedFingerprint(server.port, a.ca), fpA, 'mismatched pair not served')
  const old = await issueServing(await generateCa(new Date(Date.now() - 10 * 86_400_000), 86_400_000), 'store-admission', new Date(Date.now() - 10 * 86_400_000), 86_400_000)
  writeFileSync(certFile, old.cert)
  writeFileSync(keyFile, old.key)
  await waitFor('the expiry logged', () => server.logs.some((l) => /the certificate expired at/.test(String(l.error))))
  t.equal(await servedFingerprint(server.port, a.ca), fpA, 'expired pair not served')
})

t.test('TLS 1.2 offers AEAD suites only', async (t) => {
  const server = await startTestServer()
  t.teardown(() => server.close())
  for (const cipher of ['ECDHE-ECDSA-AES128-SHA', 'ECDHE-ECDSA-AES256-SHA384', 'ECDHE-RSA-AES128-SHA', 'AES128-SHA']) {
    await t.rejects(handshake(server.port, server.trust, cipher), `${cipher} refused`)
  }
  t.equal(await handshake(server.port, server.trust, 'ECDHE-ECDSA-AES128-GCM-SHA256'), 'ECDHE-ECDSA-AES128-GCM-SHA256')
  t.equal(await handshake(server.port, server.trust, 'ECDHE-ECDSA-CHACHA20-POLY1305'), 'ECDHE-ECDSA-CHACHA20-POLY1305')
})

function handshake(port: number, ca: string, cipher: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca, ciphers: cipher, maxVersion: 'TLSv1.2' }, () => {
      const name = socket.getCipher().name
      socket.end()
      resolve(name)
    })
    socket.on('error', reject)
  })
}
