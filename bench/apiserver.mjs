#!/usr/bin/env node
// Pod creates through the local kube-apiserver (`make up`) in three alternating modes: our webhooks
// registered; the same two configurations (rules, selectors) pointed at a bare fastify HTTPS
// server that parses each review and answers a fixed allow (bench/bare-server.mjs: the floor any
// Node webhook pays); no webhooks. Creates/s and p50 at concurrency 8 and 1, and the CPU per create
// of the API server and of the webhook process (utime+stime from /proc/<pid>/stat). Creates are
// server dry-runs (the full admission chain, nothing stored), so rounds repeat without clean-up.
// Two pods: the storefront pod the bagisto chart renders (already what the webhook would make it)
// and a minimal hand-written storefront pod (the full injection).
// Usage: node bench/apiserver.mjs [--creates N] [--rounds N] [--json FILE]
import { execFileSync, spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { Agent, get, request } from 'node:https'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { parseAllDocuments } from 'yaml'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const TESTENV = join(ROOT, '.testenv')
const { values } = parseArgs({ options: { creates: { type: 'string' }, rounds: { type: 'string' }, json: { type: 'string' } } })
const CREATES = Number(values.creates ?? process.env.BENCH_CREATES ?? 400)
const ROUNDS = Number(values.rounds ?? process.env.BENCH_ROUNDS ?? 3)
const NS = 'bench-store'
const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }))

const state = Object.fromEntries(readFileSync(join(TESTENV, 'run/state.env'), 'utf8').trim().split('\n').map((l) => l.split('=')))
const pid = (name) => readFileSync(join(TESTENV, 'run/pids', `${name}.pid`), 'utf8').trim()
const pki = (f) => readFileSync(join(TESTENV, 'pki', f))
const agent = new Agent({ keepAlive: true, maxSockets: 16, ca: pki('ca.crt'), cert: pki('admin.crt'), key: pki('admin.key') })
const kubectl = (args, input) => execFileSync(join(TESTENV, 'bin/kubectl'), ['--kubeconfig', join(TESTENV, 'kubeconfig'), ...args], { encoding: 'utf8', input })

/** CPU time (ms) a process has used so far. */
function cpuMs(p) {
  const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS
}

function post(path, body) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const req = request({ host: '127.0.0.1', port: state.APISERVER_PORT, method: 'POST', path, agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString()
        if (res.statusCode !== 201) return reject(Object.assign(new Error(`create: HTTP ${res.statusCode}: ${text.slice(0, 400)}`), { status: res.statusCode }))
        resolve({ ms: performance.now() - started, pod: JSON.parse(text) })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

const createPod = (body) => post(`/api/v1/namespaces/${NS}/pods?dryRun=All`, body)

/** `count` creates, `concurrency` in flight: creates/s, p50 and CPU per create. */
async function load(body, count, concurrency, hook) {
  const api = pid('kube-apiserver')
  const cpu0 = [cpuMs(api), hook ? cpuMs(hook) : 0]
  const started = performance.now()
  const latencies = []
  let next = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      next++
      latencies.push((await createPod(body)).ms)
    }
  }))
  const seconds = (performance.now() - started) / 1000
  const cpu1 = [cpuMs(api), hook ? cpuMs(hook) : 0]
  latencies.sort((a, b) => a - b)
  return {
    perSecond: count / seconds,
    p50: latencies[Math.floor(count / 2)],
    apiCpu: (cpu1[0] - cpu0[0]) / count,
    hookCpu: (cpu1[1] - cpu0[1]) / count,
  }
}

/** Whether the mutating webhook is called: the probe (a pod Pod Security refuses unmutated) comes back mutated. */
async function registered(probe) {
  try {
    return (await createPod(probe)).pod.metadata.annotations?.['store.platform.io/mutated-by'] !== undefined
  } catch (err) {
    if (err.status === 403) return false
    throw err
  }
}

/** The pod as the webhook makes it, without what the API server fills in: the same pod, written in full by hand. */
async function mutatedForm(body) {
  const { pod } = await createPod(body)
  const { uid, creationTimestamp, managedFields, resourceVersion, generation, ...metadata } = pod.metadata
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata, spec: pod.spec })
}

/** Reviews the bare server has answered so far. */
const bareCount = () => new Promise((resolve, reject) => {
  get({ host: '127.0.0.1', port: barePort, path: '/readyz', ca: pki('ca.crt') }, (res) => {
    let text = ''
    res.on('data', (c) => { text += c })
    res.on('end', () => resolve(JSON.parse(text).reviews))
  }).on('error', reject)
})

/** Registers the configurations for `mode` and waits until the API server calls what they name. */
async function setWebhooks(mode, probe, baseline) {
  kubectl(['delete', 'mutatingwebhookconfiguration', 'store-admission-mutate', '--ignore-not-found'])
  kubectl(['delete', 'validatingwebhookconfiguration', 'store-admission-validate', '--ignore-not-found'])
  if (mode === 'ours') execFileSync('bash', [join(ROOT, 'scripts/testenv/webhook.sh'), 'register'], { stdio: 'inherit' })
  if (mode === 'bare') {
    kubectl(['apply', '-f', '-'], execFileSync(process.execPath, [join(ROOT, 'scripts/testenv/webhook-config.mjs'), '--url', `https://127.0.0.1:${barePort}`, '--ca-file', join(TESTENV, 'pki/ca.crt')], { encoding: 'utf8' }))
  }
  const reached = async () => {
    if (mode === 'ours') return registered(probe)
    const before = await bareCount()
    await createPod(baseline)
    return mode === 'bare' ? (await bareCount()) > before : !(await registered(probe)) && (await bareCount()) === before
  }
  for (let i = 0; i < 100 && !(await reached()); i++) await new Promise((r) => setTimeout(r, 100))
  // Both configurations reach the API server's informers together; give the second a moment.
  await new Promise((r) => setTimeout(r, 500))
}

