// `store-admission serve` as a process: flags, --cert-dir, startup log, SIGTERM (delay, drain, exit 0).
import t from 'tap'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pino } from 'pino'
import { isoTime } from '../../../src/server/serve-command.js'
import { NAMESPACES, REPO, admissionReview, fixtureJson, httpsCall, tempDir } from './fixtures/harness.js'

const CLI = join(REPO, 'bin/store-admission.js')
if (!existsSync(join(REPO, 'dist/cli/main.js'))) throw new Error('dist/ is not built: run `make build` (npx tsc -p tsconfig.json) first')

t.test('serve --help documents the flags', async (t) => {
  const res = spawnSync(process.execPath, [CLI, 'serve', '--help'], { encoding: 'utf8' })
  t.equal(res.status, 0)
  for (const flag of ['--port', '--host', '--tls-cert', '--tls-key', '--cert-dir', '--policy', '--static-namespaces', '--kubeconfig', '--namespace', '--body-limit']) {
    t.match(res.stdout, flag)
  }
})

t.test('the log time is pino\'s isoTime, to the millisecond, across seconds and days', async (t) => {
  const realNow = Date.now
  t.teardown(() => { Date.now = realNow })
  let wrong = 0
  for (let now = Date.UTC(2026, 11, 31, 23, 59, 58); now < Date.UTC(2027, 0, 1, 0, 0, 2); now++) {
    Date.now = () => now
    if (isoTime() !== pino.stdTimeFunctions.isoTime()) wrong++
  }
  t.equal(wrong, 0, 'every millisecond of four seconds over a new year')
})

t.test('bad flags exit 2 with a message', async (t) => {
  for (const [args, message] of [
    [['--bogus'], /Unknown option '--bogus'/],
    [['--port', 'abc'], /--port must be an integer/],
    [['--tls-cert', 'x.crt'], /--tls-cert and --tls-key go together/],
  ] as const) {
    const res = spawnSync(process.execPath, [CLI, 'serve', ...args], { encoding: 'utf8' })
    t.equal(res.status, 2, args.join(' '))
    t.match(res.stderr, message)
  }
})

t.test('an invalid --policy file stops the start with exit 1 and the reason', async (t) => {
  const res = spawnSync(process.execPath, [CLI, 'serve', '--port', '0', '--static-namespaces', NAMESPACES, '--policy', join(REPO, 'package.json')], { encoding: 'utf8' })
  t.equal(res.status, 1)
  t.match(res.stderr, /package\.json/)
})

t.test('serve --cert-dir: listens, writes ca.crt, answers, and drains on SIGTERM', async (t) => {
  const dir = tempDir()
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--host', '127.0.0.1', '--static-namespaces', NAMESPACES, '--cert-dir', dir, '--namespace', 'platform', '--shutdown-delay-seconds', '2'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.teardown(() => { child.kill('SIGKILL') })
  let out = ''
  child.stdout.on('data', (c: Buffer) => { out += c.toString() })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  let port = 0
  for (let i = 0; i < 1200 && port === 0; i++) {
    await new Promise((r) => setTimeout(r, 50))
    const m = /"port":(\d+)/.exec(out)
    if (m) port = Number(m[1])
  }
  t.ok(port > 0, 'logged the port it listens on')
  const listening = JSON.parse(out.split('\n').find((l) => l.includes('"listening"')) ?? '{}') as Record<string, unknown>
  t.equal(listening.caFile, join(dir, 'ca.crt'), 'logged the CA file to give the API server')
  const ca = readFileSync(join(dir, 'ca.crt'), 'utf8')
  t.equal((await httpsCall(port, ca, 'GET', '/readyz')).status, 200)
  const { uid, review } = admissionReview(fixtureJson('storefront-pod.json'))
  const res = await httpsCall(port, ca, 'POST', '/mutate', review)
  t.equal((res.json.response as { uid: string }).uid, uid)

  child.kill('SIGTERM')
  let ready = 200
  for (let i = 0; i < 100 && ready === 200; i++) ready = (await httpsCall(port, ca, 'GET', '/readyz')).status
  t.equal(ready, 503, 'during the shutdown delay /readyz fails, so endpoints drop the pod')
  const late = await httpsCall(port, ca, 'POST', '/validate', admissionReview(fixtureJson('storefront-pod.json')).review)
  t.equal(late.status, 200, 'reviews are still answered during the delay')
  t.equal(await exited, 0, 'exit 0 after SIGTERM')
  const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
  t.ok(lines.some((l) => l.msg === 'review' && l.uid === uid), 'the review was logged')
  t.equal(lines.at(-1)?.msg, 'stopped', 'logs flushed through shutdown')
})
