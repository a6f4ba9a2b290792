// /healthz, /readyz and /metrics, and that the counters move with reviews.
import t from 'tap'
import { admissionReview, fixtureJson, startTestServer } from './fixtures/harness.js'

const server = await startTestServer()
t.teardown(() => server.close())

function sample(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.split(',').every((kv) => l.includes(kv)))
  return line === undefined ? 0 : Number(line.split(' ').pop())
}

t.test('healthz and readyz', async (t) => {
  const health = await server.call('GET', '/healthz')
  t.equal(health.status, 200)
  t.same(health.json, { status: 'ok' })
  const ready = await server.call('GET', '/readyz')
  t.equal(ready.status, 200, 'static namespaces are synced at once and certs are loaded')
  t.same(ready.json, { status: 'ready' })
})

t.test('metrics expose the contract names and count reviews', async (t) => {
  const before = (await server.call('GET', '/metrics')).text
  for (const name of [
    'store_admission_requests_total',
    'store_admission_duration_seconds',
    'store_admission_violations_total',
    'store_admission_cert_expiry_timestamp_seconds',
    'store_admission_policy_reload_failures_total',
  ]) {
    t.match(before, new RegExp(`^# TYPE ${name} `, 'm'), `${name} is exposed`)
  }
  const expiry = Number(/^store_admission_cert_expiry_timestamp_seconds (\d+)/m.exec(before)?.[1])
  t.ok(expiry > Date.now() / 1000 + 300 * 86400, 'generated cert expiry is about a year away')

  await server.call('POST', '/mutate', admissionReview(fixtureJson('storefront-pod.json')).review)
  await server.call('POST', '/validate', admissionReview(fixtureJson('bad-pod.json')).review)
  const after = (await server.call('GET', '/metrics')).text
  const mutated = 'webhook="mutate",operation="CREATE",kind="Pod",decision="patch"'
  const denied = 'webhook="validate",operation="CREATE",kind="Pod",decision="deny"'
  t.equal(sample(after, 'store_admission_requests_total', mutated), sample(before, 'store_admission_requests_total', mutated) + 1)
  t.equal(sample(after, 'store_admission_requests_total', denied), sample(before, 'store_admission_requests_total', denied) + 1)
  t.equal(sample(after, 'store_admission_violations_total', 'rule="privileged"'), sample(before, 'store_admission_violations_total', 'rule="privileged"') + 1)
  t.equal(sample(after, 'store_admission_duration_seconds_count', 'webhook="validate"'), sample(before, 'store_admission_duration_seconds_count', 'webhook="validate"') + 1)
})
