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

t.test('a body holding more objects and arrays than one per 16 bytes of the limit is a 400 before parsing', async (t) => {
  const server = await startTestServer({ bodyLimit: 256 * 1024 })
  t.teardown(() => server.close())
  const cap = (256 * 1024) / 16
  const { review, uid } = admissionReview(fixtureJson('storefront-pod.json'))
  const text = JSON.stringify(review)
  const own = (text.match(/[[{]/g) ?? []).length
  // "x": [[],[],...] adds one list and one array per member.
  const withArrays = (n: number): string => text.replace('"object":{', `"object":{"x":[${Array.from({ length: n }, () => '[]').join(',')}],`)
  const atCap = await server.call('POST', '/validate', withArrays(cap - own - 1))
  t.equal(atCap.status, 200, 'exactly at the cap: judged')
  t.equal((atCap.json.response as { uid?: string } | undefined)?.uid, uid)
  const over = await server.call('POST', '/validate', withArrays(cap - own))
  t.equal(over.status, 400, 'one more: refused')
  t.match(over.json.error, `request body holds more than ${cap} objects and arrays`)
})

t.test('large bodies take turns, and every one of them is answered', async (t) => {
  const server = await startTestServer()
  t.teardown(() => server.close())
  // Six reviews of ~200 KiB (over the 64 KiB that makes a body large), sent at once.
  const sent = Array.from({ length: 6 }, () => {
    const pod = fixtureJson('storefront-pod.json') as { metadata: { annotations?: Record<string, string> } }
    pod.metadata.annotations = { ...pod.metadata.annotations, pad: 'x'.repeat(200 * 1024) }
    return admissionReview(pod)
  })
  const answers = await Promise.all(sent.map(({ review }) => server.call('POST', '/validate', review)))
  t.same(answers.map((a) => a.status), sent.map(() => 200))
  t.same(answers.map((a) => (a.json.response as { uid?: string } | undefined)?.uid), sent.map((s) => s.uid), 'each its own answer')
  const small = await server.call('POST', '/validate', admissionReview(fixtureJson('storefront-pod.json')).review)
  t.equal(small.status, 200, 'and the server is free afterwards')
})

t.test('a large body is judged on a later turn of the event loop than it is parsed on, so small reviews get in between', async (t) => {
  const server = await startTestServer()
  t.teardown(() => server.close())
  // Counts turns of the event loop (this test and the server share one).
  let loopTurn = 0
  let counting = true
  const count = (): void => { loopTurn++; if (counting) setImmediate(count) }
  count()
  t.teardown(() => { counting = false })
  // The turn the large body is parsed on: JSON.parse of its text.
  const pod = fixtureJson('storefront-pod.json') as { metadata: { annotations?: Record<string, string> } }
  pod.metadata.annotations = { ...pod.metadata.annotations, pad: 'x'.repeat(200 * 1024) }
  const { review, uid } = admissionReview(pod)
  let parsedOn: number | undefined
  const parse = JSON.parse
  JSON.parse = (text: string, reviver?: Parameters<typeof JSON.parse>[1]): unknown => {
    if (typeof text === 'string' && text.includes(uid) && text.length > 200 * 1024) parsedOn = loopTurn
    return parse(text, reviver) as unknown
  }
  t.teardown(() => { JSON.parse = parse })
  // The turn it is judged on: its log line, written as the judgment ends (pino writes at once).
  let judgedOn: number | undefined
  const push = server.logs.push.bind(server.logs)
  server.logs.push = (...lines) => {
    if (lines.some((l) => l.uid === uid && l.msg === 'review')) judgedOn = loopTurn
    return push(...lines)
  }
  const answer = await server.call('POST', '/validate', review)
  JSON.parse = parse
  t.equal(answer.status, 200)
  t.equal((answer.json.response as { uid?: string } | undefined)?.uid, uid)
  t.ok(parsedOn !== undefined && judgedOn !== undefined && judgedOn > parsedOn, `parsed on turn ${parsedOn}, judged on turn ${judgedOn}`)
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
