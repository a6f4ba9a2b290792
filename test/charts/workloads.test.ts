// Migration hook, MySQL, Redis, queue worker, scheduler, NetworkPolicies, PDB: the default render.
import t from 'tap'
import { HELMS, get, podTemplates, render, run } from './fixtures/helm.js'

const { objects } = render()

t.test('migration Job: post-install + pre-upgrade hook, waits for the DB, never wipes data', async (t) => {
  const job = get(objects, 'Job', 'bagisto-migrate')
  const a = job.metadata.annotations ?? {}
  t.same((a['helm.sh/hook'] ?? '').split(',').sort(), ['post-install', 'pre-upgrade'], 'not pre-install: the in-chart MySQL would not exist yet')
  t.equal(a['helm.sh/hook-delete-policy'], 'before-hook-creation,hook-succeeded')
  const spec = job.spec.template.spec
  t.equal(spec.restartPolicy, 'Never')
  t.equal(spec.initContainers[0].name, 'wait-for-database')
  t.match(spec.initContainers[0].args[0], /new PDO/)
  const script: string = spec.containers[0].args[0]
  t.match(script, /php -d memory_limit=4G artisan migrate --force/)
  t.match(script, /SELECT COUNT\(\*\) FROM channels/, 'seeding is guarded by an empty-database check')
  t.match(script, /php -d memory_limit=4G artisan db:seed --force/)
  const all = JSON.stringify(objects)
  for (const bad of ['bagisto:install', 'db:wipe', 'migrate:fresh', 'migrate:refresh', 'migrate:reset']) {
    t.notOk(all.includes(bad), `nothing runs ${bad}`)
  }
  const env = spec.containers[0].env.map((e: { name: string }) => e.name)
  t.ok(env.includes('DB_HOST') && env.includes('DB_PASSWORD'), 'env inline (a pre-upgrade hook must not read not-yet-applied ConfigMaps)')
  t.equal(job.spec.template.metadata.labels['store.platform.io/role'], 'migration')
  const noSeed = render({ set: { 'migration.seed': false } }).objects
  t.notMatch(get(noSeed, 'Job', 'bagisto-migrate').spec.template.spec.containers[0].args[0], /db:seed/)
  t.notOk(render({ set: { 'migration.enabled': false } }).objects.find((o) => o.kind === 'Job' && o.metadata.name === 'bagisto-migrate'))
})

t.test('MySQL StatefulSet: official oracle-linux image, uid 999, writable emptyDirs, probes', async (t) => {
  const sts = get(objects, 'StatefulSet', 'bagisto-mysql')
  const c = sts.spec.template.spec.containers[0]
  t.match(c.image, /^(docker\.io\/)?(library\/)?mysql:8\.4\.\d+-oraclelinux9$/)
  t.equal(sts.spec.template.metadata.labels['store.platform.io/role'], 'database')
  t.equal(sts.spec.template.spec.securityContext.runAsUser, 999)
  t.equal(c.securityContext.readOnlyRootFilesystem, true)
  const mounts = c.volumeMounts.map((m: { mountPath: string }) => m.mountPath).sort()
  t.same(mounts, ['/tmp', '/var/lib/mysql', '/var/run/mysqld'])
  t.ok(c.args.includes('--datadir=/var/lib/mysql/data'), 'datadir below the volume root (lost+found)')
  t.ok(c.readinessProbe.exec && c.livenessProbe.exec && c.startupProbe.exec)
  t.equal(sts.spec.volumeClaimTemplates[0].metadata.name, 'data')
  const env = Object.fromEntries(c.env.map((e: { name: string; valueFrom?: unknown; value?: string }) => [e.name, e.valueFrom ?? e.value]))
  t.same(env.MYSQL_PASSWORD, { secretKeyRef: { name: 'bagisto', key: 'DB_PASSWORD' } })
  t.same(env.MYSQL_ROOT_PASSWORD, { secretKeyRef: { name: 'bagisto', key: 'MYSQL_ROOT_PASSWORD' } })
  t.equal(get(objects, 'Service', 'bagisto-mysql').spec.ports[0].port, 3306)
})

