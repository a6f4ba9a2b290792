// Validation around the rules: templates, UPDATE, enforcement modes, exemptions, message formats.
import t from 'tap'
import {
  formatDenial, formatWarning, validate, validateAsCreated, type AdmissionRequestInfo, type Violation,
} from '../../../src/pipeline/index.js'
import { defaultPolicy, type Policy } from '../../../src/policy/index.js'
import { ACME, NAMESPACES, NO_LOOKUP, fixturePod, mutated, plainPod, podRequest, validatePod } from '../../fixtures/support.js'

const policy = defaultPolicy()
const withRules = (rules: Partial<Policy['rules']>): Policy => ({ ...policy, rules: { ...policy.rules, ...rules } })

const deployment = (privileged: boolean): AdmissionRequestInfo => ({
  operation: 'CREATE', kind: 'Deployment', namespace: 'acme',
  object: {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'acme-bagisto' },
    spec: { template: { metadata: {}, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', securityContext: { privileged } }] } } },
  } as AdmissionRequestInfo['object'],
})

t.test('a pod template is judged as the pod it would become, paths starting at the object', async (t) => {
  t.same(validate(deployment(false), ACME, policy, NO_LOOKUP), { allowed: true, violations: [], warnings: [] })
  const result = validate(deployment(true), ACME, policy, NO_LOOKUP)
  const at = 'Deployment/acme-bagisto: spec.template.spec.containers[nginx].securityContext'
  t.same(result.violations, [
    { rule: 'privileged', path: `${at}.privileged`, message: 'must not be true' },
    // not defaulted next to privileged: true (the API server would reject that pod)
    { rule: 'privilege-escalation', path: `${at}.allowPrivilegeEscalation`, message: 'must be false (is unset)' },
  ])
})

t.test('CronJob templates live under spec.jobTemplate', async (t) => {
  const cron: AdmissionRequestInfo = {
    operation: 'CREATE', kind: 'CronJob', namespace: 'acme',
    object: { kind: 'CronJob', metadata: { name: 'tick' }, spec: { jobTemplate: { spec: { template: { spec: { hostIPC: true, containers: [{ name: 'c', image: 'x:1' }] } } } } } } as AdmissionRequestInfo['object'],
  }
  t.match(validate(cron, ACME, policy, NO_LOOKUP).violations, [{ rule: 'host-namespaces', path: 'CronJob/tick: spec.jobTemplate.spec.template.spec.hostIPC' }])
})

t.test('a Pod is judged as it is: a pod the mutating webhook skipped is denied', async (t) => {
  const result = validatePod(plainPod())
  t.equal(result.allowed, false)
  t.ok(new Set(result.violations.map((v) => v.rule)).size >= 5, 'all violations at once')
  t.same(validatePod(mutated(plainPod())).violations, [])
  t.same(validateAsCreated(podRequest(plainPod()), ACME, policy, NO_LOOKUP).violations, [], 'the CLI judges it mutated')
})

t.test('on a Pod UPDATE only the tenant and image rules are judged', async (t) => {
  const old = plainPod({ labels: { 'store.platform.io/tenant': 'acme' } })
  old.spec!.containers[0]!.image = 'web:1'
  t.equal(validate(podRequest(old, ACME, 'UPDATE'), ACME, policy, NO_LOOKUP).allowed, true, 'pre-policy pod can be relabelled')
  old.metadata!.labels!['store.platform.io/tenant'] = 'globex'
  old.spec!.containers[0]!.image = 'web:latest'
  t.same(validate(podRequest(old, ACME, 'UPDATE'), ACME, policy, NO_LOOKUP).violations.map((v) => v.rule), ['tenant-mismatch', 'image-tag'])
})

t.test('a debug (ephemeral) container is judged by every rule, as Pod Security does', async (t) => {
  const running = mutated(plainPod())
  const debug = (securityContext: object, extra: object = {}): AdmissionRequestInfo => {
    const pod = structuredClone(running)
    pod.spec!.ephemeralContainers = [{ name: 'debugger', image: 'busybox:1.36', targetContainerName: 'web', securityContext, ...extra }]
    return { ...podRequest(pod, ACME, 'UPDATE'), subResource: 'ephemeralcontainers' }
  }
  const restricted = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }
  t.same(validate(debug(restricted), ACME, policy, NO_LOOKUP).violations, [], 'kubectl debug --profile=restricted: admitted (the pod sets non-root and seccomp)')
  const at = 'spec.ephemeralContainers[debugger].securityContext'
  t.same(validate(debug({ privileged: true }), ACME, policy, NO_LOOKUP).violations, [
    { rule: 'privileged', path: `${at}.privileged`, message: 'must not be true' },
    { rule: 'privilege-escalation', path: `${at}.allowPrivilegeEscalation`, message: 'must be false (is unset)' },
    { rule: 'capabilities', path: `${at}.capabilities.drop`, message: 'must include ALL (is unset)' },
  ], 'kubectl debug --profile=sysadmin: denied; no resources asked of a debug container (it may not have any)')
  t.match(validate(debug(restricted, { image: 'busybox' }), ACME, policy, NO_LOOKUP).violations, [{ rule: 'image-tag', path: 'spec.ephemeralContainers[debugger].image' }])
  const plainUpdate = { ...debug({ privileged: true }, { image: 'busybox:latest' }), subResource: undefined }
  t.same(validate(plainUpdate, ACME, policy, NO_LOOKUP).violations, [], 'a plain pod UPDATE judges only tenant and image rules, and not on debug containers (it cannot change them)')
})

