// The shared CA without a cluster: what the Secret holds, when a CA or a serving certificate is
// renewed, which bundle entries survive, and which certificates are refused. The same code against
// the real API server (concurrent replicas, read-back readiness) is test/e2e/ha.test.ts.
import t from 'tap'
import { X509Certificate } from 'node:crypto'
import { bundleTrusts, caBundlePatch, planCaBundle } from '../../../src/cluster/ca-bundle.js'
import { CA_SECRET_KEYS, caSecretData, readCaSecret, renewalDue, renewedCa } from '../../../src/cluster/ca-secret.js'
import { servingDue } from '../../../src/cluster/shared-ca.js'
import { CertificateError, checkServingPair, generateCa, issueServing, renewalTime } from '../../../src/server/certs.js'

const MINUTE = 60_000

t.test('a CA survives the round trip through the Secret; garbage, expired or key-less CAs do not', async (t) => {
  const now = new Date()
  const state = await renewedCa(undefined, now, 10 * MINUTE)
  t.same(readCaSecret(caSecretData(state)), state)
  const other = await generateCa(now, 10 * MINUTE)
  const data = caSecretData(state)
  t.equal(readCaSecret({ ...data, [CA_SECRET_KEYS.key]: Buffer.from(other.key).toString('base64') }), undefined, 'a key that is not the certificate\'s')
  t.equal(readCaSecret({ [CA_SECRET_KEYS.cert]: data[CA_SECRET_KEYS.cert] ?? '' }), undefined, 'no key')
  t.equal(readCaSecret({ ...data, [CA_SECRET_KEYS.cert]: Buffer.from('junk').toString('base64') }), undefined, 'not a certificate')
  t.equal(readCaSecret(data, now.getTime() + 11 * MINUTE), undefined, 'expired')
  t.equal(readCaSecret(JSON.parse('{"__proto__": {"ca.crt": "x", "ca.key": "y"}}') as Record<string, string>), undefined, 'keys only from the data itself')
})

t.test('a CA is renewed two thirds into its life and the old one stays trusted as previous', async (t) => {
  const now = new Date()
  const state = await renewedCa(undefined, now, 3 * MINUTE)
  const born = Date.parse(new X509Certificate(state.current.cert).validFrom) // a minute before now (clock skew)
  t.equal(renewalTime(state.current.cert), born + (2 / 3) * 4 * MINUTE)
  t.notOk(renewalDue(state, new Date(renewalTime(state.current.cert) - 1000)))
  t.ok(renewalDue(state, new Date(renewalTime(state.current.cert))))
  const next = await renewedCa(state, new Date(), 3 * MINUTE)
  t.equal(next.previous, state.current.cert)
  t.not(next.current.cert, state.current.cert)
})

t.test('serving certificates: signed by the CA, never outliving it, refused when expired or mismatched', async (t) => {
  const now = new Date()
  const ca = await generateCa(now, 5 * MINUTE)
  const tls = await issueServing(ca, 'store-admission', now, 365 * 24 * 60 * MINUTE)
  t.equal(new X509Certificate(tls.cert).validTo, new X509Certificate(ca.cert).validTo, 'capped at the CA\'s notAfter')
  t.doesNotThrow(() => checkServingPair(tls))
  const other = await issueServing(await generateCa(now), 'store-admission', now)
  t.throws(() => checkServingPair({ cert: tls.cert, key: other.key }), new CertificateError('the certificate does not match its private key'))
  t.throws(() => checkServingPair(tls, now.getTime() + 6 * MINUTE), /the certificate expired at/)
  t.throws(() => checkServingPair({ ...tls, ca: other.ca }), /not signed by its CA/)
  t.throws(() => checkServingPair({ cert: 'nope', key: tls.key }), /not a PEM certificate/)
})

t.test('servingDue: move to the new CA only once the bundles trust it', async (t) => {
  const now = new Date()
  const first = await renewedCa(undefined, now, 60 * MINUTE)
  const serving = await issueServing(first.current, 'ns', now, 30 * MINUTE)
  t.ok(servingDue(undefined, first, true, now.getTime()), 'nothing served yet')
  t.notOk(servingDue(serving, first, true, now.getTime()), 'signed by the current CA, young')
  t.ok(servingDue(serving, first, true, renewalTime(serving.cert)), 'two thirds into its life')
  const rotated = await renewedCa(first, now, 60 * MINUTE)
  t.notOk(servingDue(serving, rotated, false, now.getTime()), 'signed by the previous CA while the bundles do not trust the new one yet')
  t.ok(servingDue(serving, rotated, true, now.getTime()), 'the bundles trust the new CA: move over')
  const unrelated = await renewedCa(undefined, now, 60 * MINUTE)
  t.ok(servingDue(serving, unrelated, false, now.getTime()), 'signed by a CA the Secret does not hold')
})

t.test('caBundlePatch: a resourceVersion test first, then only the webhooks that change', async (t) => {
  const [a, b] = await Promise.all([generateCa(), generateCa()])
  const withA = planCaBundle(undefined, [a.cert])
  const config = { metadata: { resourceVersion: '42' }, webhooks: [{ clientConfig: { caBundle: withA } }, { clientConfig: {} }] }
  t.same(caBundlePatch(config, [a.cert]), [
    { op: 'test', path: '/metadata/resourceVersion', value: '42' },
    { op: 'add', path: '/webhooks/1/clientConfig/caBundle', value: withA },
  ])
  const patch = caBundlePatch(config, [b.cert])
  t.equal(patch.length, 3)
  const merged = patch[1]?.value
  t.ok(bundleTrusts(merged, (await issueServing(a, 'ns')).cert), 'A still trusted')
  t.ok(bundleTrusts(merged, (await issueServing(b, 'ns')).cert), 'B trusted')
  t.notOk(bundleTrusts(withA, (await issueServing(b, 'ns')).cert), 'a bundle without B does not trust B\'s certificates')
  t.same(caBundlePatch({ ...config, webhooks: [{ clientConfig: { caBundle: withA } }] }, [a.cert]), [], 'nothing to do')
})
