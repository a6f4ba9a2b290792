#!/usr/bin/env node
// The webhook's memory and time to ready in a large cluster, on the local control plane (`make up`):
// restarts it in an empty cluster, then with BENCH_NAMESPACES namespaces holding BENCH_SECRETS
// Secrets and BENCH_CONFIGMAPS ConfigMaps (default 2,000 / 20,000 / 10,000), sampling its RSS every
// 20 ms from its start until /readyz answers and for 3 s after. Prints a table; deletes what it made.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { Agent, request } from 'node:https'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const TESTENV = join(ROOT, '.testenv')
const NAMESPACES = Number(process.env.BENCH_NAMESPACES ?? 2000)
const SECRETS = Number(process.env.BENCH_SECRETS ?? 20000)
const CONFIGMAPS = Number(process.env.BENCH_CONFIGMAPS ?? 10000)
const PREFIX = 'bench-size-'

const state = Object.fromEntries(readFileSync(join(TESTENV, 'run/state.env'), 'utf8').trim().split('\n').map((l) => l.split('=')))
const pki = (f) => readFileSync(join(TESTENV, 'pki', f))
const agent = new Agent({ keepAlive: true, maxSockets: 16, ca: pki('ca.crt'), cert: pki('admin.crt'), key: pki('admin.key') })

function call(port, method, path, body, options = { agent }) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, ...options, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode))
    })
    req.on('error', reject)
    req.end(body ? JSON.stringify(body) : undefined)
  })
}

/** POSTs `count` objects made by `make(i)`, 16 at a time. */
async function createAll(count, make) {
  let next = 0
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < count) {
      const { path, body } = make(next++)
      const status = await call(state.APISERVER_PORT, 'POST', path, body)
      if (status !== 201 && status !== 409) throw new Error(`POST ${path}: HTTP ${status}`)
    }
  }))
}

const rssKb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)

/** Restarts the webhook; its peak and settled RSS (MB) and seconds from start to ready. */
async function restart() {
  const pidFile = join(TESTENV, 'run/pids/webhook.pid')
  const old = existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim() : ''
  const script = spawn('bash', [join(ROOT, 'scripts/testenv/webhook.sh'), 'start'], { stdio: ['ignore', 'ignore', 'inherit'] })
  const done = new Promise((resolve) => script.on('exit', resolve))
  let pid = ''
  while (!pid) {
    const now = existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim() : ''
    if (now && now !== old) pid = now
    else await new Promise((r) => setTimeout(r, 5))
  }
  const started = performance.now()
  const hook = new Agent({ ca: pki('ca.crt') })
  let peak = 0
  let readyAt
  while (readyAt === undefined || performance.now() - readyAt < 3000) {
    peak = Math.max(peak, rssKb(pid))
    if (readyAt === undefined && await call(state.WEBHOOK_PORT, 'GET', '/readyz', undefined, { agent: hook }).catch(() => 0) === 200) readyAt = performance.now()
    await new Promise((r) => setTimeout(r, 20))
  }
  await done
  hook.destroy()
  return { peak: peak / 1024, settled: rssKb(pid) / 1024, ready: (readyAt - started) / 1000 }
}

const empty = await restart()
process.stderr.write(`empty cluster: ${JSON.stringify(empty)}\ncreating ${NAMESPACES} namespaces, ${SECRETS} Secrets, ${CONFIGMAPS} ConfigMaps ...\n`)
const ns = (i) => `${PREFIX}${i % NAMESPACES}`
const labels = (i) => ({ 'store.platform.io/tenant': ns(i), app: 'shop' })
await createAll(NAMESPACES, (i) => ({ path: '/api/v1/namespaces', body: { metadata: { name: ns(i), labels: labels(i) } } }))
await createAll(SECRETS, (i) => ({
  path: `/api/v1/namespaces/${ns(i)}/secrets`,
  body: { metadata: { name: `secret-${i}`, labels: labels(i) }, stringData: { password: 'x'.repeat(64), 'app.env': 'KEY=value\n'.repeat(50) } },
}))
await createAll(CONFIGMAPS, (i) => ({
  path: `/api/v1/namespaces/${ns(i)}/configmaps`,
  body: { metadata: { name: `config-${i}`, labels: labels(i) }, data: { 'nginx.conf': 'server { listen 8080; }\n'.repeat(40) } },
}))
const large = await restart()
process.stderr.write(`large cluster: ${JSON.stringify(large)}\n`)

const names = Array.from({ length: NAMESPACES }, (_, i) => `namespace/${PREFIX}${i}`)
for (let i = 0; i < names.length; i += 500) {
  execFileSync(join(TESTENV, 'bin/kubectl'), ['--kubeconfig', join(TESTENV, 'kubeconfig'), 'delete', '--wait=false', ...names.slice(i, i + 500)], { stdio: 'ignore' })
}
agent.destroy()

const objects = NAMESPACES + SECRETS + CONFIGMAPS
const f = (n) => n.toFixed(0)
process.stdout.write([
  '| cluster | webhook RSS peak at restart, MB | settled, MB | ready in s |',
  '| --- | ---: | ---: | ---: |',
  `| empty | ${f(empty.peak)} | ${f(empty.settled)} | ${empty.ready.toFixed(2)} |`,
  `| ${NAMESPACES} namespaces, ${SECRETS} Secrets, ${CONFIGMAPS} ConfigMaps | ${f(large.peak)} | ${f(large.settled)} | ${large.ready.toFixed(2)} |`,
  '',
  `Cost per thousand objects: ${((large.settled - empty.settled) / objects * 1000).toFixed(1)} MB settled, ${((large.peak - empty.peak) / objects * 1000).toFixed(1)} MB at the restart peak, ${((large.ready - empty.ready) / objects * 1000 * 1000).toFixed(0)} ms to ready. The Deployment's memory limit is 256Mi.`,
].join('\n') + '\n')
