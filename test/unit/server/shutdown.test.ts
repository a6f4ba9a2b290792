// Graceful shutdown: a review in flight when close() starts still gets its answer.
import t from 'tap'
import { request } from 'node:https'
import { admissionReview, fixtureJson, httpsCall, startTestServer } from './fixtures/harness.js'

t.test('close() drains an in-flight review, then refuses new connections', async (t) => {
  const server = await startTestServer()
  const { uid, review } = admissionReview(fixtureJson('storefront-pod.json'))
  const payload = JSON.stringify(review)
  const half = Math.floor(payload.length / 2)
  let closed = false
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, method: 'POST', path: '/mutate', ca: server.trust, agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        let body = ''
        res.on('data', (c: Buffer) => { body += c.toString() })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      },
    )
    req.on('error', reject)
    req.write(payload.slice(0, half))
    // The rest of the body arrives only after shutdown has begun.
    setTimeout(() => {
      const closing = server.close().then(() => { closed = true })
      setTimeout(() => {
        t.notOk(closed, 'close() waits for the in-flight review')
        req.end(payload.slice(half))
        void closing
      }, 200)
    }, 100)
  })
  const res = await answer
  t.equal(res.status, 200)
  t.equal((JSON.parse(res.body) as { response: { uid: string } }).response.uid, uid, 'the in-flight review was answered')
  await server.close()
  t.ok(closed, 'close() resolved after the drain')
  await t.rejects(httpsCall(server.port, server.trust, 'GET', '/healthz'), 'no new connections after shutdown')
})
