// Two webhook replicas behind HAProxy on 127.0.0.1 (TLS passed through, as kube-proxy spreads a
// Service; registered by URL with no caBundle), started with no certificates: they converge on one
// CA (the Secret store-admission-tls), and through the real API server no pod of a 100-pod
// scale-up is lost or created unmutated while one replica is SIGKILLed, or SIGTERMed and started
// again, and no request fails while the CA rotates under load.
import t, { type Test } from 'tap'
import { execFile } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { connect } from 'node:tls'
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node'
import { pino } from 'pino'
import { CA_SECRET, syncCaSecret } from '../../src/cluster/ca-secret.js'
import { BIN, KUBECONFIG, MUTATED_BY, RUN, getJson, kubectl, kubectlOk, namespace, plainPod, requireControlPlane, storeLabels, waitFor, webhook } from './fixtures/k8s.js'

requireControlPlane()
const NS = 'store-admission'
const ns = 'e2e-ha'
t.teardown(namespace(ns, storeLabels('acme', { restricted: true })))
t.teardown(() => { webhook('start') })

const haPorts = (): { a: number; b: number } => {
  const env = readFileSync(join(RUN, 'ha.env'), 'utf8')
  return { a: Number(/PORT_A=(\d+)/.exec(env)?.[1]), b: Number(/PORT_B=(\d+)/.exec(env)?.[1]) }
}

/** The certificate a replica serves (no trust check: we compare it with the CA ourselves). */
function servedCert(port: number): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const raw = socket.getPeerCertificate().raw
      socket.end()
      resolve(new X509Certificate(raw))
    })
    socket.on('error', reject)
  })
}

const secretCas = (): { current: X509Certificate; previous: X509Certificate | undefined } => {
  const data = getJson(['-n', NS, 'get', 'secret', CA_SECRET]).data as Record<string, string>
  const pem = (k: string) => (data[k] ? new X509Certificate(Buffer.from(data[k], 'base64')) : undefined)
  return { current: pem('ca.crt')!, previous: pem('previous-ca.crt') }
}

const bundles = (): X509Certificate[][] =>
  [getJson(['get', 'mutatingwebhookconfiguration', 'store-admission-mutate']), getJson(['get', 'validatingwebhookconfiguration', 'store-admission-validate'])]
    .flatMap((c) => c.webhooks.map((w: { clientConfig: { caBundle?: string } }) => w.clientConfig.caBundle ?? ''))
    .map((b64: string) => (Buffer.from(b64, 'base64').toString().match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((p) => new X509Certificate(p)))

const readyz = async (port: number): Promise<number> => {
  const r = await sh('curl', ['-ks', '-o', '/dev/null', '-w', '%{http_code}', `https://127.0.0.1:${port}/readyz`])
  return Number(r.stdout)
}

function sh(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: { ...process.env, KUBECONFIG }, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr })
    })
  })
}

/** A 0 -> 100 scale-up of plain pods (the webhook must make them restricted); `during` runs once pods appear. */
async function scaleUp(t: Test, name: string, during: () => void | Promise<void>): Promise<void> {
  kubectlOk(['-n', ns, 'create', 'deployment', name, '--image=registry.k8s.io/pause:3.10', '--replicas=0'])
  kubectlOk(['-n', ns, 'scale', 'deployment', name, '--replicas=100'])
  await waitFor('the first pods', () => (getJson(['-n', ns, 'get', 'pods', '-l', `app=${name}`]).items.length as number) >= 5, 60_000, 100)
  await during()
  const pods = await waitFor('100 pods created', () => {
    const items = getJson(['-n', ns, 'get', 'pods', '-l', `app=${name}`]).items as { metadata: { annotations?: Record<string, string> }; spec: { securityContext?: { runAsNonRoot?: boolean } } }[]
    return items.length === 100 ? items : undefined
  }, 240_000, 1000)
  t.equal(pods.length, 100, 'every pod of the scale-up was created')
  t.equal(pods.filter((p) => p.metadata.annotations?.[MUTATED_BY]?.startsWith('store-admission/') && p.spec.securityContext?.runAsNonRoot === true).length, 100, 'every pod carries its mutation')
  kubectl(['-n', ns, 'delete', 'deployment', name, '--wait=false'])
}

const failedCreates = (name: string): string[] =>
  (getJson(['-n', ns, 'get', 'events', '--field-selector', 'reason=FailedCreate']).items as { message: string; involvedObject: { name: string } }[])
    .filter((e) => e.involvedObject.name.startsWith(`${name}-`))
    .map((e) => e.message)

