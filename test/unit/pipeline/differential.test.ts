// Pod Security parity, measured: thousands of generated pods go through what `check` does
// (mutate, then validate, in a store namespace, every rule deny) and, mutated, through the upstream
// evaluator (.testenv/bin/pss-eval: k8s.io/pod-security-admission at the pinned minor, restricted,
// latest). For every pod, the rules of ours that deny must be exactly the Pod Security checks
// that deny (mapped below); the rules that are not Pod Security's are left out of the comparison.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { podAfterMutation, validateAsCreated, type RuleId } from '../../../src/pipeline/index.js'
import { defaultPolicy } from '../../../src/policy/index.js'
import { generatePods } from '../../fixtures/pss-pods.js'
import { ACME, NO_LOOKUP, podRequest } from '../../fixtures/support.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const PSS_EVAL = `${ROOT}.testenv/bin/pss-eval`
const SEED = Number(process.env.PSS_SEED ?? 20260311)
const COUNT = Number(process.env.PSS_PODS ?? 4000)

/** Pod Security's forbidden reasons (policy/check_*.go) and the rule of ours for each. */
const RULE_OF_REASON: Record<string, RuleId> = {
  'privileged': 'privileged',
  'allowPrivilegeEscalation != false': 'privilege-escalation',
  'host namespaces': 'host-namespaces',
  'hostPort': 'host-ports',
  'restricted volume types': 'volume-types',
  'hostPath volumes': 'volume-types',
  'runAsNonRoot != true': 'run-as-root',
  'runAsUser=0': 'run-as-root',
  'unrestricted capabilities': 'capabilities',
  'non-default capabilities': 'capabilities',
  'seccompProfile': 'seccomp',
  'seLinuxOptions': 'selinux',
  'procMount': 'proc-mount',
  'forbidden AppArmor profile': 'apparmor',
  'forbidden AppArmor profiles': 'apparmor',
  'forbidden sysctls': 'sysctls',
  'hostProcess': 'host-process',
  'probe or lifecycle host': 'probe-host',
}
const PSS_RULES = new Set<RuleId>(Object.values(RULE_OF_REASON))

interface Verdict { allowed: boolean; reasons: string[] }

function pssRules(verdict: Verdict): Set<RuleId> {
  return new Set(verdict.reasons.map((line) => {
    const reason = line.slice(0, line.indexOf(': '))
    const rule = new Map(Object.entries(RULE_OF_REASON)).get(reason)
    if (rule === undefined) throw new Error(`unmapped Pod Security reason: ${line}`)
    return rule
  }))
}

const sorted = (rules: Iterable<RuleId>): string => [...rules].sort().join(',')

t.test('the pinned upstream evaluator is built (make pss-eval)', async (t) => {
  const build = spawnSync('bash', [`${ROOT}scripts/pss-eval/build.sh`], { encoding: 'utf8' })
  t.equal(build.status, 0, `scripts/pss-eval/build.sh: ${build.stdout}${build.stderr}`)
})

t.test(`mutate-then-validate agrees with Pod Security restricted on ${COUNT} generated pods`, async (t) => {
  const policy = defaultPolicy()
  const generated = generatePods(SEED, COUNT)
  const mutatedPods = generated.map(({ pod }) => podAfterMutation(podRequest(pod, ACME), ACME, policy) ?? pod)
  const run = spawnSync(PSS_EVAL, [], { input: mutatedPods.map((p) => JSON.stringify(p)).join('\n') + '\n', encoding: 'utf8', maxBuffer: 256 << 20 })
  t.equal(run.status, 0, `pss-eval ran: ${run.stderr}`)
  const verdicts = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Verdict)
  t.equal(verdicts.length, COUNT, 'one verdict per pod')

  const disagreements: string[] = []
  const denials = new Map<RuleId, number>()
  let allowed = 0
  generated.forEach(({ pod, flips }, i) => {
    const verdict = verdicts[i] as Verdict
    const ours = new Set(validateAsCreated(podRequest(pod, ACME), ACME, policy, NO_LOOKUP).violations
      .map((v) => v.rule).filter((rule) => PSS_RULES.has(rule)))
    const theirs = pssRules(verdict)
    if (verdict.allowed !== (ours.size === 0) || sorted(ours) !== sorted(theirs)) {
      disagreements.push(`${pod.metadata?.name} (flips ${flips.join(', ')}): ours [${sorted(ours)}], Pod Security [${sorted(theirs)}] ${verdict.reasons.join(' | ')}\n  ${JSON.stringify(mutatedPods[i])}`)
    }
    if (verdict.allowed) allowed++
    for (const rule of theirs) denials.set(rule, (denials.get(rule) ?? 0) + 1)
  })
  t.comment(`${COUNT} pods, ${disagreements.length} disagreements (${allowed} admitted by both, ${COUNT - allowed} denied; seed ${SEED})`)
  t.comment(`denials per rule: ${[...denials].sort().map(([rule, n]) => `${rule} ${n}`).join(', ')}`)
  t.same(disagreements.slice(0, 5), [], `${disagreements.length} disagreements (first five shown)`)
  // The generator reaches every check, and both verdicts are common: the comparison cannot pass
  // by judging everything alike.
  t.same([...PSS_RULES].filter((rule) => !denials.has(rule)), [], 'every Pod Security check denied some pod')
  t.ok(allowed > COUNT / 10 && allowed < COUNT * 0.9, `admitted ${allowed} of ${COUNT}`)
})
