// The chart's `helm test` pod, run for real: its container's command, args and env as rendered,
// under node, against `store-admission serve` with generated certificates. It passes only when it
// reaches /healthz over TLS with a certificate for the Service's DNS name that chains to the CA it
// mounts (kwok, in the e2e stage, never runs containers, so this is where the script runs).
// Needs dist/ (make build); a missing build FAILS here.
import t from 'tap'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { ROOT, get, run } from './fixtures/helm.js'
import { renderChart } from './fixtures/webhook-chart.js'

const MAIN = path.join(ROOT, 'dist/cli/main.js')
const CLI = path.join(ROOT, 'bin/store-admission.js')
const NAMESPACE = 'platform-admission'
const SERVICE_HOST = `store-admission.${NAMESPACE}.svc`

const freePort = (): Promise<number> => new Promise((resolve, reject) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number }
    s.close(() => resolve(port))
  }).on('error', reject)
})

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Container = { command: string[]; args: string[]; env: { name: string; value: string }[]; volumeMounts: { mountPath: string }[]; securityContext: any }

if (!existsSync(MAIN)) {
  t.fail(`${path.relative(ROOT, MAIN)} is missing: run \`make build\` before the chart tests`)
} else {
  const pod = get(renderChart({ namespace: NAMESPACE }), 'Pod', 'store-admission-test-healthz')
  const container = pod.spec.containers[0] as Container
  const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]))

  t.test('the rendered test pod', async (t) => {
    t.equal(pod.metadata.annotations?.['helm.sh/hook'], 'test')
    t.equal(env.HEALTHZ_URL, `https://${SERVICE_HOST}:443/healthz`, 'through the Service, by its DNS name')
    t.equal(pod.spec.volumes[0].secret.secretName, 'store-admission-tls', 'the CA of the shared generated certificates')
    t.same(pod.spec.volumes[0].secret.items, [{ key: 'ca.crt', path: 'ca.crt' }], 'only ca.crt of that Secret (never the CA key)')
    t.equal(path.dirname(env.CA_FILE!), container.volumeMounts[0]!.mountPath)
    // Pod Security "restricted"
    t.equal(pod.spec.securityContext.runAsNonRoot, true)
    t.equal(pod.spec.securityContext.seccompProfile.type, 'RuntimeDefault')
    t.equal(container.securityContext.allowPrivilegeEscalation, false)
    t.same(container.securityContext.capabilities.drop, ['ALL'])
    const cm = get(renderChart({ namespace: NAMESPACE, set: { 'certManager.enabled': true } }), 'Pod', 'store-admission-test-healthz')
    t.equal(cm.spec.volumes[0].secret.secretName, 'store-admission-serving-tls', 'with cert-manager: its Secret\'s ca.crt')
  })

  t.test('the pod\'s script against store-admission serve', async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'helm-test-pod-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    // The server, as a replica would start it (generated certificates for its namespace, kept in certDir).
    const certDir = path.join(dir, 'certs')
    const port = await freePort()
    const namespaces = path.join(dir, 'namespaces.yaml')
    writeFileSync(namespaces, 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {store.platform.io/tenant: shop}}\n')
    let server: ChildProcess | undefined = spawn('node', [CLI, 'serve', '--host', '127.0.0.1', '--port', String(port), '--cert-dir', certDir,
      '--namespace', NAMESPACE, '--static-namespaces', namespaces], { stdio: ['ignore', 'ignore', 'pipe'] })
    let serverErr = ''
    server.stderr!.on('data', (c: Buffer) => { serverErr += c.toString() })
    const stop = () => { server?.kill('SIGTERM'); server = undefined }
    t.teardown(stop)
    for (let i = 0; i < 100 && !existsSync(path.join(certDir, 'ca.crt')); i++) await new Promise((r) => setTimeout(r, 100))

    // The pod's DNS: the Service name resolves to the local server (the script itself is unchanged).
    const hook = path.join(dir, 'service-dns.cjs')
    writeFileSync(hook, `require('node:https').globalAgent.options.lookup = (host, opts, cb) => {
    if (host !== ${JSON.stringify(SERVICE_HOST)}) return require('node:dns').lookup(host, opts, cb)
    return opts && opts.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)
  }\n`)
    // the pod's command and args as rendered; only the URL's port and the CA path differ
    const podRun = (caFile: string) => {
      const r = spawnSync(container.command[0]!, ['--require', hook, ...container.command.slice(1), ...container.args], {
        cwd: dir, encoding: 'utf8', env: { ...process.env, HEALTHZ_URL: env.HEALTHZ_URL!.replace(':443/', `:${port}/`), CA_FILE: caFile },
      })
      return { status: r.status, stdout: r.stdout, stderr: r.stderr }
    }

    t.test('passes against the server, verifying its certificate against the mounted CA', async (t) => {
      t.ok(existsSync(path.join(certDir, 'ca.crt')), `the server generated its CA ${serverErr}`)
      let r = podRun(path.join(certDir, 'ca.crt'))
      for (let i = 0; i < 50 && r.status !== 0; i++) { await new Promise((res) => setTimeout(res, 100)); r = podRun(path.join(certDir, 'ca.crt')) }
      t.equal(r.status, 0, 'exit 0', { stdout: r.stdout, stderr: r.stderr })
      t.match(r.stdout, `https://${SERVICE_HOST}:${port}/healthz: 200 {"status":"ok"}`)
    })

    t.test('fails when the certificate does not chain to the mounted CA', async (t) => {
      const otherCa = path.join(dir, 'other-ca.crt')
      const key = path.join(dir, 'other-ca.key')
      const gen = run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', otherCa, '-days', '1', '-subj', '/CN=other-ca'])
      t.equal(gen.status, 0, 'another CA', { stderr: gen.stderr })
      const r = podRun(otherCa)
      t.equal(r.status, 1, 'exit 1')
      t.match(r.stderr, /certificate/i, r.stderr)
    })

    t.test('fails when the server is gone', async (t) => {
      stop()
      await new Promise((r) => setTimeout(r, 500))
      const r = podRun(path.join(certDir, 'ca.crt'))
      t.equal(r.status, 1, 'exit 1')
      t.match(r.stderr, /ECONNREFUSED|socket hang up/)
    })
  })
}
