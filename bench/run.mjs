#!/usr/bin/env node
// `make bench`: the real webhook (dist/, started as `store-admission serve`) against a bare fastify
// HTTPS server and, for /mutate, the same bare server answering with the real patch; all on
// 127.0.0.1, loaded by wrk (C, one thread, so the load generator takes little of the two cores)
// with a realistic storefront-pod review. Runs alternate between the servers for several rounds,
// because this machine's speed drifts between runs: a ratio is the median of each round's ratio
// (neighbouring runs), req/s and latencies are medians. Prints a table (req/s,
// p50, p99, ratios) and, for a full run, writes it to bench/RESULTS.md.
// Env: BENCH_DURATION (seconds per run, default 3), BENCH_ROUNDS (default 7), BENCH_CONNECTIONS (default "1,16"),
// BENCH_SCENARIOS (names to run, comma-separated: "mutate,validate", default all).
import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import { createServer } from 'node:net'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fjp from 'fast-json-patch'
import { storefrontPod, storefrontReview } from './storefront-review.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DURATION = Number(process.env.BENCH_DURATION ?? 3)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '1,16').split(',').map(Number)
const ONLY = process.env.BENCH_SCENARIOS?.split(',')

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

/** CPU time counters of the machine (/proc/stat): steal is time the hypervisor gave to others. */
function cpuTimes() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
    // user nice system idle iowait irq softirq steal; guest time is already counted in user.
    return { steal: fields[7] ?? 0, total: fields.slice(0, 8).reduce((a, b) => a + b, 0) }
  } catch {
    return undefined
  }
}

/** One wrk run; bench/wrk.lua prints its results as a JSON line on stderr. */
async function load(port, path, bodyFile, connections, duration) {
  const before = cpuTimes()
  const result = await wrk(port, path, bodyFile, connections, duration)
  const after = cpuTimes()
  return { ...result, steal: before && after ? (after.steal - before.steal) / Math.max(1, after.total - before.total) : undefined }
}

function wrk(port, path, bodyFile, connections, duration) {
  // A 10 s timeout, not wrk's 2 s: this VM sometimes stalls for seconds, and a timed-out request is an error.
  const args = ['-t1', `-c${connections}`, `-d${duration}s`, '--timeout', '10s', '-s', join(ROOT, 'bench/wrk.lua'), `https://127.0.0.1:${port}${path}`]
  const env = { ...process.env, BODY_FILE: bodyFile }
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { env }, (err, _stdout, stderr) => {
      const line = stderr.split('\n').find((l) => l.startsWith('{'))
      if (err || !line) return reject(new Error(`wrk ${args.join(' ')} failed: ${err?.message ?? ''} ${stderr}`))
      const r = JSON.parse(line)
      if (r.errors > 0 || r.non2xx > 0) return reject(new Error(`${path}: ${r.errors} errors, ${r.non2xx} non-2xx responses`))
      resolve({ rps: r.requests / (r.duration_us / 1e6), p50: r.p50_us / 1000, p99: r.p99_us / 1000 })
    })
  })
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const medianRun = (runs) => ({ rps: median(runs.map((r) => r.rps)), p50: median(runs.map((r) => r.p50)), p99: median(runs.map((r) => r.p99)) })
const maxSteal = (runs) => Math.max(...runs.map((r) => r.steal ?? 0))
/** The median over rounds of real / baseline req/s, each pair measured back to back. */
const pairedRatio = (real, baseline) => median(real.map((r, i) => r.rps / baseline[i].rps))

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
// wrk numbers every __SEQ__ per request: each review gets its own uid, as from the API server, and
// the distinct-pods body its own pod-template-hash label too, as a new ReplicaSet per review would.
const bodyFile = (name, text) => { const file = join(work, name); writeFileSync(file, text); return file }
const mutateBody = JSON.stringify(storefrontReview('3f2a1b0c-0000-4000-8001-__SEQ__', storefrontPod))
const distinctPod = { ...storefrontPod, metadata: { ...storefrontPod.metadata, labels: { ...storefrontPod.metadata.labels, 'pod-template-hash': '7d9f8c6b5-__SEQ__' } } }
const distinctBody = JSON.stringify(storefrontReview('3f2a1b0c-0000-4000-8003-__SEQ__', distinctPod))
const mutated = JSON.parse((await call(realPort, ca, 'POST', '/mutate', JSON.parse(mutateBody))).text).response
if (!mutated.patch) throw new Error('the real server did not mutate the storefront pod')
const storedPod = fjp.applyPatch(structuredClone(storefrontPod), JSON.parse(Buffer.from(mutated.patch, 'base64').toString())).newDocument
const validateBody = JSON.stringify(storefrontReview('3f2a1b0c-0000-4000-8002-__SEQ__', storedPod))
const verdict = JSON.parse((await call(realPort, ca, 'POST', '/validate', JSON.parse(validateBody))).text).response
if (!verdict.allowed) throw new Error(`the mutated storefront pod was denied: ${verdict.status?.message}`)

