// Policy exceptions in the pure pipeline: a matching, unexpired exception turns the named rules'
// denials for the named object into warnings carrying it; nothing else is excepted.
import t from 'tap'
import {
  formatWarnings, globMatches, validate, validateAsCreated, type AdmissionRequestInfo,
} from '../../../src/pipeline/index.js'
import { defaultPolicy, PolicyError, type Policy, type PolicyException } from '../../../src/policy/index.js'
import { parsePolicy } from '../../../src/policy/parse.js'
import { ACME, NO_LOOKUP, podRequest } from '../../fixtures/support.js'
import type { V1Pod } from '@kubernetes/client-node'

const NOW = new Date('2026-06-01T12:00:00Z')
const exception = (over: Partial<PolicyException> = {}): PolicyException => ({
  namespace: 'acme', name: 'legacy-*', kind: 'Pod', rules: ['privileged'], expires: '2026-06-02T00:00:00Z', reason: 'PLAT-1: vendor image', ...over,
})
const withExceptions = (...exceptions: PolicyException[]): Policy => ({ ...defaultPolicy(), exceptions })

/** A pod compliant in everything but `privileged: true` (and no explicit escalation setting). */
function privilegedPod(name: string, meta: Partial<NonNullable<V1Pod['metadata']>> = {}): V1Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, ...meta },
    spec: { containers: [{ name: 'app', image: 'registry.example.com/app:1.0', securityContext: { privileged: true } }] },
  }
}
const judgeAsCreated = (pod: V1Pod, policy: Policy, now?: Date) => validateAsCreated(podRequest(pod), ACME, policy, NO_LOOKUP, now)
const rulesOf = (vs: { rule: string }[]): string[] => vs.map((v) => v.rule)

t.test('without exceptions the privileged pod is denied for privileged (and escalation)', async (t) => {
  const r = judgeAsCreated(privilegedPod('legacy-1'), withExceptions(), NOW)
  t.same(rulesOf(r.violations), ['privileged', 'privilege-escalation'])
})

t.test('a matching exception turns exactly its rules into warnings carrying it', async (t) => {
  const e = exception()
  const r = judgeAsCreated(privilegedPod('legacy-1'), withExceptions(e), NOW)
  t.equal(r.allowed, false, 'privilege-escalation is not named, so still denied')
  t.same(rulesOf(r.violations), ['privilege-escalation'])
  t.same(r.warnings, [{ rule: 'privileged', path: 'spec.containers[app].securityContext.privileged', message: 'must not be true', exception: e }])
  const both = judgeAsCreated(privilegedPod('legacy-1'), withExceptions(exception({ rules: ['privileged', 'privilege-escalation'] })), NOW)
  t.equal(both.allowed, true)
  t.same(rulesOf(both.warnings), ['privileged', 'privilege-escalation'])
})

t.test('the warning lines name the exception: reason and expiry', async (t) => {
  const r = judgeAsCreated(privilegedPod('legacy-1'), withExceptions(exception({ rules: ['privileged', 'privilege-escalation'] })), NOW)
  const lines = formatWarnings(r.warnings)
  t.equal(lines.length, 3, 'two violations, one exception')
  t.equal(lines[2], 'exception Pod/legacy-* until 2026-06-02T00:00:00Z: PLAT-1: vendor image')
  for (const line of lines) t.ok(line.length <= 120, line)
})

t.test('an exception applies only to its namespace, kind, name glob and rules, and only until it expires', async (t) => {
  const denied = (pod: V1Pod, e: PolicyException, now: Date | undefined = NOW): boolean =>
    rulesOf(judgeAsCreated(pod, withExceptions(e), now).violations).includes('privileged')
  t.notOk(denied(privilegedPod('legacy-1'), exception()), 'matches')
  t.ok(denied(privilegedPod('other'), exception()), 'other name')
  t.ok(denied(privilegedPod('legacy-1'), exception({ namespace: 'mall' })), 'other namespace')
  t.ok(denied(privilegedPod('legacy-1'), exception({ kind: 'Deployment' })), 'other kind')
  t.notOk(denied(privilegedPod('legacy-1'), exception({ kind: '*' })), 'any kind')
  t.ok(denied(privilegedPod('legacy-1'), exception({ rules: ['host-ports'] })), 'other rule')
  t.ok(denied(privilegedPod('legacy-1'), exception({ expires: '2026-06-01T12:00:00Z' })), 'expired at that instant')
  t.ok(denied(privilegedPod('legacy-1'), exception({ expires: '2026-06-01T13:00:00+02:00' })), 'offsets count: that is 11:00Z')
  t.notOk(denied(privilegedPod('legacy-1'), exception({ expires: '2026-06-01T15:00:00+02:00' })), '13:00Z is later')
  const noClock = judgeAsCreated(privilegedPod('legacy-1'), withExceptions(exception()))
  t.ok(rulesOf(noClock.violations).includes('privileged'), 'no clock: no exception (errs toward denying)')
})