t.test('Redis StatefulSet: official image, AOF, password not on the command line', async (t) => {
  const sts = get(objects, 'StatefulSet', 'bagisto-redis')
  const c = sts.spec.template.spec.containers[0]
  t.match(c.image, /^(docker\.io\/)?(library\/)?redis:\d+\.\d+\.\d+(-[a-z0-9.]+)?$/)
  t.equal(sts.spec.template.metadata.labels['store.platform.io/role'], 'cache')
  t.match(c.args[0], /--appendonly yes/)
  t.match(c.args[0], /requirepass "\$password"/, 'the password from stdin, quoted (run for real by test/runtime/redis.test.ts)')
  t.notMatch(c.args[0], /--requirepass/, 'the password goes through stdin, not argv')
  t.same(c.readinessProbe.exec.command, ['redis-cli', '-p', '6379', 'ping'])
  t.ok(c.env.find((e: { name: string }) => e.name === 'REDISCLI_AUTH'))
  const noAuth = get(render({ set: { 'redis.auth.enabled': false } }).objects, 'StatefulSet', 'bagisto-redis').spec.template.spec.containers[0]
  t.notOk(noAuth.env, 'no password env without auth')
})

t.test('queue worker and scheduler', async (t) => {
  const w = get(objects, 'Deployment', 'bagisto-worker').spec.template
  t.equal(w.metadata.labels['store.platform.io/role'], 'worker')
  const c = w.spec.containers[0]
  t.same(c.command, ['php', '-d', 'memory_limit=4G', 'artisan'], 'php.cliMemoryLimit: the image has no php.ini for the CLI')
  t.equal(c.args[0], 'queue:work')
  t.ok(c.args.includes('--queue=default'))
  t.ok(c.livenessProbe, 'long-running worker has a probe')
  const s = get(objects, 'Deployment', 'bagisto-scheduler').spec.template
  t.equal(s.metadata.labels['store.platform.io/role'], 'scheduler')
  t.same(s.spec.containers[0].args, ['schedule:work'])
  const cron = render({ set: { 'scheduler.kind': 'CronJob' } }).objects
  const cj = get(cron, 'CronJob', 'bagisto-scheduler')
  t.equal(cj.spec.schedule, '* * * * *')
  t.equal(cj.spec.concurrencyPolicy, 'Forbid')
  t.same(cj.spec.jobTemplate.spec.template.spec.containers[0].args, ['schedule:run'])
  t.notOk(cron.find((o) => o.kind === 'Deployment' && o.metadata.name === 'bagisto-scheduler'))
  const off = render({ set: { 'worker.enabled': false, 'scheduler.enabled': false } }).objects
  t.notOk(off.find((o) => /worker|scheduler/.test(o.metadata.name)))
})

t.test('NetworkPolicy: MySQL and Redis only from this release; storefront only on nginx', async (t) => {
  const release = { 'app.kubernetes.io/instance': 'bagisto', 'store.platform.io/tenant': 'acme' }
  for (const [name, port] of [['bagisto-mysql', 3306], ['bagisto-redis', 6379]] as const) {
    const np = get(objects, 'NetworkPolicy', name)
    t.same(np.spec.policyTypes, ['Ingress'])
    t.same(np.spec.ingress, [{ ports: [{ port, protocol: 'TCP' }], from: [{ podSelector: { matchLabels: release } }] }], `${name}: this release's pods only`)
    t.equal(np.spec.podSelector.matchLabels['app.kubernetes.io/component'], name.replace('bagisto-', ''))
  }
  const web = get(objects, 'NetworkPolicy', 'bagisto')
  t.same(web.spec.ingress, [{ ports: [{ port: 8080, protocol: 'TCP' }] }], 'storefront: nginx port only (no FastCGI)')
  // every pod of the release carries the labels the MySQL/Redis policies admit
  for (const p of podTemplates(objects)) {
    t.match(p.metadata.labels, release, `${p.owner} matches the release peer`)
  }
  t.notOk(render({ set: { 'networkPolicy.enabled': false } }).objects.find((o) => o.kind === 'NetworkPolicy'))
})

t.test('PDB for the storefront', async (t) => {
  const pdb = get(objects, 'PodDisruptionBudget', 'bagisto')
  t.equal(pdb.spec.minAvailable, 1)
  t.same(pdb.spec.selector.matchLabels, { ...get(objects, 'Deployment', 'bagisto').spec.selector.matchLabels, 'store.platform.io/tenant': 'acme' })
  t.notOk(render({ set: { 'pdb.enabled': false } }).objects.find((o) => o.kind === 'PodDisruptionBudget'))
})

t.test('NOTES.txt renders (helm 4 dry-run works without a cluster)', async (t) => {
  const r = run(HELMS.helm4, ['install', 'bagisto', 'charts/bagisto', '-n', 'acme', '--dry-run=client'])
  t.equal(r.status, 0, 'dry-run install', { stderr: r.stderr })
  t.match(r.stdout, /NOTES:[\s\S]*port-forward svc\/bagisto 8080:80/)
  t.match(r.stdout, /kubectl -n acme logs job\/bagisto-migrate/)
})
