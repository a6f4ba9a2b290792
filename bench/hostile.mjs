#!/usr/bin/env node
// `make bench`, table (e): normal reviews while hostile clients attack. A real `store-admission
// serve` (dist/, generated certs, --static-namespaces, the Deployment's --max-old-space-size=192)
// on 127.0.0.1; in SEPARATE processes: one prober sending storefront reviews at a fixed rate over
// keep-alive HTTPS (as a busy API server would) and timing each, and hostile clients on their own
// connections sending bodies just under and over --body-limit, JSON nested to the cap of 64 and far
// past it (in request.object and in envelope fields), and slow or stalled bodies. A baseline phase
// (prober alone) and a hostile phase (prober + attackers), each bounded; the server's RSS is read
// from /proc every 50 ms (and its kernel high-water mark, VmHWM, at each phase's end).
// On 2+ CPUs the server is pinned to CPU 0 and everything else to CPU 1 (taskset), as attackers
// and the API server would be on other machines; the attackers also run at nice 19, so the prober
// is not delayed by its neighbours on CPU 1 (its own send lag is reported to show it was not).
// Env: HOSTILE_SECONDS (per phase, default 20), HOSTILE_RATE (normal reviews/s, default 20),
// HOSTILE_CONNECTIONS (attacker connections, default 12), HOSTILE_CASES (a regular expression: only
// the cases whose name matches), BENCH_OUT (also write the table there).
// Prints a markdown table and a verdict; exits 1 only when the server crashed (a missed target is
// reported, as the other `make bench` tables do, not an error).
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:https'
import { createServer } from 'node:net'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fjp from 'fast-json-patch'
import { storefrontPod, storefrontReview } from './storefront-review.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SELF = fileURLToPath(import.meta.url)
const BODY_LIMIT = 3 * 1024 * 1024 // serve's default --body-limit
const MAX_DEPTH = 64 // the server's nesting cap (src/server/app.ts)
const MAX_CONTAINERS = Math.floor(BODY_LIMIT / 16) // its cap on objects and arrays per body (the same)
const RSS_LIMIT = 256 * 1024 * 1024 // the Deployment's memory limit
const P99_TARGET_MS = 100
// As manifests/webhook/deployment.yaml sets them.
const SERVER_NODE_OPTIONS = process.env.HOSTILE_NODE_OPTIONS ?? '--max-old-space-size=192'

// ---------------------------------------------------------------------------------------------
// Shared: one HTTPS request, timed; never rejects (a reset is an outcome).

function send(agent, o, method, path, body, slow) {
  const started = performance.now()
  return new Promise((resolve) => {
    let settled = false
    const done = (r) => { if (!settled) { settled = true; resolve({ ...r, ms: performance.now() - started }) } }
    const headers = body === undefined ? {} : { 'content-type': 'application/json', ...(slow?.chunked ? {} : { 'content-length': String(body.length) }) }
    const req = request({ host: '127.0.0.1', port: o.port, method, path, ca: o.ca, agent, headers }, (res) => {
      const chunks = []
      res.on('data', (d) => chunks.push(d))
      res.on('end', () => done({ status: res.statusCode, text: Buffer.concat(chunks).toString() }))
      res.on('error', (err) => done({ status: 'reset', error: err.code ?? err.message }))
    })
    req.on('error', (err) => done({ status: 'reset', error: err.code ?? err.message }))
    if (body === undefined) return void req.end()
    if (!slow?.pieces) return void req.end(body)
    // A slow client: the body in `pieces`, `gapMs` apart; `stallAfter` pieces and then nothing.
    const size = Math.ceil(body.length / slow.pieces)
    let piece = 0
    const next = () => {
      if (settled || req.destroyed) return
      if (slow.stallAfter !== undefined && piece >= slow.stallAfter) return
      const part = body.subarray(piece * size, (piece + 1) * size)
      piece++
      if (piece >= slow.pieces) return void req.end(part)
      req.write(part)
      setTimeout(next, slow.gapMs)
    }
    next()
  })
}

