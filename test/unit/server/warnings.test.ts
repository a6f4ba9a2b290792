// `warn` rules become AdmissionResponse warnings; policy hot reload keeps the last good policy.
import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { admissionReview, fixtureJson, responseOf, startTestServer, tempDir, waitFor } from './fixtures/harness.js'

const dir = tempDir()
const policyFile = join(dir, 'policy.yaml')
writeFileSync(policyFile, 'rules:\n  image-tag: warn\n')
const server = await startTestServer({ policy: policyFile })
t.teardown(() => server.close())

// A mutated-looking pod whose only problem is its image tag.
function latestPod(): Record<string, unknown> {
  const pod = fixtureJson('storefront-pod.json') as { spec: { containers: { image: string }[] } }
  pod.spec.containers[1]!.image = 'nginx:latest'
  return pod as unknown as Record<string, unknown>
}

async function judgeLatest(): Promise<Record<string, unknown>> {
  // Mutate first (as the API server does), then validate the result.
  const { default: fjp } = await import('fast-json-patch')
  const pod = latestPod()
  const m = responseOf(await server.call('POST', '/mutate', admissionReview(pod).review))
  const ops = JSON.parse(Buffer.from(m.patch as string, 'base64').toString()) as import('fast-json-patch').Operation[]
  const mutated = fjp.applyPatch(pod, ops, true, false).newDocument
  return responseOf(await server.call('POST', '/validate', admissionReview(mutated).review))
}

async function reloadFailures(): Promise<number> {
  const text = (await server.call('GET', '/metrics')).text
  const m = /^store_admission_policy_reload_failures_total (\d+)/m.exec(text)
  return m ? Number(m[1]) : NaN
}

t.test('a warn rule is admitted with a one-line warning of at most 120 characters', async (t) => {
  const response = await judgeLatest()
  t.equal(response.allowed, true)
  const warnings = response.warnings as string[]
  t.equal(warnings.length, 1)
  t.match(warnings[0], /image-tag/)
  t.ok(warnings[0]!.length <= 120)
  t.notOk(warnings[0]!.includes('\n'))
})

t.test('an invalid policy change is refused and counted; a valid one takes effect', async (t) => {
  t.equal(await reloadFailures(), 0)
  writeFileSync(policyFile, 'rules:\n  image-tag: sometimes\n')
  await waitFor('the refused reload to be counted', async () => (await reloadFailures()) === 1)
  t.ok(server.logs.some((l) => l.msg === 'policy change refused; keeping the last good policy' && String(l.error).includes('image-tag')), 'logged with the reason')
  const still = await judgeLatest()
  t.equal(still.allowed, true, 'last good policy (warn) still in force')
  t.equal((still.warnings as string[]).length, 1)

  writeFileSync(policyFile, 'rules:\n  image-tag: deny\n')
  await waitFor('the new policy', async () => (await judgeLatest()).allowed === false)
  const denied = await judgeLatest()
  t.match((denied.status as { message: string }).message, /^image-tag: /m)
  t.equal(await reloadFailures(), 1)
})
