// The fuzzer: a real `store-admission serve` on 127.0.0.1 (from dist/, as shipped) gets `cases`
// generated hostile requests, `concurrency` at a time, and must: never crash, never answer 5xx,
// answer every well-formed review (200, its uid), deny every must-deny pod, give patches that
// apply (fast-json-patch, validated), and stay under the RSS limit throughout.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { type AddressInfo, createServer } from 'node:net'
import { Agent, request } from 'node:https'
import { join } from 'node:path'
import fjp from 'fast-json-patch'
import { NAMESPACES, REPO, tempDir, waitFor } from '../unit/server/fixtures/harness.js'
import { type FuzzCase, generator } from './generate.js'

export interface FuzzOptions {
  cases: number
  seed: number
  concurrency: number
  rssLimitBytes: number
}

export interface FuzzReport {
  sent: number
  byStatus: Record<string, number>
  byName: Record<string, number>
  answered: number
  denied: number
  patchesApplied: number
  failures: string[]
  maxRssBytes: number
  exitCode: number | null
  seconds: number
}

interface Reply {
  status: number
  text: string
}

function send(agent: Agent, port: number, ca: string, c: FuzzCase): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = c.body === undefined ? undefined : Buffer.from(c.body)
    const req = request(
      { host: '127.0.0.1', port, method: c.method, path: c.path, ca, agent, headers: { ...c.headers, ...(body ? { 'content-length': String(body.length) } : {}) } },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (d: Buffer) => chunks.push(d))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    if (body === undefined) return void req.end()
    if (!c.slow) return void req.end(body)
    const { pieces, gapMs } = c.slow
    const size = Math.ceil(body.length / pieces)
    let at = 0
    const next = (): void => {
      const piece = body.subarray(at, at + size)
      at += size
      if (at >= body.length) return void req.end(piece)
      req.write(piece)
      setTimeout(next, gapMs)
    }
    next()
  })
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo
      s.close(() => resolve(port))
    })
  })
}

async function healthy(port: number, ca: string): Promise<boolean> {
  try {
    return (await send(new Agent(), port, ca, { name: 'healthz', method: 'GET', path: '/healthz', headers: {}, body: undefined, expect: { kind: 'no-5xx' } })).status === 200
  } catch {
    return false
  }
}

export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) * 1024 : 0
  } catch {
    return 0
  }
}

/** Judges one reply against what its case demands; a message when it fails. */
function judge(c: FuzzCase, reply: Reply, report: FuzzReport): string | undefined {
  if (reply.status >= 500) return `${reply.status} ${reply.text.slice(0, 200)}`
  const e = c.expect
  if (e.kind === 'no-5xx') return undefined
  if (e.kind === 'refused') return reply.status === 400 ? undefined : `expected 400 (prototype key or too deep), got ${reply.status}`
  if (reply.status !== 200) return `expected 200, got ${reply.status} ${reply.text.slice(0, 200)}`
  let response: { uid?: unknown; allowed?: unknown; patch?: unknown }
  try {
    response = (JSON.parse(reply.text) as { response: typeof response }).response
  } catch {
    return `not an AdmissionReview: ${reply.text.slice(0, 200)}`
  }
  if (response.uid !== e.uid) return `answered uid ${String(response.uid)}, expected ${e.uid}`
  report.answered++
  if (e.kind === 'deny') {
    if (response.allowed !== false) return 'a must-deny pod was allowed'
    report.denied++
    return undefined
  }
  if (typeof response.patch === 'string') {
    try {
      const ops = JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) as fjp.Operation[]
      fjp.applyPatch(structuredClone(e.object), ops, true, false)
      report.patchesApplied++
    } catch (err) {
      return `patch does not apply: ${(err as Error).message}`
    }
  }
  return undefined
}

export interface ServeProcess {
  pid: number
  port: number
  caFile: string
  exited(): boolean
  exitCode(): number | null
  stderr(): string
  /** SIGTERM, and wait for the exit. */
  stop(): Promise<void>
}

