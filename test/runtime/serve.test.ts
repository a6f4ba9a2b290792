// The storefront pod serving for real: the rendered nginx server block and php-fpm pool under
// Debian's nginx and php-fpm, over a document root prepared by the rendered init script.
import t, { type Test } from 'tap'
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import { spawnSync } from 'node:child_process'
import {
  PodFs, asPodUser, buildImage, extractStorefront, fastcgiGet, files, findNginx,
  findPhpFpm, freePorts, giveToPod, groupAlive, groupUids, podUid, helmTemplate, hostInitEnv, httpRequest, httpRequestTo, makeTempRoot,
  makeVolumes, processesOf, runInitScript, seedStorage, sleep, tail, waitForPort, writeFpmConfig,
  writeNginxConfig, type HttpResponse, type Proc,
} from './fixtures/pod.js'

const nginxBin = findNginx()
const fpmBin = findPhpFpm()
const root = makeTempRoot('runtime-serve')
// every process started here is stopped even when an assertion (or the whole file) fails
const procs = processesOf(root, (fn) => t.teardown(fn))

const pod = new PodFs(root)
const [nginxPort, fpmPort, imageDefaultFpmPort, statusPort] = (await freePorts(4)) as [number, number, number, number]
const maxBody = '1m'
const rendered = helmTemplate({ appRoot: pod.appRoot, nginxPort, fpmPort, statusPort, clientMaxBodySize: maxBody })
const sp = extractStorefront(rendered.objects)

// The pod's volumes, prepared by the rendered init script from a read-only image, with an
// upload already on the PVC.
buildImage(pod)
makeVolumes(pod)
seedStorage(pod)
giveToPod(pod.volumes['bagisto-storage']!)
spawnSync('chmod', ['-R', 'a-w', pod.imagePublic()])
const init = runInitScript(sp.initScript, hostInitEnv(pod, sp))
if (init.code !== 0) throw new Error(`copy-public-files failed (exit ${init.code}):\n${init.stderr}`)

const nginxCfg = writeNginxConfig(root, sp.serverBlock)
const fpmCfg = writeFpmConfig(root, sp.poolFragment, imageDefaultFpmPort)
const probe = `probe-${process.pid}-${Date.now()}`
let nginx: Proc | undefined
let fpm: Proc | undefined

const get = (p: string, o?: Parameters<typeof httpRequest>[2]): Promise<HttpResponse> => httpRequest(nginxPort, p, o)
const fpmRequests = (): string[] => {
  try { return fs.readFileSync(fpmCfg.accessLog, 'utf8').split('\n').filter(Boolean) } catch { return [] }
}
const diag = (): string => `\n--- nginx error log\n${tail(nginxCfg.errorLog, 15)}\n--- php-fpm log\n${tail(fpmCfg.errorLog, 15)}`
const hasCacheHeaders = (t: Test, r: HttpResponse, what: string): void => {
  const cc = String(r.headers['cache-control'] ?? '')
  const expires = r.headers.expires
  t.ok(cc || expires, `${what}: has cache headers (Cache-Control: ${cc || '-'}; Expires: ${expires ?? '-'})`)
  const maxAge = /max-age=(\d+)/.exec(cc)
  if (maxAge) t.ok(Number(maxAge[1]) > 0, `${what}: max-age is positive`)
  if (expires) t.ok(Date.parse(expires) > Date.now(), `${what}: Expires is in the future`)
  t.notMatch(cc, /no-store|no-cache/, `${what}: not marked uncacheable`)
}


t.test('the rendered config is accepted by Debian nginx and php-fpm', async (t) => {
  const nt = spawnSync(nginxBin, ['-t', '-e', nginxCfg.errorLog, '-c', nginxCfg.conf], { encoding: 'utf8', ...asPodUser() })
  t.equal(nt.status, 0, `nginx -t accepts the rendered server block${nt.status ? `:\n${nt.stderr}\n${tail(nginxCfg.errorLog)}` : ''}`)
  const ft = spawnSync(fpmBin, ['-t', '-y', fpmCfg.conf], { encoding: 'utf8', ...asPodUser() })
  t.equal(ft.status, 0, `php-fpm -t accepts the rendered pool fragment${ft.status ? `:\n${ft.stderr}\n${tail(fpmCfg.errorLog)}` : ''}`)
  t.match(sp.poolFragment, /^\s*\[www\]\s*$/m, 'the fragment configures the [www] pool')
})