const reviewAnswerBytes = (await call(realPort, ca, 'POST', '/mutate', JSON.parse(mutateBody))).text.length
// A second bare server answers /mutate with the real patch: what an answer of that size costs alone.
const sizedPort = await freePort()
const sized = spawn(process.execPath, [join(ROOT, 'bench/bare-server.mjs'), String(sizedPort), join(certDir, 'tls.crt'), join(certDir, 'tls.key'), bodyFile('patch.b64', mutated.patch)], { stdio: ['ignore', 'ignore', 'inherit'] })
children.push(sized)
await waitReady(sizedPort, ca, sized)

const ALL_SCENARIOS = [
  { id: 'mutate', name: '/mutate', path: '/mutate', file: bodyFile('distinct.json', distinctBody), target: 0.5, note: 'a minimal storefront pod, a different one every review: the full injection' },
  { id: 'validate', name: '/validate', path: '/validate', file: bodyFile('validate.json', validateBody), target: 0.6, note: 'the mutated pod' },
]
const SCENARIOS = ALL_SCENARIOS.filter((s) => !ONLY || ONLY.includes(s.id))
if (SCENARIOS.length === 0) throw new Error(`BENCH_SCENARIOS=${process.env.BENCH_SCENARIOS}: none of ${ALL_SCENARIOS.map((s) => s.id).join(', ')}`)

console.log('warming up (JIT) ...')
for (const s of SCENARIOS) for (const port of [realPort, barePort, sizedPort]) await load(port, s.path, s.file, 16, 2)

const rows = []
for (const s of SCENARIOS) {
  const withPatch = s.path === '/mutate'
  for (const c of CONNECTIONS) {
    const runs = { bare: [], sized: [], real: [] }
    for (let round = 0; round < ROUNDS; round++) {
      // real between the two baselines, so each ratio compares neighbouring runs
      runs.bare.push(await load(barePort, s.path, s.file, c, DURATION))
      runs.real.push(await load(realPort, s.path, s.file, c, DURATION))
      if (withPatch) runs.sized.push(await load(sizedPort, s.path, s.file, c, DURATION))
    }
    const row = { scenario: s.name, c, bare: medianRun(runs.bare), real: medianRun(runs.real), steal: maxSteal([...runs.bare, ...runs.sized, ...runs.real]) }
    row.ratio = pairedRatio(runs.real, runs.bare)
    if (withPatch) {
      row.sized = medianRun(runs.sized)
      row.sizedRatio = pairedRatio(runs.real, runs.sized)
    }
    rows.push(row)
    const sizedNote = withPatch ? `; bare with the same answer ${row.sized.rps.toFixed(0)} req/s -> ${(100 * row.sizedRatio).toFixed(0)}%` : ''
    console.log(`${s.name} c=${c}: real ${row.real.rps.toFixed(0)} req/s p99 ${row.real.p99.toFixed(2)} ms, bare ${row.bare.rps.toFixed(0)} req/s p99 ${row.bare.p99.toFixed(2)} ms -> ${(100 * row.ratio).toFixed(0)}%${sizedNote}`)
  }
}
stopAll()

