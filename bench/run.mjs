#!/usr/bin/env node
// `make bench`: the real webhook (dist/, started as `store-admission serve`) against a bare fastify
// HTTPS server, both on 127.0.0.1, loaded by autocannon with a realistic storefront-pod review.
// Prints a table (req/s, p50, p99, ratio vs bare) and writes it to bench/RESULTS.md.
// Env: BENCH_DURATION (seconds per run, default 10), BENCH_CONNECTIONS (default "1,16").
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import { createServer } from 'node:net'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import fjp from 'fast-json-patch'
import { storefrontPod, storefrontReview } from './storefront-review.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DURATION = Number(process.env.BENCH_DURATION ?? 10)
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '1,16').split(',').map(Number)
const TARGET_RATIO = 0.6
const TARGET_P99_MS = 3

const loadBefore = loadavg()[0]
const work = mkdtempSync(join(tmpdir(), 'store-admission-bench-'))
writeFileSync(join(work, 'namespaces.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: acme\n  labels:\n    store.platform.io/tenant: acme\n')

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

function call(port, ca, method, path, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const req = request({ host: '127.0.0.1', port, method, path, ca, agent: false, headers: payload ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = ''
      res.on('data', (c) => { text += c })
      res.on('end', () => resolve({ status: res.statusCode, text }))
    })
    req.on('error', reject)
    req.end(payload)
  })
}

async function waitReady(port, ca, child) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
    const ok = await call(port, ca, 'GET', '/readyz').then((r) => r.status === 200, () => false)
    if (ok) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('server not ready after 60 s')
}

