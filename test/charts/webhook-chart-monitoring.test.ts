// The alerts of manifests/webhook/components/monitoring (and the chart's monitoring.enabled, which
// reads the same file): `promtool check rules` accepts them, `promtool test rules` runs a firing
// and a quiet case for every alert (test/charts/fixtures/webhook-alerts.promtool.yaml), every
// store_admission_* metric they and the dashboard read is one the server exports, and every
// dashboard query parses. promtool comes from `make promtool` (Debian's prometheus package).
import t from 'tap'
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { parse, stringify } from 'yaml'
import { ROOT, get, requireHelm, run } from './fixtures/helm.js'
import { renderChart } from './fixtures/webhook-chart.js'

requireHelm()
const COMPONENT = path.join(ROOT, 'manifests/webhook/components/monitoring')
const CASES = path.join(ROOT, 'test/charts/fixtures/webhook-alerts.promtool.yaml')

interface Rule { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string> }
interface RuleSpec { groups: { name: string; rules: Rule[] }[] }
interface AlertCase { alertname: string; exp_alerts: unknown[] }
interface Cases { tests: { name: string; alert_rule_test: AlertCase[] }[] }

const promtoolFound = run('sh', ['-c', 'command -v promtool']).status === 0
if (!promtoolFound) t.fail('promtool is not on PATH: run `make promtool` (installs Debian\'s prometheus package)')

const componentSpec = (parse(readFileSync(path.join(COMPONENT, 'prometheusrule.yaml'), 'utf8')) as { spec: RuleSpec }).spec
const alerts = componentSpec.groups.flatMap((g) => g.rules).filter((r) => r.alert !== undefined)

