// Normal reviews while hostile clients send large and deeply nested bodies: the latency of the
// normal ones (p50, p99, max) and the server's peak RSS, against a real serve.
import { readFileSync } from 'node:fs'
import { Agent, request } from 'node:https'
import { admissionReview, fixtureJson } from '../unit/server/fixtures/harness.js'
import { type ServeProcess, rssOf } from './run.js'

export interface LoadReport { normal: number; p50: number; p99: number; max: number; hostile: number; hostileStatus: Record<string, number>; maxRssBytes: number }

function post(agent: Agent, port: number, ca: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/validate', ca, agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** `large` clients posting ~2 MB bodies and `deep` clients posting 1.9 MB nested ones for `seconds`, while one client times normal reviews. */
export async function hostileLoad(server: ServeProcess, o: { large: number; deep: number; seconds: number }): Promise<LoadReport> {
  const ca = readFileSync(server.caFile, 'utf8')
  const pod = fixtureJson('storefront-pod.json') as { metadata: { annotations: Record<string, string> } }
  const largePod = structuredClone(pod)
  largePod.metadata.annotations.pad = 'x'.repeat(2_000_000)
  const large = JSON.stringify(admissionReview(largePod as unknown as Record<string, unknown>).review)
  const half = 950_000
  const deep = `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":${'['.repeat(half)}${']'.repeat(half)}}`
  const end = Date.now() + o.seconds * 1000
  const report: LoadReport = { normal: 0, p50: 0, p99: 0, max: 0, hostile: 0, hostileStatus: {}, maxRssBytes: 0 }
  const sampler = setInterval(() => { report.maxRssBytes = Math.max(report.maxRssBytes, rssOf(server.pid)) }, 100)
  const hostile = async (body: string): Promise<void> => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    while (Date.now() < end) {
      const status = await post(agent, server.port, ca, body).catch(() => 0)
      report.hostile++
      report.hostileStatus[status] = (report.hostileStatus[status] ?? 0) + 1
    }
    agent.destroy()
  }
  const times: number[] = []
  const normal = async (): Promise<void> => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    while (Date.now() < end) {
      const body = JSON.stringify(admissionReview(pod as unknown as Record<string, unknown>).review)
      const started = performance.now()
      const status = await post(agent, server.port, ca, body)
      if (status === 200) times.push(performance.now() - started)
      await new Promise((r) => setTimeout(r, 20))
    }
    agent.destroy()
  }
  await Promise.all([normal(), ...Array.from({ length: o.large }, () => hostile(large)), ...Array.from({ length: o.deep }, () => hostile(deep))])
  clearInterval(sampler)
  times.sort((a, b) => a - b)
  const at = (q: number): number => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? NaN)
  return { ...report, normal: times.length, p50: at(0.5), p99: at(0.99), max: Math.round(times.at(-1) ?? NaN) }
}
