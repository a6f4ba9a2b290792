// The token volume ServiceAccount admission injects before the webhooks leaves with the token.
import type { V1Pod } from '@kubernetes/client-node'
import jsonpatch from 'fast-json-patch'
import t from 'tap'
import { mutate } from '../../../src/pipeline/index.js'
import { defaultPolicy } from '../../../src/policy/index.js'
import { ACME, NO_LOOKUP, mutated, plainPod, podRequest, validatePod } from '../../fixtures/support.js'

const TOKEN = 'kube-api-access-x7k2p'
const tokenVolume = {
  name: TOKEN,
  projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } }, { configMap: { name: 'kube-root-ca.crt' } }] },
}
const tokenMount = { name: TOKEN, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }

/** A pod as the API server hands it to the webhooks: the token volume injected into every container. */
function injectedPod(automount?: boolean): V1Pod {
  const pod = plainPod()
  const spec = pod.spec!
  spec.initContainers = [{ name: 'init', image: 'busybox:1.37', volumeMounts: [tokenMount] }]
  spec.containers.push({ name: 'side', image: 'busybox:1.37', volumeMounts: [{ name: 'data', mountPath: '/data' }, tokenMount] })
  spec.containers[0]!.volumeMounts = [tokenMount]
  spec.volumes = [{ name: 'data', emptyDir: {} }, tokenVolume]
  if (automount !== undefined) spec.automountServiceAccountToken = automount
  return pod
}

const patchOf = (pod: V1Pod) => mutate(podRequest(pod), ACME, defaultPolicy(), NO_LOOKUP).patch

t.test('automount unset: the injected volume and its mounts are removed, nothing else', async (t) => {
  const pod = injectedPod()
  const patch = patchOf(pod)
  t.equal(jsonpatch.validate(patch, structuredClone(pod)), undefined, 'the patch is valid against the pod')
  const after = jsonpatch.applyPatch(structuredClone(pod), patch, true, false).newDocument
  const spec = after.spec!
  t.equal(spec.automountServiceAccountToken, false)
  t.same(spec.volumes?.map((v) => v.name).filter((n) => n.startsWith('kube-api-access-')), [], 'token volume gone')
  for (const c of [...spec.initContainers!, ...spec.containers]) {
    t.notOk(c.volumeMounts?.some((m) => m.name === TOKEN), `${c.name}: token mount gone`)
  }
  t.ok(spec.volumes?.some((v) => v.name === 'data'), 'other volumes kept')
  t.same(spec.containers[1]?.volumeMounts?.[0], { name: 'data', mountPath: '/data' }, 'other mounts kept')
  t.ok(patch.every((op) => op.op === 'add' || op.op === 'remove'), 'only adds and removes')
  t.notOk(patch.some((op) => /^\/spec\/(volumes|containers\/\d+\/volumeMounts)$/.test(op.path) && op.op !== 'add'), 'no whole array replaced')
  t.same(patchOf(after).filter((op) => op.op === 'remove'), [], 'idempotent: nothing left to remove')
  t.same(validatePod(after).violations, [], 'the result is admitted')
})

t.test('an explicit choice is left alone', async (t) => {
  for (const automount of [true, false]) {
    const after = mutated(injectedPod(automount))
    t.ok(after.spec!.volumes?.some((v) => v.name === TOKEN), `automount ${automount}: volume kept`)
  }
  const denied = validatePod(mutated(injectedPod(true))).violations.map((v) => v.rule)
  t.ok(denied.includes('service-account-token'), 'automount true is denied by validation instead')
})

t.test('a volume that only looks like a token volume is kept', async (t) => {
  const pod = injectedPod()
  pod.spec!.volumes![1] = { name: TOKEN, configMap: { name: 'settings' } }
  t.ok(mutated(pod).spec!.volumes?.some((v) => v.name === TOKEN))
})