// Latencies come from autocannon's per-response event: its own histogram has 1 ms resolution.
async function load(port, ca, path, body, connections, duration) {
  const latencies = []
  const instance = autocannon({
    url: `https://127.0.0.1:${port}${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    pipelining: 1,
    duration,
    tlsOptions: { ca },
  })
  instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms))
  const result = await instance
  if (result.errors > 0 || result.non2xx > 0) throw new Error(`${path}: ${result.errors} errors, ${result.non2xx} non-2xx responses`)
  latencies.sort((a, b) => a - b)
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]
  return { rps: latencies.length / duration, p50: pct(50), p99: pct(99) }
}

const children = []
const stopAll = () => { for (const c of children) c.kill('SIGTERM') }
process.on('exit', stopAll)

// The real server, with its generated certs kept in work/certs for the bare server to reuse.
const certDir = join(work, 'certs')
const realPort = await freePort()
const real = spawn(process.execPath, [join(ROOT, 'bin/store-admission.js'), 'serve', '--host', '127.0.0.1', '--port', String(realPort), '--static-namespaces', join(work, 'namespaces.yaml'), '--cert-dir', certDir], { stdio: ['ignore', 'ignore', 'inherit'] })
children.push(real)
for (let i = 0; i < 600; i++) {
  try { readFileSync(join(certDir, 'ca.crt')); break } catch { await new Promise((r) => setTimeout(r, 100)) }
}
const ca = readFileSync(join(certDir, 'ca.crt'), 'utf8')
await waitReady(realPort, ca, real)
const barePort = await freePort()
const bare = spawn(process.execPath, [join(ROOT, 'bench/bare-server.mjs'), String(barePort), join(certDir, 'tls.crt'), join(certDir, 'tls.key')], { stdio: ['ignore', 'ignore', 'inherit'] })
children.push(bare)
await waitReady(barePort, ca, bare)

// /mutate gets the pod as created; /validate gets it as the API server stores it after /mutate.
const mutateBody = JSON.stringify(storefrontReview('3f2a1b0c-0000-4000-8000-000000000001', storefrontPod))
const mutated = JSON.parse((await call(realPort, ca, 'POST', '/mutate', JSON.parse(mutateBody))).text).response
if (!mutated.patch) throw new Error('the real server did not mutate the storefront pod')
const storedPod = fjp.applyPatch(structuredClone(storefrontPod), JSON.parse(Buffer.from(mutated.patch, 'base64').toString())).newDocument
const validateBody = JSON.stringify(storefrontReview('3f2a1b0c-0000-4000-8000-000000000002', storedPod))
const verdict = JSON.parse((await call(realPort, ca, 'POST', '/validate', JSON.parse(validateBody))).text).response
if (!verdict.allowed) throw new Error(`the mutated storefront pod was denied: ${verdict.status?.message}`)

console.log(`warming up (JIT) ...`)
for (const [port, path, body] of [[realPort, '/mutate', mutateBody], [realPort, '/validate', validateBody], [barePort, '/mutate', mutateBody]]) {
  await load(port, ca, path, body, 16, 3)
}

const rows = []
for (const [webhook, body] of [['mutate', mutateBody], ['validate', validateBody]]) {
  for (const c of CONNECTIONS) {
    const b = await load(barePort, ca, `/${webhook}`, body, c, DURATION)
    const r = await load(realPort, ca, `/${webhook}`, body, c, DURATION)
    rows.push({ webhook, c, bare: b, real: r, ratio: r.rps / b.rps })
    console.log(`/${webhook} c=${c}: real ${r.rps.toFixed(0)} req/s p99 ${r.p99.toFixed(2)} ms, bare ${b.rps.toFixed(0)} req/s -> ${(100 * r.rps / b.rps).toFixed(0)}%`)
  }
}
stopAll()

// Where the time goes: the pure pipeline alone, in this process, per call.
const { mutate, validate } = await import('../dist/pipeline/index.js')
const { defaultPolicy } = await import('../dist/policy/index.js')
const policy = defaultPolicy()
const nsInfo = { name: 'acme', labels: { 'store.platform.io/tenant': 'acme' } }
const noLookup = { labelsOf: () => undefined }
const perCall = (fn) => {
  for (let i = 0; i < 500; i++) fn()
  const n = 3000
  const t0 = performance.now()
  for (let i = 0; i < n; i++) fn()
  return ((performance.now() - t0) / n) * 1000
}
const mutateUs = perCall(() => mutate({ operation: 'CREATE', kind: 'Pod', namespace: 'acme', object: storefrontPod }, nsInfo, policy, noLookup))
const validateUs = perCall(() => validate({ operation: 'CREATE', kind: 'Pod', namespace: 'acme', object: storedPod }, nsInfo, policy, noLookup))
const pipelineLine = `Pipeline alone (no HTTP, this process): mutate ${mutateUs.toFixed(0)} µs, validate ${validateUs.toFixed(0)} µs per storefront pod.`

const f = (n) => n.toFixed(2)
const lines = [
  `| webhook | connections | store-admission req/s | p50 ms | p99 ms | bare fastify req/s | p50 ms | p99 ms | ratio |`,
  `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
  ...rows.map(({ webhook, c, bare: b, real: r, ratio }) =>
    `| /${webhook} | ${c} | ${r.rps.toFixed(0)} | ${f(r.p50)} | ${f(r.p99)} | ${b.rps.toFixed(0)} | ${f(b.p50)} | ${f(b.p99)} | ${(100 * ratio).toFixed(0)}% |`),
]
const c16 = rows.filter((r) => r.c === 16)
const verdictLine = c16.length === 0 ? '' : c16.every((r) => r.ratio >= TARGET_RATIO && r.real.p99 <= TARGET_P99_MS)
  ? `Target met at c=16: >= ${TARGET_RATIO * 100}% of the bare server's req/s and p99 <= ${TARGET_P99_MS} ms.`
  : `Target NOT met at c=16 (>= ${TARGET_RATIO * 100}% of bare req/s and p99 <= ${TARGET_P99_MS} ms).`
const env = `${cpus().length} CPUs (${cpus()[0]?.model.trim()}), Node ${process.version}, 1-min load average before the run ${loadBefore.toFixed(2)}; ${DURATION} s per run, autocannon in the same machine, 127.0.0.1, HTTPS (keep-alive), request body ${mutateBody.length} / ${validateBody.length} bytes (mutate / validate).`
const table = lines.join('\n')
console.log(`\n${table}\n\n${verdictLine}\n${pipelineLine}\n${env}`)
writeFileSync(join(ROOT, 'bench/RESULTS.md'), `# store-admission benchmark (\`make bench\`)\n\n${table}\n\n${verdictLine}\n${pipelineLine}\n\n${env}\nThe bare server is fastify over HTTPS that parses the same body and answers a fixed allow (bench/bare-server.mjs); the real server logs one JSON line per review (to /dev/null here) and counts metrics.\n`)