t.test('two replicas started with no certificates converge on one CA', async (t) => {
  kubectl(['-n', NS, 'delete', 'secret', CA_SECRET, '--ignore-not-found'])
  webhook('start', '--ha')
  const { a, b } = haPorts()
  t.equal(await readyz(a), 200, 'replica a ready')
  t.equal(await readyz(b), 200, 'replica b ready')
  const { current } = secretCas()
  for (const [name, port] of [['a', a], ['b', b]] as const) {
    const cert = await servedCert(port)
    t.ok(cert.checkIssued(current) && cert.verify(current.publicKey), `replica ${name} serves a certificate of the Secret's CA`)
  }
  for (const bundle of bundles()) t.ok(bundle.some((c) => c.fingerprint256 === current.fingerprint256), 'every caBundle holds the shared CA')
  t.ok(bundles().length >= 2, 'the webhooks of both configurations were read')
})

t.test('replicas racing to create the Secret end with one CA (optimistic concurrency, real API server)', async (t) => {
  const kc = new KubeConfig()
  kc.loadFromFile(join(RUN, 'webhook-client.kubeconfig'))
  const core = kc.makeApiClient(CoreV1Api)
  const before = secretCas().current.fingerprint256
  kubectlOk(['-n', NS, 'delete', 'secret', CA_SECRET])
  const logger = pino({ level: 'silent' })
  const states = await Promise.all(Array.from({ length: 6 }, () => syncCaSecret(core, NS, 3600_000, logger)))
  const cas = new Set(states.map((s) => s.current.cert))
  t.equal(cas.size, 1, 'six concurrent writers agree on one CA')
  t.equal(new X509Certificate([...cas][0]!).fingerprint256, secretCas().current.fingerprint256, 'and it is the one in the Secret')
  // The running pair re-reads the new Secret and moves over, keeping the old CA trusted meanwhile.
  const { a, b } = haPorts()
  const next = secretCas().current
  await waitFor('both replicas serving the new CA', async () => (await servedCert(a)).checkIssued(next) && (await servedCert(b)).checkIssued(next), 60_000)
  for (const bundle of bundles()) t.ok(bundle.some((c) => c.fingerprint256 === before), 'the old CA stays in the bundle (a replica may still serve it)')
})

t.test('a 100-pod scale-up while one replica is SIGKILLed: every pod created and mutated', async (t) => {
  await scaleUp(t, 'ha-kill', () => { webhook('replica', 'a', 'kill') })
  webhook('replica', 'a', 'start')
  const { a } = haPorts()
  await waitFor('replica a ready again', async () => (await readyz(a)) === 200, 60_000)
})

t.test('a 100-pod scale-up while one replica is SIGTERMed and started again: no request fails', async (t) => {
  await scaleUp(t, 'ha-term', async () => {
    webhook('replica', 'b', 'term')
    webhook('replica', 'b', 'start')
  })
  t.same(failedCreates('ha-term'), [], 'no FailedCreate event: no webhook call failed')
  const { b } = haPorts()
  await waitFor('replica b ready again', async () => (await readyz(b)) === 200, 60_000)
})

t.test('a CA rotation under load fails no request', async (t) => {
  kubectl(['-n', NS, 'delete', 'secret', CA_SECRET, '--ignore-not-found'])
  // CA life 90 s, backdated a minute for clock skew: renewed 40 s after it is made, expired at 90 s.
  webhook('start', '--ha', '--ca-validity-seconds', '90', '--cert-validity-seconds', '90')
  const first = secretCas().current
  const deadline = Date.now() + 75_000
  let sent = 0
  const failures: string[] = []
  const loop = async (i: number): Promise<void> => {
    while (Date.now() < deadline) {
      const pod = JSON.stringify(plainPod(`rotation-${i}-${sent++}`, ns))
      const r = await new Promise<{ code: number; out: string }>((resolve) => {
        const child = execFile(join(BIN, 'kubectl'), ['apply', '--dry-run=server', '-o', 'json', '-f', '-'], { env: { ...process.env, KUBECONFIG } }, (err, stdout, stderr) => {
          resolve({ code: err ? 1 : 0, out: stdout + stderr })
        })
        child.stdin?.end(pod)
      })
      if (r.code !== 0 || !r.out.includes(MUTATED_BY)) failures.push(r.out.slice(0, 300))
    }
  }
  await Promise.all([0, 1, 2].map(loop))
  const { current, previous } = secretCas()
  t.not(current.fingerprint256, first.fingerprint256, 'the CA was renewed during the load')
  // Under a slow machine the 75 s window may hold two renewals: previous is then the second CA.
  t.ok(previous !== undefined && previous.fingerprint256 !== current.fingerprint256, 'the CA it replaced is kept as previous while it is valid')
  t.ok(sent > 30, `${sent} server dry-runs sent across the rotation`)
  t.same(failures, [], 'every one was answered and mutated')
  const { a, b } = haPorts()
  for (const port of [a, b]) t.ok((await servedCert(port)).checkIssued(current), `replica on ${port} serves the new CA's certificate`)
})

