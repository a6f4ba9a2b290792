// AdmissionReview round trips through the real HTTPS server.
import t from 'tap'
import fjp from 'fast-json-patch'
import type { Operation } from 'fast-json-patch'
import type { V1Pod } from '@kubernetes/client-node'
import { admissionReview, fixtureJson, responseOf, startTestServer } from './fixtures/harness.js'

const server = await startTestServer()
t.teardown(() => server.close())

function decodePatch(response: Record<string, unknown>): Operation[] {
  return JSON.parse(Buffer.from(response.patch as string, 'base64').toString('utf8')) as Operation[]
}

t.test('mutate: uid echoed, base64 JSONPatch that applies and makes the pod restricted', async (t) => {
  const pod = fixtureJson('storefront-pod.json')
  const { uid, review } = admissionReview(pod)
  const res = await server.call('POST', '/mutate', review)
  t.equal(res.status, 200)
  t.equal(res.json.apiVersion, 'admission.k8s.io/v1')
  t.equal(res.json.kind, 'AdmissionReview')
  const response = responseOf(res)
  t.equal(response.uid, uid)
  t.equal(response.allowed, true)
  t.equal(response.patchType, 'JSONPatch')
  t.match(response.patch, /^[A-Za-z0-9+/]+=*$/, 'patch is base64')
  const ops = decodePatch(response)
  t.ok(ops.length > 0, 'patch has operations')
  t.notOk(ops.some((op) => op.path === '/spec/containers' || op.path === '/spec/volumes'), 'never replaces a whole array')
  const mutated = fjp.applyPatch(structuredClone(pod), ops, true, false).newDocument as {
    metadata: { labels: Record<string, string> }
    spec: { securityContext: Record<string, unknown>; initContainers: { name: string }[]; containers: { name: string; securityContext: Record<string, unknown> }[] }
  }
  t.equal(mutated.metadata.labels['store.platform.io/tenant'], 'acme')
  t.equal(mutated.spec.securityContext.runAsNonRoot, true)
  t.same(mutated.spec.securityContext.seccompProfile, { type: 'RuntimeDefault' })
  t.equal(mutated.spec.initContainers[0]?.name, 'copy-public-files')
  for (const c of mutated.spec.containers) t.equal(c.securityContext.allowPrivilegeEscalation, false, `${c.name} has no privilege escalation`)

  // Idempotent: the mutated pod, sent again, gets no patch at all.
  const again = responseOf(await server.call('POST', '/mutate', admissionReview(mutated as unknown as Record<string, unknown>).review))
  t.equal(again.allowed, true)
  t.equal(again.patch, undefined, 'no patch for an already-mutated pod')
  t.equal(again.patchType, undefined, 'no patchType without a patch')

  // And the mutated pod passes validation.
  const judged = responseOf(await server.call('POST', '/validate', admissionReview(mutated as unknown as Record<string, unknown>).review))
  t.equal(judged.allowed, true, JSON.stringify(judged.status))
})

t.test('mutate leaves non-store namespaces, unknown namespaces, the own namespace and non-CREATE alone', async (t) => {
  for (const [namespace, operation] of [['plain', 'CREATE'], ['nowhere', 'CREATE'], ['store-admission', 'CREATE'], ['acme', 'UPDATE']] as const) {
    const pod = { ...fixtureJson('storefront-pod.json'), metadata: { name: 'p', namespace } }
    const { uid, review } = admissionReview(pod, { operation })
    const response = responseOf(await server.call('POST', '/mutate', review))
    t.same(response, { uid, allowed: true }, `${namespace} ${operation}: allowed untouched`)
  }
})

t.test('validate fails closed for a namespace the webhook does not know', async (t) => {
  const pod = { ...fixtureJson('storefront-pod.json'), metadata: { name: 'p', namespace: 'nowhere' } }
  const { uid, review } = admissionReview(pod)
  const response = responseOf(await server.call('POST', '/validate', review))
  t.equal(response.uid, uid)
  t.equal(response.allowed, false, 'denied')
  t.match(response.status, { code: 500, message: /does not know namespace "nowhere".*fails closed/ })
})

t.test('validate: 403 denial lists every violated rule, one line each', async (t) => {
  const { uid, review } = admissionReview(fixtureJson('bad-pod.json'))
  const res = await server.call('POST', '/validate', review)
  t.equal(res.status, 200, 'a denial is an AdmissionReview, not an HTTP error')
  const response = responseOf(res)
  t.equal(response.uid, uid)
  t.equal(response.allowed, false)
  const status = response.status as { code: number; message: string }
  t.equal(status.code, 403)
  const lines = status.message.split('\n')
  const rules = new Set(lines.map((l) => l.split(':')[0]))
  for (const rule of ['tenant-mismatch', 'privileged', 'host-namespaces', 'host-ports', 'volume-types', 'run-as-root', 'capabilities', 'image-tag', 'seccomp', 'resources']) {
    t.ok(rules.has(rule), `denial lists ${rule}`)
  }
  for (const line of lines) t.match(line, /^[a-z-]+: \S.*: \S/, `"${line}" is <rule>: <path>: <reason>`)
  const log = server.logs.find((l) => l.uid === uid)
  t.ok(log, 'one log line for the review')
  t.match(log, { msg: 'review', webhook: 'validate', namespace: 'acme', kind: 'Pod', operation: 'CREATE', decision: 'deny' })
  t.type(log?.duration_ms, 'number')
  t.ok((log?.rules as string[]).includes('privileged'), 'log names the violated rules')
})

t.test('validate judges a Deployment pod template as the pod it would become', async (t) => {
  const pod = fixtureJson('storefront-pod.json') as { metadata: Record<string, unknown>; spec: unknown }
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'acme-bagisto', namespace: 'acme' },
    spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: pod.metadata.labels, annotations: pod.metadata.annotations }, spec: pod.spec } },
  }
  const ok = responseOf(await server.call('POST', '/validate', admissionReview(deployment).review))
  t.equal(ok.allowed, true, JSON.stringify(ok.status))
  const bad = structuredClone(deployment)
  ;(bad.spec.template.spec as { hostPID?: boolean }).hostPID = true
  const denied = responseOf(await server.call('POST', '/validate', admissionReview(bad).review))
  t.equal(denied.allowed, false)
  t.match((denied.status as { message: string }).message, /^host-namespaces: Deployment\/acme-bagisto: spec\.template\.spec/m)
})

t.test('validate: a debug container added through pods/ephemeralcontainers is judged by every rule', async (t) => {
  const mutated = responseOf(await server.call('POST', '/mutate', admissionReview(fixtureJson('storefront-pod.json')).review))
  const pod = fjp.applyPatch(fixtureJson('storefront-pod.json'), decodePatch(mutated)).newDocument as V1Pod & Record<string, unknown>
  pod.spec!.ephemeralContainers = [{ name: 'debugger', image: 'busybox:1.36', securityContext: { privileged: true } }]
  const judged = responseOf(await server.call('POST', '/validate', admissionReview(pod, { operation: 'UPDATE', subResource: 'ephemeralcontainers' }).review))
  t.equal(judged.allowed, false)
  t.match(judged.status, { code: 403, message: /^privileged: spec\.ephemeralContainers\[debugger\]\.securityContext\.privileged: must not be true$/m })
  const plainUpdate = responseOf(await server.call('POST', '/validate', admissionReview(pod, { operation: 'UPDATE' }).review))
  t.equal(plainUpdate.allowed, true, 'the same pod as a plain UPDATE: only tenant and image rules')
})