const sleepUntil = (epochMs) => new Promise((r) => setTimeout(r, Math.max(0, epochMs - Date.now())))

// ---------------------------------------------------------------------------------------------
// The prober: normal storefront reviews at a fixed rate (open loop: a slow answer does not delay
// the next send), alternating /mutate (the pod as created) and /validate (as stored after /mutate).

async function prober(o) {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 })
  const mutateBody = (uid) => Buffer.from(JSON.stringify(storefrontReview(uid, storefrontPod)))
  const first = JSON.parse((await send(agent, o, 'POST', '/mutate', mutateBody('prober-setup'))).text).response
  const storedPod = fjp.applyPatch(structuredClone(storefrontPod), JSON.parse(Buffer.from(first.patch, 'base64').toString())).newDocument
  const validateBody = (uid) => Buffer.from(JSON.stringify(storefrontReview(uid, storedPod)))
  const interval = 1000 / o.rate
  const result = { sent: 0, answered: 0, wrong: [], latencies: [], lagMs: [] }
  const pending = []
  await sleepUntil(o.startAt)
  const t0 = performance.now()
  for (let i = 0; Date.now() < o.endAt; i++) {
    const due = t0 + i * interval
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())))
    const lag = performance.now() - due // how late this process got to send: its own delay, not the server's
    const uid = `prober-${o.phase}-${i}`
    const webhook = i % 2 === 0 ? 'mutate' : 'validate'
    const body = webhook === 'mutate' ? mutateBody(uid) : validateBody(uid)
    const warm = Date.now() < o.measureFrom
    if (!warm) { result.sent++; result.lagMs.push(lag) }
    pending.push(send(agent, o, 'POST', `/${webhook}`, body).then((r) => {
      if (warm) return
      const response = r.status === 200 ? JSON.parse(r.text).response : undefined
      const right = response?.uid === uid && response.allowed === true && (webhook === 'validate' || typeof response.patch === 'string')
      if (!right) return void result.wrong.push(`${webhook} ${r.status} ${r.error ?? r.text?.slice(0, 120)}`)
      result.answered++
      result.latencies.push(r.ms)
    }))
  }
  await Promise.all(pending)
  agent.destroy()
  process.stdout.write(JSON.stringify(result))
}

// ---------------------------------------------------------------------------------------------
// The attackers: `connections` workers, each on its own keep-alive connection, cycling through
// the cases below back to back until the phase ends.

/** A valid review of the storefront pod carrying `pad` as an annotation: just under the limit. */
function paddedReview(uid, bytes) {
  const base = JSON.stringify(storefrontReview(uid, { ...storefrontPod, metadata: { ...storefrontPod.metadata, annotations: { ...storefrontPod.metadata.annotations, pad: '' } } }))
  return base.replace('"pad":""', `"pad":"${'x'.repeat(bytes - base.length)}"`)
}

/** `n` arrays, each inside the one before. */
const nest = (n) => `${'['.repeat(n)}${']'.repeat(n)}`

/** The review text with the string `field` (its first occurrence: the envelope's) given `value` instead. */
const replaceField = (text, field, value) => text.replace(new RegExp(`"${field}":"[^"]*"`), `"${field}":${value}`)

/**
 * The costliest review a real cluster could send: an UPDATE whose object and oldObject are pods as
 * dense as the storefront pod (about one object or array per 55 bytes) and as large as fits.
 */
function denseUpdate() {
  const many = (n) => ({ ...storefrontPod, spec: { ...storefrontPod.spec, containers: Array.from({ length: n }, (_, i) => ({ ...storefrontPod.spec.containers[i % 2], name: `c${i}` })) } })
  const review = (n) => { const r = storefrontReview('hostile-dense', many(n)); r.request.operation = 'UPDATE'; r.request.oldObject = many(n); return JSON.stringify(r) }
  let n = 1
  while (review(n * 2).length < BODY_LIMIT - 64 * 1024) n *= 2
  for (let step = n / 2; step >= 1; step /= 2) if (review(n + step).length < BODY_LIMIT - 64 * 1024) n += step
  return review(n)
}