t.test('nginx starts and /health answers 200 without PHP', async (t) => {
  nginx = procs.start('nginx', nginxBin, ['-e', nginxCfg.errorLog, '-c', nginxCfg.conf], { log: `${root}/logs/nginx.out` })
  await waitForPort(nginxPort, nginx)
  t.pass(`nginx listens on the rendered port ${nginxPort}`)
  t.same([...new Set(groupUids(nginx.pgid))], [podUid], `nginx master and workers run as uid ${podUid}`)
  // php-fpm is not running yet: /health must not need it, while a PHP page must fail
  const h = await get('/health')
  t.equal(h.status, 200, `/health is 200 with php-fpm down${h.status !== 200 ? diag() : ''}`)
  const page = await get('/')
  t.ok(page.status >= 500, `/ fails (${page.status}) with php-fpm down: it does need PHP, unlike /health`)
})

t.test('php-fpm starts on the rendered port', async (t) => {
  fpm = procs.start('php-fpm', fpmBin, ['-F', '-O', '-y', fpmCfg.conf], {
    log: `${root}/logs/php-fpm.out`,
    env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', STORE_RUNTIME_PROBE: probe },
  })
  await waitForPort(fpmPort, fpm)
  t.pass(`php-fpm listens on the rendered php.fpmPort ${fpmPort}`)
  t.same([...new Set(groupUids(fpm.pgid))], [podUid], `php-fpm master and workers run as uid ${podUid}`)
  const ping = await fastcgiGet(fpmPort, '/ping')
  t.match(ping.stdout, /\r?\n\r?\npong/, 'ping.path /ping answers pong')
  const status = await fastcgiGet(fpmPort, '/status')
  t.match(status.stdout, /pool:\s+www/, 'pm.status_path /status reports the www pool')
  t.match(status.stdout, /process manager:\s+\w+/, 'the status shows the process manager')
})

// The kubelet's readiness and liveness probes of the app container, run as rendered (the port is the
// moved php.fpmPort): they ask php-fpm's /ping over FastCGI and must fail when nothing answers.
t.test('the rendered php-fpm probes pass against php-fpm, and fail without it', async (t) => {
  type Probe = { exec?: { command?: string[] } }
  const app = sp.app as typeof sp.app & { readinessProbe?: Probe; livenessProbe?: Probe }
  for (const kind of ['readinessProbe', 'livenessProbe'] as const) {
    const command = app[kind]?.exec?.command
    if (!command || command.length === 0) {
      t.fail(`${kind} of ${app.name} is not an exec probe`)
      continue
    }
    const [bin, ...args] = command as [string, ...string[]]
    t.equal(spawnSync(bin, args).status, 0, `${kind}: ${command.join(' ')}`)
    const dead = args.map((a) => a.replaceAll(`127.0.0.1:${fpmPort}`, `127.0.0.1:${imageDefaultFpmPort}`))
    t.not(spawnSync(bin, dead).status, 0, `${kind} fails when nothing answers FastCGI`)
  }
})

t.test('pretty URLs reach index.php through FastCGI', async (t) => {
  const home = await get('/')
  t.equal(home.status, 200, `/ is 200${home.status !== 200 ? `: ${home.text}${diag()}` : ''}`)
  t.match(home.text, /^routed:\/$/m, '/ is routed to index.php, which sees the path /')
  t.equal(home.headers['x-front-controller'], 'index.php', 'the answer comes from the PHP front controller')
  const docroot = fs.realpathSync(`${pod.appRoot}/public`).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  t.match(home.text, new RegExp(`^script:${docroot}/index\\.php$`, 'm'), 'SCRIPT_FILENAME is <appRoot>/public/index.php (the copy on the emptyDir)')

  const pretty = await get('/some/pretty/url?page=2&sort=price')
  t.equal(pretty.status, 200, '/some/pretty/url is 200')
  t.match(pretty.text, /^routed:\/some\/pretty\/url$/m, 'a pretty URL is routed to index.php with its path')
  t.match(pretty.text, /^query:page=2&sort=price$/m, 'the query string is passed on')

  const cat = await get('/women/dresses/summer-dress.html')
  t.match(cat.text, /^routed:\/women\/dresses\/summer-dress\.html$/m, 'a product URL (no static extension) is routed to index.php')

  t.match(home.text, new RegExp(`^env-probe:${probe}$`, 'm'), 'PHP sees the container environment (clear_env = no)')

  const direct = await get('/index.php')
  t.equal(direct.status, 200, '/index.php is 200')
  t.notMatch(direct.text, /<\?php/, '/index.php is executed, its source is not served')
  t.ok(fpmRequests().length >= 5, `php-fpm logged the PHP requests (${fpmRequests().length})`)
})

