// Audit of what already runs, through the real API server: pods that predate their namespace
// becoming a store namespace, or a rule moving from warn to deny, show up in `store-admission
// audit` and in the namespace's PolicyReport; reports are not rewritten when nothing changed; an
// exception admits exactly what it names until it expires; only the Lease holder writes reports.
import { spawn, type ChildProcess } from 'node:child_process'
import { openSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import {
  KUBECONFIG, POLICY_FILE, ROOT, RUN, TENANT_LABEL, dryRun, getJson, kubectl, kubectlOk, namespace, plainPod,
  requireControlPlane, restorePolicy, run, state, waitFor, webhook, webhookLive, writePolicy,
} from './fixtures/k8s.js'

requireControlPlane()
const NS = `audit-e2e-${Date.now() % 100000}`
const CLI = join(ROOT, 'bin', 'store-admission.js')
const WEBHOOK_LOG = join(ROOT, '.testenv', 'logs', 'webhook.log')
const PKI = join(ROOT, '.testenv', 'pki')

const privileged = { name: 'app', image: 'registry.k8s.io/pause:3.10', securityContext: { privileged: true } }
// A privileged container also breaks privilege-escalation (never defaulted next to privileged: true).
const setRule = (enforcement: string, extra: (p: any) => void = () => {}): void =>
  writePolicy((p) => { p.rules.privileged = enforcement; p.rules['privilege-escalation'] = enforcement; extra(p) })
const report = (): any => getJson(['-n', NS, 'get', 'policyreports.v1alpha2.wgpolicyk8s.io', 'store-admission'])
const failing = (r: any, rule: string): string[] =>
  r.results.filter((x: any) => x.rule === rule && x.result === 'fail').map((x: any) => `${x.resources[0].kind}/${x.resources[0].name}`).sort()
const auditCli = (...args: string[]) => run('node', [CLI, 'audit', '--kubeconfig', KUBECONFIG, '--policy', POLICY_FILE, ...args])
const auditsDone = (log: string): number => log.split('\n').filter((l) => l.includes('"msg":"audit done"')).length

t.teardown(() => {
  restorePolicy()
  kubectl(['delete', 'namespace', NS, '--wait=false', '--ignore-not-found'])
})

t.test('a pod from before the namespace was a store, and a Deployment admitted under warn, are reported once privileged is deny', async (t) => {
  namespace(NS, {})
  // Not a store namespace yet: the webhooks do not look at it.
  kubectlOk(['apply', '-f', '-'], plainPod('legacy', NS, { container: privileged }))
  kubectlOk(['label', 'namespace', NS, `${TENANT_LABEL}=audit`])
  setRule('warn')
  await webhookLive(NS)
  const deployment = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'warned', namespace: NS },
    spec: { replicas: 1, selector: { matchLabels: { app: 'warned' } }, template: { metadata: { labels: { app: 'warned' } }, spec: { containers: [privileged] } } },
  }
  const applied = await waitFor('the Deployment admitted with a privileged warning', () => {
    const r = kubectl(['apply', '-f', '-'], deployment)
    return r.code === 0 && /Warning: privileged: /.test(r.stderr) ? r : undefined
  })
  t.match(applied.stderr, /Warning: privileged: Deployment\/warned: spec\.template\.spec\.containers\[app\]\.securityContext\.privileged: must not be true/)

  setRule('deny')
  await waitFor('the same Deployment refused once the webhook reloads the policy', () =>
    dryRun({ ...deployment, metadata: { name: 'warned-again', namespace: NS } }).code !== 0)

  const cli = auditCli('-n', NS, '-o', 'json')
  t.equal(cli.code, 1, `audit exits 1 when something violates:\n${cli.stderr}`)
  const results: any[] = JSON.parse(cli.stdout).results
  const privilegedIn = (kind: string, name: string): boolean =>
    results.some((r) => r.kind === kind && r.name === name && r.violations.some((v: any) => v.rule === 'privileged'))
  t.ok(privilegedIn('Pod', 'legacy'), 'the pod that predates the store label')
  t.ok(privilegedIn('Deployment', 'warned'), 'the Deployment admitted under warn, judged by its template')
  t.ok(results.some((r) => r.kind === 'Pod' && r.name.startsWith('warned-') && !r.allowed), 'and its running pod, as stored')
  t.notOk(results.some((r) => r.kind === 'ReplicaSet'), 'its ReplicaSet carries the Deployment\'s template: judged once')
  const text = auditCli('-n', NS)
  t.match(text.stdout, /^DENY Pod\/legacy: privileged: spec\.containers\[app\]\.securityContext\.privileged: must not be true$/m)

  // The server audits again after the policy change: warn -> deny shows in the report.
  const r = await waitFor('the PolicyReport failing privileged for both', () => {
    const rep = kubectl(['-n', NS, 'get', 'policyreports.v1alpha2.wgpolicyk8s.io', 'store-admission', '-o', 'json'])
    if (rep.code !== 0) return undefined
    const parsed = JSON.parse(rep.stdout)
    return failing(parsed, 'privileged').includes('Deployment/warned') && failing(parsed, 'privileged').includes('Pod/legacy') ? parsed : undefined
  }, 60_000)
  const legacy = r.results.find((x: any) => x.rule === 'privileged' && x.resources[0].name === 'legacy')
  t.equal(legacy.message, 'privileged: spec.containers[app].securityContext.privileged: must not be true', 'the denial\'s own text')
  t.match(legacy, { policy: 'store-admission', result: 'fail', severity: 'high', resources: [{ apiVersion: 'v1', kind: 'Pod', namespace: NS }] })
  t.equal(r.summary.fail, r.results.filter((x: any) => x.result === 'fail').length, 'summary counts the results')
  t.ok(r.summary.pass > 0, 'passing rules are results too')

  const printed = auditCli('-n', NS, '-o', 'policyreport')
  t.match(printed.stdout, /kind: PolicyReport\n/)
  t.match(printed.stdout, /rule: privileged\n/)

  const metrics = run('curl', ['-ksf', `https://127.0.0.1:${state().WEBHOOK_PORT}/metrics`]).stdout
  const gauge = new RegExp(`^store_admission_audit_violations\\{namespace="${NS}",rule="privileged"\\} (\\d+)$`, 'm').exec(metrics)
  t.ok(gauge && Number(gauge[1]) >= 3, `gauge counts the violating objects: ${gauge?.[0] ?? 'missing'}`)
})