// Where the time goes: the pure pipeline alone, in this process, per call.
const { mutate, validate } = await import('../dist/pipeline/index.js')
const { defaultPolicy } = await import('../dist/policy/index.js')
const policy = defaultPolicy()
const nsInfo = { name: 'acme', labels: { 'store.platform.io/tenant': 'acme' } }
const noLookup = { labelsOf: () => undefined }
// The fastest of 20 batches: the machine's noise only ever adds time.
const perCall = (fn) => {
  for (let i = 0; i < 500; i++) fn()
  let best = Infinity
  for (let batch = 0; batch < 20; batch++) {
    const t0 = performance.now()
    for (let i = 0; i < 200; i++) fn()
    best = Math.min(best, ((performance.now() - t0) / 200) * 1000)
  }
  return best
}
const mutateUs = perCall(() => mutate({ operation: 'CREATE', kind: 'Pod', namespace: 'acme', object: storefrontPod }, nsInfo, policy, noLookup))
const validateUs = perCall(() => validate({ operation: 'CREATE', kind: 'Pod', namespace: 'acme', object: storedPod }, nsInfo, policy, noLookup))
const pipelineLine = `Pipeline alone (no HTTP, this process, fastest batch): mutate ${mutateUs.toFixed(0)} µs, validate ${validateUs.toFixed(0)} µs per storefront pod.`

const f = (n) => n.toFixed(2)
const pct = (ratio) => `${(100 * ratio).toFixed(0)}%`
const lines = [
  '| review | connections | store-admission req/s | p50 ms | p99 ms | bare req/s | p50 ms | p99 ms | ratio | bare, same answer, req/s | ratio to it | max CPU steal |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(({ scenario, c, bare: b, real: r, ratio, sized, sizedRatio, steal }) =>
    `| ${scenario} | ${c} | ${r.rps.toFixed(0)} | ${f(r.p50)} | ${f(r.p99)} | ${b.rps.toFixed(0)} | ${f(b.p50)} | ${f(b.p99)} | ${pct(ratio)} | ${sized ? sized.rps.toFixed(0) : 'n/a'} | ${sized ? pct(sizedRatio) : 'n/a'} | ${pct(steal)} |`),
]
const verdicts = rows.filter((r) => r.c === 16).map((r) => {
  const target = ALL_SCENARIOS.find((s) => s.name === r.scenario).target
  return `- ${r.scenario} at c=16: ${pct(r.ratio)} of bare req/s (target >= ${target * 100}%: ${r.ratio >= target ? 'met' : 'NOT met'})`
})
const scenarios = SCENARIOS.map((s) => `- ${s.name}: ${s.note}`).join('\n')
const env = `${cpus().length} CPUs (${cpus()[0]?.model.trim()}), Node ${process.version}, 1-min load average before the run ${loadBefore.toFixed(2)}; ${ROUNDS} rounds of alternating bare / real / bare with the same answer runs of ${DURATION} s each, ratios the median of the rounds' ratios; wrk (1 thread) on the same machine, 127.0.0.1, HTTPS (keep-alive), request body ${mutateBody.length} / ${validateBody.length} bytes (mutate / validate), /mutate answer ${reviewAnswerBytes} bytes.`
const table = lines.join('\n')
console.log(`\n${table}\n\n${verdicts.join('\n')}\n${pipelineLine}\n${env}`)
if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, `${table}\n\n${verdicts.join('\n')}\n\n${scenarios}\n\n${pipelineLine}\n\n${env}\nThe bare server is fastify over HTTPS that parses the same body and answers a fixed allow (bench/bare-server.mjs); "bare, same answer" is that server answering /mutate with the real server's patch, so the last ratio is our code's share and the gap between the two bare servers is the cost of the answer's size alone. The real server logs one JSON line per review (to /dev/null here) and counts metrics. CPU steal is the share of the machine's time its hypervisor gave to others during the runs.\n`)
