// Dockerfile.php-fpm, statically (no Docker engine here): stages, multi-arch, non-root, no secrets,
// extensions, php-fpm ping/status; `make image` builds it with buildx for amd64 + arm64.
import t from 'tap'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { ROOT } from './fixtures/helm.js'

const text = readFileSync(path.join(ROOT, 'Dockerfile.php-fpm'), 'utf8')
// Instructions with their continuation lines joined; comments dropped.
const instructions = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
  .map((l) => { const [op, ...rest] = l.split(/\s+/); return { op: op!.toUpperCase(), args: rest.join(' ') } })
const froms = instructions.filter((i) => i.op === 'FROM')
const args = Object.fromEntries(instructions.filter((i) => i.op === 'ARG' && i.args.includes('=')).map((i) => i.args.split('=') as [string, string]))
const stageOf = (name: string) => {
  const start = instructions.findIndex((i) => i.op === 'FROM' && new RegExp(`\\bAS ${name}$`, 'i').test(i.args))
  const end = instructions.findIndex((i, n) => n > start && i.op === 'FROM')
  return instructions.slice(start, end === -1 ? undefined : end)
}

t.test('multi-stage, multi-arch', async (t) => {
  t.ok(froms.length >= 3, `${froms.length} stages`)
  const assets = froms.find((f) => /\bAS assets$/i.test(f.args))
  t.ok(assets, 'an assets stage')
  t.match(assets!.args, /^--platform=\$BUILDPLATFORM /, 'the Vite build runs on the build platform')
  t.match(froms.find((f) => /\bAS vendor$/i.test(f.args))!.args, /^--platform=\$BUILDPLATFORM /, 'composer runs on the build platform')
  const runtime = froms.at(-1)!
  t.notMatch(runtime.args, /--platform/, 'the runtime stage is built per target platform')
  t.ok(stageOf('runtime').some((i) => i.op === 'ARG' && i.args === 'TARGETARCH'), 'runtime declares ARG TARGETARCH')
  t.ok(stageOf('runtime').some((i) => i.op === 'RUN' && i.args.includes('${TARGETARCH}')), 'and uses it')
  t.match(args.PHP_IMAGE ?? '', /^php:8\.3\.\d+-fpm(-bookworm)?$/, 'php 8.3 fpm runtime, pinned patch version')
  for (const [k, v] of Object.entries(args)) {
    if (/IMAGE$/.test(k)) t.match(v, /:[\w.-]+$/, `${k} pinned (${v})`)
    if (/IMAGE$/.test(k)) t.notMatch(v, /:latest$/, `${k} not latest`)
  }
  t.match(text, /^# syntax=docker\/dockerfile:1\.\d+/m, 'BuildKit syntax (RUN --mount caches)')
})

t.test('extensions Bagisto needs', async (t) => {
  const run = stageOf('runtime').filter((i) => i.op === 'RUN').map((i) => i.args).join('\n')
  const install = /docker-php-ext-install[^;]*/.exec(run)?.[0] ?? ''
  for (const ext of ['intl', 'gd', 'zip', 'pdo_mysql', 'bcmath', 'calendar', 'exif', 'gmp']) t.match(install, new RegExp(`\\b${ext}\\b`), `ext ${ext}`)
  t.match(run, /docker-php-ext-configure gd --with-freetype --with-jpeg --with-webp/)
  t.match(run, /pecl install "redis-\$\{PHPREDIS_VERSION\}"/)
  t.match(run, /docker-php-ext-enable redis/)
  t.match(args.PHPREDIS_VERSION ?? '', /^\d+\.\d+\.\d+$/, 'phpredis pinned')
})

t.test('composer without dev deps, Vite build', async (t) => {
  t.match(text, /composer install[^\n]*\n?[^\n]*--no-dev/)
  t.match(text, /composer dump-autoload --no-dev/)
  t.match(stageOf('assets').map((i) => i.args).join('\n'), /npm ci[^;]*&& npm run build/)
  t.match(text, /COPY --from=assets /)
})

t.test('non-root, no .env, no secrets', async (t) => {
  const users = instructions.filter((i) => i.op === 'USER')
  t.equal(users.at(-1)?.args.split(':')[0], '33', 'final USER is numeric 33 (www-data)')
  t.match(users.at(-1)!.args, /^\d+(:\d+)?$/, 'numeric user and group')
  t.notOk(instructions.some((i) => (i.op === 'COPY' || i.op === 'ADD') && /(^|\s|\/)\.env\b/.test(i.args)), 'no .env is copied')
  t.match(text, /rm -f[^\n]*\.env/, '.env files are removed from the tree')
  for (const i of instructions.filter((x) => x.op === 'ARG' || x.op === 'ENV')) {
    t.notMatch(i.args, /(PASSWORD|SECRET|TOKEN|APP_KEY|PRIVATE)/i, `${i.op} ${i.args}: no secret`)
  }
  t.notMatch(text, /APP_KEY=|DB_PASSWORD=/, 'no credentials anywhere')
})

t.test('php-fpm: ping and status, listen, config ordering', async (t) => {
  t.match(text, /ping\.path = \/ping/)
  t.match(text, /pm\.status_path = \/status/)
  t.match(text, /listen = 9000/)
  t.match(text, /rm -f \/usr\/local\/etc\/php-fpm\.d\/zz-docker\.conf/, 'zz-docker.conf removed so the chart\'s zz-chart.conf wins')
  t.match(text, /zy-bagisto\.conf/, 'the image pool config sorts before zz-chart.conf')
  t.ok('zy-bagisto.conf' < 'zz-chart.conf')
  t.match(text, /php-fpm -t/, 'the config is tested at build time')
  t.match(text, /^EXPOSE 9000$/m)
  t.match(text, /^CMD \["php-fpm"\]$/m)
  // the chart's readiness/liveness probes run cgi-fcgi against /ping
  const runtime = stageOf('runtime').map((i) => i.args).join('\n')
  t.match(runtime, /apt-get install[^\n]*\blibfcgi-bin\b/, 'libfcgi-bin (cgi-fcgi) is installed in the runtime image')
})

t.test('make image: buildx for amd64 + arm64', async (t) => {
  const mk = readFileSync(path.join(ROOT, 'mk/charts.mk'), 'utf8')
  t.match(mk, /^image:.*## /m, 'documented target')
  t.match(mk, /docker buildx build --platform linux\/amd64,linux\/arm64 -f Dockerfile\.php-fpm/)
})

t.test('media on S3: the image carries Flysystem\'s S3 adapter (Laravel\'s s3 disk)', async (t) => {
  const vendor = stageOf('vendor').filter((i) => i.op === 'RUN').map((i) => i.args).join('\n')
  t.match(vendor, /composer require [^\n]*"league\/flysystem-aws-s3-v3:\^3\.\d+"/, 'composer require league/flysystem-aws-s3-v3')
  t.match(vendor, /composer require [^\n]*--update-no-dev/, 'without dev dependencies')
})

t.test('php.ini defaults follow Bagisto\'s documented requirements (the chart can override them)', async (t) => {
  t.match(text, /memory_limit = 4G/)
  t.match(text, /max_execution_time = 360/)
})
