// `store-admission audit` without a cluster: its flags, help and clear errors (exit 2). The audit
// of a real cluster is test/e2e/audit.test.ts; its judgement is test/unit/audit.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { parseDuration } from '../../../src/server/serve-command.js'
import { run } from './run.js'

t.test('audit --help documents the flags and formats', async (t) => {
  const { code, out } = await run(['audit', '--help'])
  t.equal(code, 0)
  for (const flag of ['--kubeconfig', '--namespace', '--policy', 'policyreport', 'sarif', 'junit', 'github']) t.match(out, flag)
  t.match((await run(['--help'])).out, /audit {4}judge what runs in a live cluster/)
})

t.test('audit: bad flags, kubeconfig or cluster exit 2 with the reason', async (t) => {
  const dir = t.testdir()
  const unreachable = join(dir, 'kubeconfig')
  writeFileSync(unreachable, `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`)
  const cases: [string[], RegExp][] = [
    [['audit', '-o', 'xml'], /audit: -o must be one of text, json, sarif, junit, github, policyreport, not "xml"/],
    [['audit', '--bogus'], /Unknown option '--bogus'/],
    [['audit', '--policy', '/no/policy.yaml'], /\/no\/policy\.yaml: cannot read policy/],
    [['audit', '--kubeconfig', '/no/such/kubeconfig'], /cannot load the kubeconfig/],
    [['audit', '--kubeconfig', unreachable], /cannot read the cluster \(https:\/\/127\.0\.0\.1:1\): .*ECONNREFUSED/],
  ]
  for (const [argv, message] of cases) {
    const { code, err } = await run(argv)
    t.equal(code, 2, argv.join(' '))
    t.match(err, message, argv.join(' '))
  }
})

t.test('serve --audit-interval takes Go-style durations', async (t) => {
  t.equal(parseDuration('0'), 0)
  t.equal(parseDuration('5s'), 5000)
  t.equal(parseDuration('1h'), 3_600_000)
  t.equal(parseDuration('1h30m'), 5_400_000)
  t.equal(parseDuration('250ms'), 250)
  for (const bad of ['', '5', '1d', '-1s', '1.5h', 's', '5s ']) t.equal(parseDuration(bad), undefined, JSON.stringify(bad))
})