const freePort = () => new Promise((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address()
    server.close(() => resolve(port))
  })
})

function chartPod() {
  const text = execFileSync(join(TESTENV, 'bin/helm3'), ['template', 'acme', join(ROOT, 'charts/bagisto'), '-n', NS], { encoding: 'utf8' })
  const deployment = parseAllDocuments(text).map((d) => d.toJS()).find((o) => o?.kind === 'Deployment' && o.spec.template.metadata.labels?.['store.platform.io/role'] === 'storefront')
  const { metadata, spec } = deployment.spec.template
  return { apiVersion: 'v1', kind: 'Pod', metadata: { ...metadata, name: 'bench-chart' }, spec }
}

const handWrittenPod = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'bench-minimal', labels: { app: 'shop', 'store.platform.io/role': 'storefront' }, annotations: { 'store.platform.io/storage-claim': 'shop-storage' } },
  spec: { containers: [{ name: 'bagisto', image: 'registry.example.com/bagisto:2.3.6' }, { name: 'nginx', image: 'registry.example.com/nginx:1.27' }] },
}

const chart = chartPod()
const pods = { 'chart storefront': JSON.stringify(chart), 'minimal storefront': JSON.stringify(handWrittenPod) }
kubectl(['apply', '-f', '-'], JSON.stringify({
  apiVersion: 'v1', kind: 'List',
  items: [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'store.platform.io/tenant': NS, 'pod-security.kubernetes.io/enforce': 'restricted' } } },
    ...[chart.spec.serviceAccountName].filter(Boolean).map((name) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: NS } })),
  ],
}))
// The `default` ServiceAccount is the controller manager's to make (making it here races it).
kubectl(['wait', '--for=create', `serviceaccount/default`, '-n', NS, '--timeout=60s'])
const probe = pods['minimal storefront']
const barePort = await freePort()
const bare = spawn(process.execPath, [join(ROOT, 'bench/bare-server.mjs'), String(barePort), join(TESTENV, 'pki/webhook.crt'), join(TESTENV, 'pki/webhook.key')], { stdio: 'inherit' })
for (let i = 0; i < 100; i++) {
  try { await bareCount(); break } catch { await new Promise((r) => setTimeout(r, 100)) }
}
await setWebhooks('ours', probe)

// Without the webhooks, each pod is sent as the webhook would have made it: the same work for the
// rest of the API server, and Pod Security admits it.
const baselines = Object.fromEntries(await Promise.all(Object.entries(pods).map(async ([name, body]) => [name, await mutatedForm(body)])))

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const MODES = ['ours', 'bare', 'none']
const results = []
for (const [podName, body] of Object.entries(pods)) {
  for (const concurrency of [8, 1]) {
    const count = concurrency === 1 ? Math.ceil(CREATES / 3) : CREATES
    const rounds = { ours: [], bare: [], none: [] }
    for (let round = 0; round < ROUNDS; round++) {
      // Each mode first, middle and last in turn, so drift over the run falls on all three.
      for (const mode of MODES.map((_, i) => MODES[(i + round) % MODES.length])) {
        await setWebhooks(mode, probe, baselines[podName])
        const sent = mode === 'ours' ? body : baselines[podName]
        const hook = { ours: pid('webhook'), bare: String(bare.pid), none: undefined }[mode]
        await load(sent, 30, concurrency, hook) // warm: connections, caches
        rounds[mode].push(await load(sent, count, concurrency, hook))
      }
    }
    const row = { pod: podName, concurrency }
    for (const key of ['perSecond', 'p50', 'apiCpu', 'hookCpu']) row[key] = Object.fromEntries(MODES.map((m) => [m, median(rounds[m].map((r) => r[key]))]))
    // Paired: each round's ratio to its neighbours, the median of those.
    row.rateRatio = median(rounds.ours.map((r, i) => r.perSecond / rounds.none[i].perSecond))
    row.bareRateRatio = median(rounds.bare.map((r, i) => r.perSecond / rounds.none[i].perSecond))
    results.push(row)
    process.stderr.write(`${podName} c=${concurrency}: ${JSON.stringify(row)}\n`)
  }
}
await setWebhooks('ours', probe)
bare.kill('SIGTERM')
kubectl(['delete', 'namespace', NS, '--wait=false'])
agent.destroy()

const f = (n, d = 2) => n.toFixed(d)
const lines = [
  '| pod | c | creates/s: ours | bare | none | ours / none | bare / none | p50 ms: ours | bare | none | API server CPU ms/create: ours | bare | none | webhook CPU ms/create: ours | bare |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...results.map((r) => `| ${r.pod} | ${r.concurrency} | ${f(r.perSecond.ours, 0)} | ${f(r.perSecond.bare, 0)} | ${f(r.perSecond.none, 0)} | ${f(100 * r.rateRatio, 0)}% | ${f(100 * r.bareRateRatio, 0)}% | ${f(r.p50.ours, 1)} | ${f(r.p50.bare, 1)} | ${f(r.p50.none, 1)} | ${f(r.apiCpu.ours)} | ${f(r.apiCpu.bare)} | ${f(r.apiCpu.none)} | ${f(r.hookCpu.ours)} | ${f(r.hookCpu.bare)} |`),
]
process.stdout.write(`${lines.join('\n')}\n`)
if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2))