function hostileCases() {
  const valid = JSON.stringify(storefrontReview('hostile', storefrontPod))
  // A list of `text` side by side, the body 64 KiB under the limit: as much nesting as fits, and wide.
  const nearLimit = (text) => Array.from({ length: Math.floor((BODY_LIMIT - 64 * 1024 - valid.length) / (text.length + 1)) }, () => text).join(',')
  // In {review {request {object {"x": [ ...: the list is level 4, so its members may nest 60 more;
  // as many as the container cap allows (the review's own 76 and the list included), then a string.
  const atCap = nest(MAX_DEPTH - 4)
  const members = Array.from({ length: Math.floor((MAX_CONTAINERS - 100) / (MAX_DEPTH - 4)) }, () => atCap).join(',')
  const atCaps = valid.replace('"object":{', `"object":{"x":[${members}],"pad":"${'x'.repeat(BODY_LIMIT - 64 * 1024 - valid.length - members.length)}",`)
  const cases = [
    { name: 'valid, 4 KiB under --body-limit', body: paddedReview('hostile-under', BODY_LIMIT - 4096) },
    { name: 'valid UPDATE of a pod of 950 containers (object and oldObject 1.45 MB each)', body: denseUpdate() },
    { name: 'valid, 4 KiB over --body-limit', body: paddedReview('hostile-over', BODY_LIMIT + 4096) },
    { name: 'over --body-limit, chunked (no length)', body: paddedReview('hostile-over-chunked', BODY_LIMIT + 4096), slow: { chunked: true } },
    { name: `2.9 MB: ${MAX_CONTAINERS - 100} arrays nested ${MAX_DEPTH} deep (both caps) in request.object`, body: atCaps },
    { name: `2.9 MB: one array too many (${MAX_CONTAINERS + 1}) in request.object`, body: valid.replace('"object":{', `"object":{"x":[${nearLimit(nest(1))}],`) },
    { name: '1.9 MB nested 950,000 deep in request.object', body: valid.replace('"object":{', `"object":{"x":${nest(950_000)},`) },
    { name: '1.9 MB nested 950,000 deep in apiVersion', body: replaceField(valid, 'apiVersion', nest(950_000)) },
    { name: '1.9 MB nested 950,000 deep in request.operation', body: replaceField(valid, 'operation', nest(950_000)) },
    // {review {request {"uid": [ is level 3: a member nested 62 deep reaches 65, at the very end.
    { name: '2.9 MB in request.uid, its end one level past the depth cap', body: replaceField(valid, 'uid', `["${'x'.repeat(BODY_LIMIT - 64 * 1024 - valid.length)}",${nest(MAX_DEPTH - 2)}]`) },
    { name: '1 MB valid review sent slowly (20 pieces over 1.9 s)', body: paddedReview('hostile-slow', 1024 * 1024), slow: { pieces: 20, gapMs: 100 } },
    { name: '1 MB body stalled after its first 64 KiB', body: paddedReview('hostile-stall', 1024 * 1024), slow: { pieces: 16, gapMs: 50, stallAfter: 1 } },
  ]
  return cases.map((c) => ({ ...c, body: Buffer.from(c.body) }))
}

async function hostile(o) {
  const cases = hostileCases().filter((c) => !o.only || new RegExp(o.only).test(c.name))
  if (cases.length === 0) throw new Error(`HOSTILE_CASES=${o.only}: no case matches`)
  const stats = Object.fromEntries(cases.map((c) => [c.name, { bytes: c.body.length, sent: 0, answers: {} }]))
  await sleepUntil(o.startAt)
  const worker = async (w) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    for (let i = w; Date.now() < o.endAt; i++) {
      const c = cases[i % cases.length]
      // By the case's own count: with as many workers as cases, `i % 2` paired each case with one
      // webhook for good.
      const path = stats[c.name].sent % 2 === 0 ? '/validate' : '/mutate'
      stats[c.name].sent++
      const r = await send(agent, o, 'POST', path, c.body, c.slow)
      const key = r.status === 'reset' ? `reset` : String(r.status)
      stats[c.name].answers[key] = (stats[c.name].answers[key] ?? 0) + 1
      // A connection the server closed: the next request opens a new one.
      if (r.status === 'reset') agent.destroy()
    }
    agent.destroy()
  }
  await Promise.all(Array.from({ length: o.connections }, (_, w) => worker(w)))
  process.stdout.write(JSON.stringify(stats))
}