t.test('only the debug containers a request adds are judged, not the rest of the pod', async (t) => {
  const old = plainPod({ labels: { 'store.platform.io/tenant': 'acme' } }) // admitted before the policy: not restricted
  old.spec!.hostNetwork = true
  old.spec!.ephemeralContainers = [{ name: 'earlier', image: 'busybox:latest', securityContext: { privileged: true } }]
  const pod = structuredClone(old)
  pod.spec!.ephemeralContainers!.push({ name: 'now', image: 'busybox:1.36', securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } })
  const request: AdmissionRequestInfo = { ...podRequest(pod, ACME, 'UPDATE'), subResource: 'ephemeralcontainers', oldObject: old }
  t.same(validate(request, ACME, policy, NO_LOOKUP).violations, [], 'the new container is compliant: admitted')
  pod.spec!.ephemeralContainers![1]!.securityContext = {}
  t.same(validate(request, ACME, policy, NO_LOOKUP).violations.map((v) => v.path), [
    'spec.ephemeralContainers[now].securityContext.allowPrivilegeEscalation',
    'spec.ephemeralContainers[now].securityContext.runAsNonRoot',
    'spec.ephemeralContainers[now].securityContext.capabilities.drop',
    'spec.ephemeralContainers[now].securityContext.seccompProfile.type',
  ], 'unset in the new container and at pod level: reported on the new container only')
  const { oldObject: _, ...withoutOld } = request
  t.ok(validate(withoutOld, ACME, policy, NO_LOOKUP).violations.some((v) => v.path.startsWith('spec.ephemeralContainers[earlier]')), 'without oldObject every debug container counts as new')
})

t.test('enforcement: warn admits with warnings, off ignores', async (t) => {
  const pod = mutated(plainPod())
  pod.spec!.hostNetwork = true
  const warned = validatePod(pod, ACME, withRules({ 'host-namespaces': 'warn' }))
  t.same(warned, { allowed: true, violations: [], warnings: [{ rule: 'host-namespaces', path: 'spec.hostNetwork', message: 'must not be true' }] })
  t.same(validatePod(pod, ACME, withRules({ 'host-namespaces': 'off' })), { allowed: true, violations: [], warnings: [] })
})

t.test('exempt users and service accounts, other namespaces and operations are admitted', async (t) => {
  const pod = plainPod()
  const exempt: Policy = { ...policy, exempt: { usernames: ['ci-admin'], serviceAccounts: ['platform:deployer'] } }
  const as = (username: string): AdmissionRequestInfo => ({ ...podRequest(pod), userInfo: { username } })
  t.equal(validate(as('ci-admin'), ACME, exempt, NO_LOOKUP).allowed, true)
  t.equal(validate(as('system:serviceaccount:platform:deployer'), ACME, exempt, NO_LOOKUP).allowed, true)
  t.equal(validate(as('system:serviceaccount:platform:other'), ACME, exempt, NO_LOOKUP).allowed, false)
  t.equal(validatePod(pod, NAMESPACES.plain).allowed, true, 'not a store namespace')
  t.equal(validate(podRequest(pod, ACME, 'DELETE'), ACME, policy, NO_LOOKUP).allowed, true)
  const mirror = (username: string): AdmissionRequestInfo => ({ ...podRequest(fixturePod('mirror')), userInfo: { username } })
  t.equal(validate(mirror('system:node:worker-1'), ACME, policy, NO_LOOKUP).allowed, true, 'a mirror pod from its kubelet')
  t.equal(validate(mirror('mallory'), ACME, policy, NO_LOOKUP).allowed, false, 'the mirror annotation exempts nobody else')
  t.equal(validatePod(fixturePod('mirror')).allowed, false, 'nor a request without a user')
})

t.test('message formats', async (t) => {
  const v: Violation[] = [
    { rule: 'privileged', path: 'spec.containers[a].securityContext.privileged', message: 'must not be true' },
    { rule: 'host-ports', path: 'spec.containers[a].ports[0].hostPort', message: 'host port 80 is not allowed' },
  ]
  t.equal(formatDenial(v), 'privileged: spec.containers[a].securityContext.privileged: must not be true\nhost-ports: spec.containers[a].ports[0].hostPort: host port 80 is not allowed')
  t.equal(formatWarning(v[0]!), 'privileged: spec.containers[a].securityContext.privileged: must not be true')
  const long = formatWarning({ rule: 'image-registry', path: `spec.containers[${'x'.repeat(80)}].image`, message: 'a\nb '.repeat(40) })
  t.ok(long.length <= 120 && !long.includes('\n'), long)
})