/** Runs promtool on the rule spec in a temp dir next to a copy of the cases file. */
function promtool(spec: RuleSpec, ...args: string[]) {
  const dir = mkdtempSync(path.join(tmpdir(), 'promtool-'))
  try {
    writeFileSync(path.join(dir, 'rules.yaml'), stringify(spec))
    copyFileSync(CASES, path.join(dir, 'cases.yaml'))
    return run('promtool', args, undefined, dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (promtoolFound) {
  const sources: [string, () => RuleSpec][] = [
    ['the component\'s PrometheusRule', () => componentSpec],
    ['the chart\'s PrometheusRule (monitoring.enabled)', () => get(renderChart({ set: { 'monitoring.enabled': true } }), 'PrometheusRule', 'store-admission').spec as RuleSpec],
  ]
  for (const [name, spec] of sources) {
    t.test(`${name}: promtool check rules, then every case of promtool test rules`, async (t) => {
      const check = promtool(spec(), 'check', 'rules', 'rules.yaml')
      t.equal(check.status, 0, 'promtool check rules', { stdout: check.stdout, stderr: check.stderr })
      t.match(check.stdout, `SUCCESS: ${alerts.length} rules found`)
      const test = promtool(spec(), 'test', 'rules', 'cases.yaml')
      t.equal(test.status, 0, 'promtool test rules', { stdout: test.stdout, stderr: test.stderr })
    })
  }

  // The cases pin the thresholds: an alert that fires ten times later than it should fails them.
  t.test('promtool test rules fails when a threshold moves', async (t) => {
    for (const [alert, from, to] of [['StoreAdmissionSlow', '> 0.1', '> 1'], ['StoreAdmissionCertificateExpiry', '14 * 24', '7 * 24'], ['StoreAdmissionErrors', '> 0.01', '> 0.1']] as const) {
      const mutant = structuredClone(componentSpec)
      const rule = mutant.groups.flatMap((g) => g.rules).find((r) => r.alert === alert)!
      t.ok(rule.expr.includes(from), `${alert} has ${from}`)
      rule.expr = rule.expr.replace(from, to)
      const test = promtool(mutant, 'test', 'rules', 'cases.yaml')
      t.not(test.status, 0, `${alert} with ${to} instead of ${from} fails the cases`)
      t.match(test.stdout + test.stderr, `alertname: ${alert}`)
    }
  })

  t.test('every dashboard query parses (as a recording rule)', async (t) => {
    const dashboard = JSON.parse(readFileSync(path.join(COMPONENT, 'dashboard.json'), 'utf8')) as { uid: string; panels: { title: string; targets: { expr: string }[] }[] }
    t.equal(dashboard.uid, 'store-admission')
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((target) => target.expr.replaceAll('$__rate_interval', '5m')))
    t.ok(exprs.length >= 10, `${exprs.length} queries`)
    const spec: RuleSpec = { groups: [{ name: 'dashboard', rules: exprs.map((expr, i) => ({ record: `dashboard:query_${i}`, expr })) }] }
    const check = promtool(spec, 'check', 'rules', 'rules.yaml')
    t.equal(check.status, 0, 'promtool check rules', { stdout: check.stdout, stderr: check.stderr })
  })
}

t.test('every alert has a case where it fires and one where it stays quiet', async (t) => {
  const cases = parse(readFileSync(CASES, 'utf8')) as Cases
  const checks = cases.tests.flatMap((c) => c.alert_rule_test)
  for (const alert of alerts) {
    const mine = checks.filter((c) => c.alertname === alert.alert)
    t.ok(mine.some((c) => c.exp_alerts.length > 0), `${alert.alert} fires in a case`)
    t.ok(mine.some((c) => c.exp_alerts.length === 0), `${alert.alert} stays quiet in a case`)
    t.ok(['critical', 'warning', 'info'].includes(alert.labels?.severity ?? ''), `${alert.alert} has a severity`)
  }
  for (const c of checks) t.ok(alerts.some((a) => a.alert === c.alertname), `case for ${c.alertname} names an alert that exists`)
})

t.test('the alerts the issue names are there, on the metrics it names', async (t) => {
  const expr = (name: string) => alerts.find((a) => a.alert === name)?.expr ?? ''
  t.match(expr('StoreAdmissionDown'), /up\{job="store-admission"\}/, 'webhook down')
  t.match(expr('StoreAdmissionNotReady'), /kube_deployment_status_replicas_available/, 'webhook not ready')
  t.match(expr('StoreAdmissionErrors'), /store_admission_requests_total\{decision="error"\}/, 'error ratio')
  t.match(expr('StoreAdmissionDenySpike'), /store_admission_requests_total\{decision="deny"\}/, 'deny-rate spike')
  t.match(expr('StoreAdmissionSlow'), /histogram_quantile\(0\.99, .*store_admission_duration_seconds_bucket.*\) > 0\.1/s, 'p99 over 100 ms')
  t.match(expr('StoreAdmissionCertificateExpiry'), /store_admission_cert_expiry_timestamp_seconds - time\(\)\) < 14 \* 24 \* 3600/, 'certificate expiry under 14 days')
  t.match(expr('StoreAdmissionAuditViolations'), /store_admission_audit_violations/, 'audit violations present')
})

// A renamed metric would leave an alert that can never fire: every store_admission_* name read
// must be one the server registers (a histogram's _bucket series by its base name).
// The background audit's gauge is contracted (DESIGN.md, Server) and added with the audit; until
// src/ registers it, the contract is what vouches for its name.
const CONTRACTED = new Set(['store_admission_audit_violations'])
t.test('every store_admission_* metric read is one the server exports', async (t) => {
  const sources = readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts')).map((f) => readFileSync(path.join(ROOT, 'src', f), 'utf8')).join('\n')
  const exported = new Set([...sources.matchAll(/name: '(store_admission_[a-z_]+)'/g)].map((m) => m[1]))
  t.ok(exported.has('store_admission_requests_total'), 'metric registrations found in src/')
  const read = readFileSync(path.join(COMPONENT, 'prometheusrule.yaml'), 'utf8') + readFileSync(path.join(COMPONENT, 'dashboard.json'), 'utf8')
  const names = new Set([...read.matchAll(/store_admission_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, '')))
  for (const name of names) {
    if (exported.has(name)) t.pass(`${name} is exported by the server`)
    else t.ok(CONTRACTED.has(name), `${name} is exported by the server (or a metric DESIGN.md contracts)`)
  }
})