// ---------------------------------------------------------------------------------------------
// The orchestrator.

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

/** VmRSS and VmHWM (peak since start) of a process, in bytes. */
function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') }
  } catch {
    return { rss: 0, hwm: 0 }
  }
}

/** A child process run to its end: resolves with its stdout parsed as JSON. */
function runChild(prefix, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(prefix[0] ?? process.execPath, [...prefix.slice(1), ...(prefix.length ? [process.execPath] : []), SELF, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d) => { out += d })
    child.on('error', reject)
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${args[0]} exited with ${code}`))
      try { resolve(JSON.parse(out)) } catch (err) { reject(new Error(`${args[0]} printed no result: ${err.message}`)) }
    })
  })
}

async function waitReady(o, child) {
  const agent = new Agent()
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}`)
    if ((await send(agent, o, 'GET', '/readyz')).status === 200) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('serve not ready after 60 s')
}

/**
 * Seconds a process (all its threads) has run on a CPU, and seconds its main thread (the event
 * loop) waited, runnable, while others had the CPU: /proc/PID/task/TID/schedstat, nanoseconds.
 */
function schedOf(pid) {
  const total = { ran: 0, waited: 0 }
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const [ran, waited] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number)
      total.ran += ran / 1e9
      if (tid === String(pid)) total.waited = waited / 1e9
    }
  } catch {
    // the process or a thread is gone
  }
  return total
}

function cpuSteal() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
  return { steal: fields[7] ?? 0, total: fields.slice(0, 8).reduce((a, b) => a + b, 0) }
}

const quantile = (sorted, q) => sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]

