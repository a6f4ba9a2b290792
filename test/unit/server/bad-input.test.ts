// Bad input gets HTTP 400 with a clear message and never takes the server down.
import t from 'tap'
import { admissionReview, fixtureJson, startTestServer } from './fixtures/harness.js'

const server = await startTestServer({ bodyLimit: 64 * 1024 })
t.teardown(() => server.close())

function reviewWith(mutate: (r: { request: Record<string, unknown> } & Record<string, unknown>) => void): Record<string, unknown> {
  const { review } = admissionReview(fixtureJson('storefront-pod.json'))
  mutate(review as { request: Record<string, unknown> } & Record<string, unknown>)
  return review
}

const cases: [string, string | object | undefined, RegExp, Record<string, string>?][] = [
  ['not JSON', '{"apiVersion": "admission.k8s.io/v1", ', /^request body is not valid JSON/],
  ['a __proto__ key', '{"apiVersion": "admission.k8s.io/v1", "__proto__": {"kind": "AdmissionReview"}}', /^request body is not valid JSON \(or has a __proto__/],
  ['empty body', '', /request body is empty/],
  ['a JSON array', '[1, 2]', /must be a JSON object/],
  ['a v1beta1 review', reviewWith((r) => { r.apiVersion = 'admission.k8s.io/v1beta1' }), /expected apiVersion admission\.k8s\.io\/v1 and kind AdmissionReview; apiVersion must be "admission\.k8s\.io\/v1", got "admission\.k8s\.io\/v1beta1"/],
  ['not an AdmissionReview', { apiVersion: 'v1', kind: 'Pod' }, /expected apiVersion admission\.k8s\.io\/v1 and kind AdmissionReview/],
  ['no request', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }, /AdmissionReview has no request/],
  ['missing uid', reviewWith((r) => { delete r.request.uid }), /request\.uid is missing/],
  ['missing kind', reviewWith((r) => { delete r.request.kind }), /request\.kind is missing/],
  ['bad operation', reviewWith((r) => { r.request.operation = 'PATCH' }), /request\.operation must be CREATE, UPDATE, DELETE or CONNECT, got "PATCH"/],
  ['missing object', reviewWith((r) => { delete r.request.object }), /request\.object is missing/],
  ['wrong content type', 'uid=1', /Content-Type must be application\/json/, { 'content-type': 'application/x-www-form-urlencoded' }],
  ['a review sent as text/plain', JSON.stringify(reviewWith(() => {})), /Content-Type must be application\/json/, { 'content-type': 'text/plain' }],
  ['no body and no Content-Type', undefined, /request body is empty/],
]

for (const webhook of ['/mutate', '/validate']) {
  for (const [name, body, message, headers] of cases) {
    t.test(`${webhook}: ${name} -> 400`, async (t) => {
      const res = await server.call('POST', webhook, body, headers)
      t.equal(res.status, 400)
      t.match(res.headers['content-type'], /application\/json/)
      t.match(res.json.error, message)
    })
  }
}

t.test('a body over the limit -> 400 naming the limit', async (t) => {
  const pod = fixtureJson('storefront-pod.json') as { metadata: { annotations: Record<string, string> } }
  pod.metadata.annotations.padding = 'x'.repeat(100 * 1024)
  const res = await server.call('POST', '/validate', admissionReview(pod as unknown as Record<string, unknown>).review)
  t.equal(res.status, 400)
  t.equal(res.json.error, 'request body is larger than the limit of 65536 bytes')
})

t.test('a DELETE without an object is allowed untouched', async (t) => {
  const res = await server.call('POST', '/validate', reviewWith((r) => { r.request.operation = 'DELETE'; delete r.request.object }))
  t.equal(res.status, 200)
  t.equal((res.json.response as { allowed: boolean }).allowed, true)
})

t.test('unknown routes -> 404 JSON', async (t) => {
  const res = await server.call('GET', '/nope')
  t.equal(res.status, 404)
  t.match(res.json.error, /no route GET \/nope/)
})

t.test('the server is still healthy after all that', async (t) => {
  t.equal((await server.call('GET', '/healthz')).status, 200)
  t.ok(server.logs.some((l) => l.msg === 'bad request' && typeof l.error === 'string'), 'bad requests are logged')
})
