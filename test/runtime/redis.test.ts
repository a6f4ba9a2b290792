// Redis as the chart runs it: the rendered container script under Debian's redis-server, with a
// password full of the characters Redis's config syntax cares about (an existingSecret may hold one).
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { parseAllDocuments } from 'yaml'
import {
  type K8sObject, chartDir, freePorts, giveToPod, makeTempRoot, processesOf, releaseName, repoRoot, requireHelm,
  waitForPort,
} from './fixtures/pod.js'

const root = makeTempRoot('runtime-redis')
const procs = processesOf(root, (fn) => t.teardown(fn))

const [port] = (await freePorts(1)) as [number]
const rendered = spawnSync(requireHelm(), ['template', releaseName, chartDir, '--set', `redis.port=${port}`], { encoding: 'utf8', cwd: repoRoot, maxBuffer: 64 << 20 })
if (rendered.status !== 0) throw new Error(`helm template failed:\n${rendered.stderr}`)
const redis = parseAllDocuments(rendered.stdout).map((d) => d.toJS() as K8sObject)
  .find((o) => o?.kind === 'StatefulSet' && o.metadata?.name === `${releaseName}-redis`)
const container = redis?.spec?.template?.spec?.containers?.find((c: { name: string }) => c.name === 'redis')
if (!container) throw new Error(`no StatefulSet ${releaseName}-redis with a redis container in the rendered chart`)

const password = `sp ace"quote'single\\back$dollar#hash`
const dataDir = `${root}/data`
const cli = (...args: string[]) => spawnSync('redis-cli', ['-p', String(port), '--no-auth-warning', ...args], { encoding: 'utf8' })

t.test('the rendered redis script starts Redis with an awkward password, AOF on', async (t) => {
  const [shell, flag, script] = [...container.command, ...container.args] as [string, string, string]
  t.match(script, /--dir \/data /, 'AOF and data under /data (the PVC)')
  // /data is the PVC's mount point; here a directory of the test, writable by the pod user
  mkdirSync(dataDir)
  giveToPod(dataDir)
  const proc = procs.start('redis', shell, [flag, script.replaceAll('--dir /data ', `--dir ${dataDir} `)], {
    log: `${root}/redis.out`,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', REDIS_PASSWORD: password },
  })
  await waitForPort(port, proc)
  t.equal(cli('-a', password, 'ping').stdout.trim(), 'PONG', 'the password works')
  const wrong = cli('-a', 'wrong', 'ping')
  t.match(wrong.stdout + wrong.stderr, /WRONGPASS|NOAUTH|invalid/i, 'a wrong one does not')
  t.match(cli('ping').stdout, /NOAUTH/, 'nor none')
  t.same(cli('-a', password, 'config', 'get', 'appendonly').stdout.trim().split('\n'), ['appendonly', 'yes'], 'AOF is on')
  t.notMatch(spawnSync('ps', ['-o', 'args=', '-p', String(proc.child.pid)], { encoding: 'utf8' }).stdout, /sp ace/, 'the password is not on the command line')
})