t.test('static files are served by nginx with cache headers', async (t) => {
  const before = fpmRequests().length
  const js = await get('/build/assets/app-abc123.js')
  t.equal(js.status, 200, '/build/assets/app-abc123.js is 200')
  t.equal(js.text, files.appJs, 'the built asset is the image\'s file, byte for byte')
  t.notOk(js.headers['x-front-controller'], 'not answered by PHP')
  t.match(String(js.headers['content-type']), /javascript/, 'served as JavaScript')
  hasCacheHeaders(t, js, '/build/ asset')

  const css = await get('/css/app.css')
  t.equal(css.status, 200, '/css/app.css is 200')
  t.equal(css.text, files.appCss, 'the css file is the image\'s file')
  t.match(String(css.headers['content-type']), /text\/css/, 'served as text/css')
  hasCacheHeaders(t, css, 'asset by extension (.css)')

  const ico = await get('/favicon.ico')
  t.equal(ico.status, 200, '/favicon.ico is 200')
  t.same(ico.body, files.favicon, 'the favicon is the image\'s file')

  t.equal(fpmRequests().length, before, 'php-fpm served none of the static requests')
})

t.test('uploads on the PVC are served through the recreated public/storage symlink', async (t) => {
  const before = fpmRequests().length
  const r = await get('/storage/theme/1/banner.webp')
  t.equal(r.status, 200, `/storage/theme/1/banner.webp is 200${r.status !== 200 ? diag() : ''}`)
  t.same(r.body, files.banner, 'the body is the file on the storage volume')
  t.match(String(r.headers['content-type']), /image\/webp/, 'served as image/webp')
  t.notOk(r.headers['x-front-controller'], 'not answered by PHP')
  t.equal(fpmRequests().length, before, 'php-fpm was not involved')

  // a file uploaded while the pod runs (the app writes the PVC) is served at once
  const f = `${pod.volumes['bagisto-storage']}/app/public/product/7/new.webp`
  fs.mkdirSync(`${pod.volumes['bagisto-storage']}/app/public/product/7`, { recursive: true })
  fs.writeFileSync(f, Buffer.concat([files.banner, Buffer.from('-new')]))
  giveToPod(`${pod.volumes['bagisto-storage']}/app/public/product`)
  const n = await get('/storage/product/7/new.webp')
  t.equal(n.status, 200, 'a new upload is served')
  t.equal(n.body.toString('latin1'), files.banner.toString('latin1') + '-new', 'with its content')
})

// Uploads live on the PVC and are reachable under /storage/: a .php file that got there (an
// upload filter bypass) must never be executed. Only the front controller runs PHP.
t.test('a PHP file on the storage volume is not executed', async (t) => {
  const dir = `${pod.volumes['bagisto-storage']}/app/public/uploads`
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(`${dir}/shell.php`, '<?php echo "EXECUTED:" . (6 * 7);\n')
  giveToPod(dir)
  const before = fpmRequests().length
  const r = await get('/storage/uploads/shell.php')
  t.equal(r.status, 404, '/storage/uploads/shell.php is not found')
  t.notMatch(r.text, /EXECUTED|<\?php/, 'neither executed nor leaked as source')
  t.equal(fpmRequests().length, before, 'php-fpm was not asked to run it')
})

// Bagisto renders resized product images (/cache/<size>/...) and sitemaps in PHP: a static-looking
// URL with no file behind it must reach the front controller, not end in nginx's 404.
t.test('a missing static-looking URL falls through to index.php', async (t) => {
  const r = await get('/cache/small/product/1/shoe.webp')
  t.equal(r.status, 200, 'routed to Laravel')
  t.match(r.text, /routed:\/cache\/small\/product\/1\/shoe\.webp/, 'index.php saw the path')
})

t.test('dotfiles are denied', async (t) => {
  for (const p of ['/.env', '/.htaccess', '/build/../.env', '/%2eenv']) {
    const r = await get(p)
    t.ok(r.status === 403 || r.status === 404, `${p} is denied (${r.status})`)
    t.notMatch(r.text, /SECRET-DO-NOT-SERVE-THIS|hunter2|MultiViews/, `${p} does not leak the file`)
  }
  const stillThere = await get('/robots.txt')
  t.equal(stillThere.status, 200, 'an ordinary file next to them is served (the denial is specific)')
})

t.test(`a request body over client_max_body_size (${maxBody}) gets 413`, async (t) => {
  const small = await get('/upload', { method: 'POST', body: Buffer.alloc(100 * 1024, 0x61), headers: { 'Content-Type': 'application/octet-stream' } })
  t.equal(small.status, 200, `a 100 KiB POST reaches PHP${small.status !== 200 ? `: ${small.status}${diag()}` : ''}`)
  t.match(small.text, /^body-bytes:102400$/m, 'PHP received the whole 100 KiB body')
  const big = await get('/upload', { method: 'POST', body: Buffer.alloc(2 * 1024 * 1024, 0x62), headers: { 'Content-Type': 'application/octet-stream' } })
  t.equal(big.status, 413, 'a 2 MiB POST gets 413 Request Entity Too Large')
  t.notMatch(big.text, /routed:/, 'and never reaches PHP')
})