t.test('a pod whose name the API server has not chosen yet is matched by its generateName', async (t) => {
  const pod = privilegedPod('', { generateName: 'legacy-7d9f-' })
  t.same(rulesOf(judgeAsCreated(pod, withExceptions(exception()), NOW).warnings), ['privileged'])
})

t.test('nothing the tenant writes on its object excepts it', async (t) => {
  const e = exception()
  const labelled = privilegedPod('other', {
    labels: { 'store.platform.io/exception': 'legacy-1', 'store.platform.io/exempt': 'true' },
    annotations: { 'store.platform.io/exceptions': JSON.stringify([e]) },
  })
  t.same(rulesOf(judgeAsCreated(labelled, withExceptions(e), NOW).violations), ['privileged', 'privilege-escalation'])
})

t.test('a pod controller is matched by its own kind and name; paths keep the object prefix', async (t) => {
  const deployment: AdmissionRequestInfo = {
    operation: 'CREATE', kind: 'Deployment', namespace: 'acme',
    object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'legacy-shop' }, spec: { template: { spec: privilegedPod('x').spec } } } as AdmissionRequestInfo['object'],
  }
  const r = validate(deployment, ACME, withExceptions(exception({ kind: 'Deployment', name: 'legacy-shop' })), NO_LOOKUP, NOW)
  t.same(r.warnings.map((v) => v.path), ['Deployment/legacy-shop: spec.template.spec.containers[app].securityContext.privileged'])
  const podExceptionOnly = validate(deployment, ACME, withExceptions(exception()), NO_LOOKUP, NOW)
  t.same(rulesOf(podExceptionOnly.violations), ['privileged', 'privilege-escalation'], 'a Pod exception does not cover the Deployment')
})

t.test('a rule in warn mode stays a plain warning; off stays off', async (t) => {
  const policy = withExceptions(exception())
  policy.rules = { ...policy.rules, privileged: 'warn' }
  t.same(judgeAsCreated(privilegedPod('legacy-1'), policy, NOW).warnings.map((v) => v.exception), [undefined])
})

t.test('globs', async (t) => {
  t.ok(globMatches('legacy-*', 'legacy-'))
  t.ok(globMatches('legacy-*', 'legacy-a.b'))
  t.notOk(globMatches('legacy-*', 'xlegacy-a'))
  t.ok(globMatches('web-?', 'web-1'))
  t.notOk(globMatches('web-?', 'web-12'))
  t.notOk(globMatches('a.b', 'axb'), 'a dot is literal')
  t.ok(globMatches('*', 'anything'))
})

t.test('the policy schema: exceptions parsed, bad ones refused with the field named', async (t) => {
  const ok = parsePolicy(`exceptions:
  - {namespace: acme, name: "legacy-*", kind: Pod, rules: [privileged], expires: "2026-06-02T00:00:00Z", reason: r}
`, 'p.yaml')
  t.same(ok.exceptions, [exception({ reason: 'r' })])
  const bad = (entry: string, why: RegExp): void => {
    let message = ''
    try {
      parsePolicy(`exceptions:\n  - ${entry}\n`, 'p.yaml')
    } catch (err) {
      t.ok(err instanceof PolicyError, entry)
      message = (err as Error).message
    }
    t.match(message, why, entry)
  }
  const base = 'namespace: acme, name: a, kind: Pod, rules: [privileged], reason: r'
  bad(`{${base}}`, /exceptions\.0: must have required property 'expires'/)
  bad(`{${base}, expires: "next week"}`, /exceptions\.0\.expires: must match pattern/)
  bad(`{${base}, expires: "2026-02-30T00:00:00Z"}`, /exceptions\.0\.expires: not a real time/)
  bad(`{${base}, expires: "2026-01-01T25:00:00Z"}`, /exceptions\.0\.expires: not a real time/)
  bad('{namespace: acme, name: a, kind: Pod, rules: [no-such-rule], reason: r, expires: "2026-01-01T00:00:00Z"}', /exceptions\.0\.rules\.0: must be one of/)
  bad('{namespace: acme, name: a, kind: Service, rules: [privileged], reason: r, expires: "2026-01-01T00:00:00Z"}', /exceptions\.0\.kind: must be one of/)
  bad('{namespace: acme, name: a, kind: Pod, rules: [], reason: r, expires: "2026-01-01T00:00:00Z"}', /exceptions\.0\.rules/)
  bad(`{${base}, expires: "2026-01-01T00:00:00Z", labels: {}}`, /unknown key "labels"/)
})
