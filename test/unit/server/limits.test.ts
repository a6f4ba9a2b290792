// Never hang, never 500: a stalled body is cut by the request timeout, deep nesting is a 400,
// made-up kinds are counted as `other`, and close() ends whatever a client does.
import t from 'tap'
import { connect } from 'node:tls'
import { admissionReview, fixtureJson, startTestServer } from './fixtures/harness.js'

/** Sends headers promising a body, then `part` of it, and nothing more; resolves with what comes back. */
function stall(port: number, ca: string, part: string): Promise<{ text: string; ms: number }> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca }, () => {
      socket.write(`POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n${part}`)
    })
    let text = ''
    socket.on('data', (d: Buffer) => { text += d.toString() })
    socket.on('close', () => resolve({ text, ms: Date.now() - started }))
    socket.on('error', reject)
  })
}

t.test('a stalled body is answered 408 and closed before the API server\'s 5 s timeout', async (t) => {
  const server = await startTestServer()
  t.teardown(() => server.close())
  const { text, ms } = await stall(server.port, server.trust, '{"apiVersion":')
  t.match(text, /^HTTP\/1\.1 408/, '408 Request Timeout')
  t.ok(ms < 5000, `closed after ${ms} ms`)
})

t.test('close(grace) returns within the grace period though a client stalls its body', async (t) => {
  const server = await startTestServer()
  const stalled = stall(server.port, server.trust, '{')
  await new Promise((r) => setTimeout(r, 200))
  const started = Date.now()
  await server.close(500)
  t.ok(Date.now() - started < 2000, `closed in ${Date.now() - started} ms`)
  await stalled
})

t.test('deep nesting anywhere in a review is a 400, never a 500', async (t) => {
  const server = await startTestServer()
  t.teardown(() => server.close())
  const text = JSON.stringify(admissionReview(fixtureJson('storefront-pod.json')).review)
  for (const [field, body] of [
    ['apiVersion', text.replace('"apiVersion":"admission.k8s.io/v1"', `"apiVersion":${'['.repeat(100_000)}${']'.repeat(100_000)}`)],
    ['operation', text.replace('"operation":"CREATE"', `"operation":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`)],
    ['object', text.replace('"object":{', `"object":{"x":${'['.repeat(65)}${']'.repeat(65)},`)],
  ] as const) {
    const res = await server.call('POST', '/validate', body)
    t.equal(res.status, 400, field)
    t.match(res.json.error, /nests deeper than 64 levels/, field)
  }
})

t.test('made-up kinds and operations do not become metric labels', async (t) => {
  const server = await startTestServer()
  t.teardown(() => server.close())
  for (let i = 0; i < 20; i++) {
    const { review } = admissionReview(fixtureJson('storefront-pod.json'), { kind: `Made${i}`, operation: 'DELETE' })
    t.equal((await server.call('POST', '/validate', review)).status, 200)
  }
  const metrics = (await server.call('GET', '/metrics')).text
  t.notMatch(metrics, /kind="Made/, 'no series per made-up kind')
  t.match(metrics, /store_admission_requests_total\{webhook="validate",operation="DELETE",kind="other",decision="skip"\} 20/)
})