t.test('/health does not touch PHP while php-fpm runs', async (t) => {
  const before = fpmRequests().length
  for (let i = 0; i < 5; i++) t.equal((await get('/health')).status, 200, `/health #${i + 1} is 200`)
  await sleep(100)
  t.equal(fpmRequests().length, before, 'php-fpm logged no request for /health')
  await get('/health-check-routed')
  await sleep(100)
  t.equal(fpmRequests().length, before + 1, 'while a routed URL does show in the php-fpm log (the log counts)')
})

// php.ini as rendered (php.ini.* as php_admin_value in the pool, date.timezone from app.timezone),
// read back by PHP itself under the real php-fpm.
t.test('PHP runs with the rendered php.ini: Bagisto\'s documented limits', async (t) => {
  const r = await get('/ini-check')
  const ini = Object.fromEntries([...r.text.matchAll(/^ini:([^=]+)=(.*)$/gm)].map((m) => [m[1], m[2]]))
  t.same(ini, { memory_limit: '4G', max_execution_time: '360', upload_max_filesize: '64M', post_max_size: '64M', max_input_vars: '5000', 'date.timezone': 'UTC' })
  t.match(sp.serverBlock, /fastcgi_read_timeout 360s;/, 'nginx waits as long as PHP may run')
})

// The internal status server (nginx.statusPort): what the exporter sidecars and a port-forward read.
t.test('the status port serves nginx stub_status and php-fpm status and ping, to loopback only', async (t) => {
  const status = (p: string): Promise<HttpResponse> => httpRequest(statusPort, p)
  const stub = await status('/stub_status')
  t.equal(stub.status, 200, `/stub_status is 200${stub.status !== 200 ? diag() : ''}`)
  t.match(stub.text, /^Active connections: \d+/m, 'nginx stub_status: active connections')
  t.match(stub.text, /server accepts handled requests\n\s*(\d+) (\d+) (\d+)/, 'nginx stub_status: counters')
  const requests = Number(/server accepts handled requests\n\s*\d+ \d+ (\d+)/.exec(stub.text)?.[1])
  t.ok(requests > 10, `nginx has counted the requests of the tests before (${requests})`)

  const fpmStatus = await status('/fpm-status')
  t.equal(fpmStatus.status, 200, `/fpm-status is 200${fpmStatus.status !== 200 ? diag() : ''}`)
  t.match(fpmStatus.text, /pool:\s+www/, 'php-fpm status of the www pool')
  t.match(fpmStatus.text, /process manager:\s+dynamic/, 'the rendered pm mode')
  t.match(fpmStatus.text, /max children reached:\s+\d+/, 'the counter an exporter alerts on')
  const json = await status('/fpm-status?json&full')
  const parsed = JSON.parse(json.text) as { pool: string; 'accepted conn': number; processes: unknown[] }
  t.equal(parsed.pool, 'www', 'the query string reaches php-fpm (?json)')
  t.ok(parsed['accepted conn'] > 0, `php-fpm has accepted connections (${parsed['accepted conn']})`)
  t.ok(Array.isArray(parsed.processes) && parsed.processes.length > 0, '?full lists the worker processes')
  const ping = await status('/fpm-ping')
  t.equal(ping.text.trim(), 'pong', '/fpm-ping answers pong')
  t.equal((await status('/')).status, 404, 'nothing else on the status port')
  t.equal((await status('/index.php')).status, 404, 'the status port never runs the app')

  // On the public port these paths are ordinary URLs of the store (routed to Laravel), never the status.
  for (const p of ['/stub_status', '/fpm-status']) {
    const pub = await get(p)
    t.notMatch(pub.text, /Active connections|accepted conn/, `public port ${p}: no status page`)
  }
  // The status server listens on every address but answers loopback clients only.
  const external = Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)
  t.ok(external, `this machine has a non-loopback address to test from (${external?.address})`)
  if (external) {
    const r = await httpRequestTo(external.address, statusPort, '/stub_status')
    t.equal(r.status, 403, `from ${external.address}: 403`)
  }
})

t.test('stops every process it started', async (t) => {
  t.equal(procs.procs.length, 2, 'nginx and php-fpm were started')
  for (const p of procs.procs) t.ok(groupAlive(p.pgid), `${p.name} (pgid ${p.pgid}) still running before the stop`)
  const left = await procs.stopAll()
  t.same(left, [], 'no process group left after SIGTERM/SIGKILL')
  for (const p of procs.procs) t.notOk(groupAlive(p.pgid), `${p.name}: no process of group ${p.pgid} remains`)
  for (const port of [nginxPort, fpmPort, statusPort]) {
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port })
      s.once('connect', () => { s.destroy(); resolve(true) })
      s.once('error', () => resolve(false))
    })
    t.notOk(open, `nothing listens on ${port} any more`)
  }
})