/** `store-admission serve` from dist/ on a free port of 127.0.0.1, under the Deployment's heap limit. */
export async function startServe(): Promise<ServeProcess> {
  const dir = tempDir()
  const caFile = join(dir, 'ca.crt')
  const port = await freePort()
  const child: ChildProcess = spawn(
    process.execPath,
    [join(REPO, 'bin/store-admission.js'), 'serve', '--port', String(port), '--host', '127.0.0.1', '--static-namespaces', NAMESPACES, '--cert-dir', dir, '--log-level', 'error'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=192' } },
  )
  let stderr = ''
  child.stdout?.resume()
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString() })
  let exitCode: number | null = null
  let exited = false
  child.on('exit', (code) => { exited = true; exitCode = code })
  await waitFor('serve to listen', async () => exited || (existsSync(caFile) && (await healthy(port, readFileSync(caFile, 'utf8')))))
  if (exited) throw new Error(`serve exited at start: ${stderr}`)
  return {
    pid: child.pid ?? 0,
    port,
    caFile,
    exited: () => exited,
    exitCode: () => exitCode,
    stderr: () => stderr,
    stop: async () => {
      if (exited) return
      child.kill('SIGTERM')
      await waitFor('serve to exit', () => exited)
    },
  }
}

export async function fuzz(o: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now()
  const server = await startServe()
  const report: FuzzReport = { sent: 0, byStatus: {}, byName: {}, answered: 0, denied: 0, patchesApplied: 0, failures: [], maxRssBytes: 0, exitCode: null, seconds: 0 }
  try {
    const ca = readFileSync(server.caFile, 'utf8')
    const { pid, port } = server
    const sampler = setInterval(() => { report.maxRssBytes = Math.max(report.maxRssBytes, rssOf(pid)) }, 100)
    const agent = new Agent({ keepAlive: true, maxSockets: o.concurrency })
    const next = generator(o.seed)
    let index = 0
    const worker = async (): Promise<void> => {
      while (index < o.cases && !server.exited()) {
        const i = index++
        const c = next(i)
        report.sent++
        report.byName[c.name] = (report.byName[c.name] ?? 0) + 1
        let reply: Reply
        try {
          reply = await send(agent, port, ca, c)
        } catch (err) {
          // The server may close a connection it refuses (e.g. a body over the limit): not a 5xx.
          report.byStatus.reset = (report.byStatus.reset ?? 0) + 1
          if (c.expect.kind !== 'no-5xx') report.failures.push(`#${i} ${c.name}: connection error ${(err as Error).message}`)
          continue
        }
        report.byStatus[reply.status] = (report.byStatus[reply.status] ?? 0) + 1
        const failure = judge(c, reply, report)
        if (failure !== undefined && report.failures.length < 50) report.failures.push(`#${i} ${c.name} ${c.method} ${c.path}: ${failure}`)
      }
    }
    await Promise.all(Array.from({ length: o.concurrency }, worker))
    agent.destroy()
    clearInterval(sampler)
    report.maxRssBytes = Math.max(report.maxRssBytes, rssOf(pid))
    if (server.exited()) report.failures.push(`serve exited with ${String(server.exitCode())}: ${server.stderr().slice(-500)}`)
    if (report.maxRssBytes > o.rssLimitBytes) report.failures.push(`RSS ${report.maxRssBytes} over the limit ${o.rssLimitBytes}`)
  } finally {
    await server.stop()
    report.exitCode = server.exitCode()
    report.seconds = (performance.now() - started) / 1000
  }
  return report
}

export function summary(r: FuzzReport): string {
  return [
    `fuzz: ${r.sent} requests in ${r.seconds.toFixed(1)} s; by status ${JSON.stringify(r.byStatus)}`,
    `fuzz: ${r.answered} well-formed reviews answered, ${r.denied} must-deny pods denied, ${r.patchesApplied} patches applied`,
    `fuzz: max RSS ${(r.maxRssBytes / 1048576).toFixed(1)} MiB; serve exit code ${String(r.exitCode)}; ${r.failures.length} failures`,
    `fuzz: cases ${JSON.stringify(r.byName)}`,
  ].join('\n')
}