async function main() {
  const seconds = Number(process.env.HOSTILE_SECONDS ?? 20)
  const rate = Number(process.env.HOSTILE_RATE ?? 20)
  const connections = Number(process.env.HOSTILE_CONNECTIONS ?? 12)
  const pin = cpus().length >= 2 && spawnSync('taskset', ['-V']).status === 0
  // Server alone on CPU 0; this process, the prober and the attackers on CPU 1.
  if (pin) spawnSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' })
  const serverPrefix = pin ? ['taskset', '-c', '0'] : []
  // The prober stands for the API server on another machine: at nice -10 (when allowed), so the
  // neighbours on its CPU, attackers included, do not delay its clock.
  const higher = spawnSync('nice', ['-n', '-10', 'true']).status === 0 ? ['nice', '-n', '-10'] : []
  const proberPrefix = pin ? ['taskset', '-c', '1', ...higher] : higher
  const hostilePrefix = pin ? ['taskset', '-c', '1', 'nice', '-n', '19'] : ['nice', '-n', '19']
  const loadBefore = loadavg()[0]

  const work = mkdtempSync(join(tmpdir(), 'store-admission-hostile-'))
  writeFileSync(join(work, 'namespaces.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: acme\n  labels:\n    store.platform.io/tenant: acme\n')
  const certDir = join(work, 'certs')
  const port = await freePort()
  const serveArgs = [join(ROOT, 'bin/store-admission.js'), 'serve', '--host', '127.0.0.1', '--port', String(port), '--static-namespaces', join(work, 'namespaces.yaml'), '--cert-dir', certDir, '--body-limit', String(BODY_LIMIT)]
  // Logs (one JSON line per review, at info as deployed) go to /dev/null; the heap limit as deployed.
  const server = spawn(serverPrefix[0] ?? process.execPath, [...serverPrefix.slice(1), ...(pin ? [process.execPath] : []), ...serveArgs], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: SERVER_NODE_OPTIONS },
  })
  let serverExit
  server.on('exit', (code, signal) => { serverExit = signal ?? code })
  const stop = () => { if (serverExit === undefined) server.kill('SIGTERM') }
  process.on('exit', () => { stop(); rmSync(work, { recursive: true, force: true }) })
  for (let i = 0; i < 600; i++) {
    try { readFileSync(join(certDir, 'ca.crt')); break } catch { await new Promise((r) => setTimeout(r, 100)) }
  }
  const ca = readFileSync(join(certDir, 'ca.crt'), 'utf8')
  await waitReady({ port, ca }, server)

  let sampling = { peak: 0 }
  const sampler = setInterval(() => { sampling.peak = Math.max(sampling.peak, memoryOf(server.pid).rss) }, 50)

  const phases = []
  for (const name of ['baseline', 'hostile']) {
    // 3 s for the children to start (and the attackers to build their bodies), 2 s of warm-up
    // reviews (JIT; for the hostile phase, the attack under way) before the measured window.
    const startAt = Date.now() + 3000
    const measureFrom = startAt + 2000
    const endAt = measureFrom + seconds * 1000
    const common = { port, ca, startAt, endAt }
    const steal0 = cpuSteal()
    sampling = { peak: 0 }
    // The server's CPU over the measured window: a share, for how busy it was.
    const cpuAt = {}
    setTimeout(() => { cpuAt.start = schedOf(server.pid) }, measureFrom - Date.now())
    setTimeout(() => { cpuAt.end = schedOf(server.pid) }, endAt - Date.now())
    const [probe, attack] = await Promise.all([
      runChild(proberPrefix, ['prober', JSON.stringify({ ...common, rate, measureFrom, phase: name })]),
      name === 'hostile' ? runChild(hostilePrefix, ['hostile', JSON.stringify({ ...common, connections, only: process.env.HOSTILE_CASES })]) : Promise.resolve(undefined),
    ])
    const steal1 = cpuSteal()
    const sched = { start: cpuAt.start ?? { ran: 0, waited: 0 }, end: cpuAt.end ?? schedOf(server.pid) }
    const serverCpu = (sched.end.ran - sched.start.ran) / seconds
    const serverWaited = (sched.end.waited - sched.start.waited) / seconds
    const { hwm } = memoryOf(server.pid)
    const latencies = probe.latencies.sort((a, b) => a - b)
    const lags = probe.lagMs.sort((a, b) => a - b)
    phases.push({
      name,
      probe,
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      max: latencies.at(-1) ?? NaN,
      lagP99: quantile(lags, 0.99),
      attack,
      peakRss: sampling.peak,
      hwm,
      steal: (steal1.steal - steal0.steal) / Math.max(1, steal1.total - steal0.total),
      serverCpu,
      serverWaited,
      alive: serverExit === undefined && server.exitCode === null,
    })
    if (serverExit !== undefined) break
  }
  clearInterval(sampler)
  stop()

  const mib = (b) => (b / 1048576).toFixed(0)
  const ms = (x) => Number.isFinite(x) ? x.toFixed(1) : 'n/a'
  const attackCell = (a) => {
    if (!a) return 'none'
    const sent = Object.values(a).reduce((n, c) => n + c.sent, 0)
    const totals = {}
    for (const c of Object.values(a)) for (const [k, v] of Object.entries(c.answers)) totals[k] = (totals[k] ?? 0) + v
    return `${sent}: ${Object.entries(totals).sort().map(([k, v]) => `${k} × ${v}`).join(', ')}`
  }
  const lines = [
    '| phase | normal reviews sent / answered | p50 ms | p99 ms | max ms | prober send lag p99 ms | hostile requests: answers | server CPU: ran / event loop waited for it | server peak RSS MiB (50 ms samples / kernel VmHWM) | limit MiB | CPU steal |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |',
    ...phases.map((p) => `| ${p.name} | ${p.probe.sent} / ${p.probe.answered} | ${ms(p.p50)} | ${ms(p.p99)} | ${ms(p.max)} | ${ms(p.lagP99)} | ${attackCell(p.attack)} | ${(100 * p.serverCpu).toFixed(0)}% / ${(100 * p.serverWaited).toFixed(0)}% | ${mib(p.peakRss)} / ${mib(p.hwm)} | ${mib(RSS_LIMIT)} | ${(100 * p.steal).toFixed(0)}% |`),
  ]
  const attack = phases.find((p) => p.attack)?.attack
  const caseLines = attack
    ? ['', '| hostile case (each sent to /validate and /mutate in turn) | body bytes | sent | answers |', '| --- | ---: | ---: | --- |',
        ...Object.entries(attack).map(([name, c]) => `| ${name} | ${c.bytes} | ${c.sent} | ${Object.entries(c.answers).sort().map(([k, v]) => `${k} × ${v}`).join(', ')} |`)]
    : []
  const h = phases.find((p) => p.name === 'hostile')
  const allAnswered = phases.every((p) => p.probe.answered === p.probe.sent && p.probe.wrong.length === 0)
  const no5xx = !attack || Object.values(attack).every((c) => Object.keys(c.answers).every((k) => !/^5/.test(k)))
  const rssOk = phases.every((p) => Math.max(p.peakRss, p.hwm) < RSS_LIMIT)
  const p99Ok = h !== undefined && h.p99 < P99_TARGET_MS
  const alive = phases.every((p) => p.alive)
  const met = p99Ok && rssOk && allAnswered && no5xx && alive
  const verdict = `**Verdict: ${met ? 'met' : 'NOT met'}.** Under attack, normal reviews p99 ${ms(h?.p99)} ms (target < ${P99_TARGET_MS} ms: ${p99Ok ? 'met' : 'NOT met'}); server peak RSS ${mib(Math.max(...phases.map((p) => Math.max(p.peakRss, p.hwm))))} MiB (target < ${mib(RSS_LIMIT)} MiB: ${rssOk ? 'met' : 'NOT met'}); every normal review answered correctly: ${allAnswered ? 'yes' : `NO (${phases.flatMap((p) => p.probe.wrong).slice(0, 3).join('; ')})`}; no 5xx to attackers: ${no5xx ? 'yes' : 'NO'}; server ${alive ? 'alive throughout' : `EXITED (${serverExit})`}.`
  const env = `${cpus().length} CPUs (${cpus()[0]?.model.trim()}), Node ${process.version}, 1-min load average before ${loadBefore.toFixed(2)}. ` +
    `Each phase: ${seconds} s measured after 2 s of warm-up; the prober sends ${rate} storefront reviews/s (alternately /mutate and /validate, open loop, keep-alive HTTPS); ` +
    `the hostile phase adds ${connections} attacker connections (one process) sending the cases below back to back. ` +
    (pin ? 'Pinned with taskset: the server alone on CPU 0; the prober, the attackers (nice 19) and this script on CPU 1.' : 'Not pinned (fewer than 2 CPUs or no taskset); attackers at nice 19.') +
    ` Server: \`serve --static-namespaces\`, generated certs, --body-limit 3 MiB, NODE_OPTIONS=${SERVER_NODE_OPTIONS}, info logs to /dev/null. "reset": the connection closed without an answer. Server CPU, from the kernel's schedstat of all its threads over the measured window: the share of one CPU its threads ran, and the share of time its event loop was ready to run but waited while other threads or processes had its CPU (its own GC and I/O threads, and other work on the machine).`
  const text = `${lines.join('\n')}\n${caseLines.join('\n')}\n\n${verdict}\n\n${env}\n`
  console.log(`\n${text}`)
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, text)
  process.exitCode = alive ? 0 : 1
}

// One file, three roles: the orchestrator starts this file again as the prober and the attackers.
const role = process.argv[2]
if (role === 'prober') await prober(JSON.parse(process.argv[3]))
else if (role === 'hostile') await hostile(JSON.parse(process.argv[3]))
else await main()