t.test('an unchanged namespace is not rewritten: same resourceVersion over later audits', async (t) => {
  const before = report().metadata.resourceVersion
  const done = auditsDone(readFileSync(WEBHOOK_LOG, 'utf8'))
  await waitFor('two more audits', () => auditsDone(readFileSync(WEBHOOK_LOG, 'utf8')) >= done + 2, 60_000)
  t.equal(report().metadata.resourceVersion, before)
})

t.test('an exception admits exactly what it names, until it expires', async (t) => {
  const started = Date.now()
  const expires = new Date(started + 60_000).toISOString().replace(/\.\d+Z$/, 'Z')
  const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s after the policy was written`
  const exception = { namespace: NS, name: 'excepted-*', kind: 'Pod', rules: ['privileged', 'privilege-escalation'], expires, reason: 'E2E-1: vendor image' }
  setRule('deny', (p) => { p.exceptions = [exception] })
  const excepted = await waitFor('the exception in force', () => {
    const r = dryRun(plainPod('excepted-1', NS, { container: privileged }))
    return r.code === 0 ? r : undefined
  })
  t.match(excepted.stderr, /Warning: privileged: spec\.containers\[app\]\.securityContext\.privileged: must not be true/)
  t.match(excepted.stderr, new RegExp(`Warning: exception Pod/excepted-\\* until ${expires}: E2E-1: vendor image`))
  kubectlOk(['apply', '-f', '-'], plainPod('excepted-1', NS, { container: privileged }))

  const other = dryRun(plainPod('other-1', NS, { container: privileged }))
  t.not(other.code, 0, 'another name is denied')
  t.match(other.stderr, /privileged: spec\.containers\[app\]\.securityContext\.privileged: must not be true/)
  const moreRules = dryRun(plainPod('excepted-2', NS, { container: privileged, spec: { hostNetwork: true } }))
  t.not(moreRules.code, 0, 'a rule the exception does not name is still denied')
  t.match(moreRules.stderr, /host-namespaces: spec\.hostNetwork/)
  t.notMatch(moreRules.stderr.split('denied the request:')[1] ?? '', /privileged/, '...and only that rule')

  const cli = auditCli('-n', NS)
  t.match(cli.stdout, /^WARN Pod\/excepted-1: privileged: .* \(excepted until .*: E2E-1: vendor image\)$/m, `audit honours it as the webhook does (${elapsed()})`)
  t.notMatch(cli.stdout, /^DENY Pod\/excepted-1:/m)
  const warned = await waitFor('the report warning for the excepted pod', () => {
    const r = report().results.find((x: any) => x.resources[0].name === 'excepted-1' && x.rule === 'privileged')
    return r?.result === 'warn' ? r : undefined
  }, 60_000)
  t.match(warned.properties, { exceptionExpires: expires, exceptionReason: 'E2E-1: vendor image' })

  await waitFor('the exception expired', () => Date.now() > Date.parse(expires) + 1000, 60_000)
  const after = dryRun(plainPod('excepted-3', NS, { container: privileged }))
  t.not(after.code, 0, 'denied once expired')
  const expiredCli = auditCli('-n', NS)
  t.match(expiredCli.stdout, /^DENY Pod\/excepted-1: privileged:/m)
  t.match(expiredCli.stderr, new RegExp(`note: exception ${NS}/Pod/excepted-\\* .*: expired, ignored`))
  setRule('deny')
})

/** Starts a second `serve` against the same cluster (as the testenv webhook's service account). */
function secondReplica(identity: string, logFile: string): ChildProcess {
  const args = [CLI, 'serve', '--host', '127.0.0.1', '--port', '0', '--policy', POLICY_FILE,
    '--kubeconfig', join(RUN, 'webhook-client.kubeconfig'), '--namespace', 'store-admission',
    '--tls-cert', join(PKI, 'webhook.crt'), '--tls-key', join(PKI, 'webhook.key'),
    '--audit-interval', '2s', '--audit-identity', identity, '--shutdown-delay-seconds', '0']
  const out = openSync(logFile, 'w')
  return spawn('node', args, { stdio: ['ignore', out, out] })
}

t.test('two replicas: only the Lease holder writes reports; the other takes over when it stops', async (t) => {
  const logFile = join(ROOT, '.testenv', 'logs', 'webhook-second.log')
  const second = secondReplica('e2e-second', logFile)
  const stopped = new Promise((resolve) => second.once('exit', resolve))
  t.teardown(async () => {
    if (second.exitCode === null) second.kill('SIGTERM')
    await stopped
    // The testenv webhook back up for whatever runs next, even when this test failed half-way.
    if (run('curl', ['-ksf', `https://127.0.0.1:${state().WEBHOOK_PORT}/readyz`]).code !== 0) webhook('start')
  })
  const log = (): string => readFileSync(logFile, 'utf8')
  await waitFor('the second replica seeing the lease held', () => log().includes('audit lease held by another replica'), 60_000)
  const first = auditsDone(readFileSync(WEBHOOK_LOG, 'utf8'))
  await waitFor('the holder auditing twice more', () => auditsDone(readFileSync(WEBHOOK_LOG, 'utf8')) >= first + 2, 60_000)
  t.equal(auditsDone(log()), 0, 'the second replica never audited')
  t.equal(report().metadata.annotations['store.platform.io/audited-by'], 'testenv-webhook')
  t.equal(getJson(['-n', 'store-admission', 'get', 'lease', 'store-admission-audit']).spec.holderIdentity, 'testenv-webhook')

  webhook('stop') // SIGTERM: the holder releases the lease on its way out
  await waitFor('the second replica taking over', () => log().includes('audit lease acquired') && auditsDone(log()) > 0, 60_000)
  await waitFor('the report written by the new holder', () => report().metadata.annotations['store.platform.io/audited-by'] === 'e2e-second', 30_000)
  const managers = (report().metadata.managedFields ?? []).map((m: any) => m.manager)
  t.ok(managers.every((m: string) => m === 'store-admission'), `written through our field manager only: ${managers.join(',')}`)

  second.kill('SIGTERM')
  await stopped
  webhook('start')
  await waitFor('the testenv webhook holding the lease again', () =>
    getJson(['-n', 'store-admission', 'get', 'lease', 'store-admission-audit']).spec.holderIdentity === 'testenv-webhook', 60_000)
})
