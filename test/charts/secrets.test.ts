// Secrets: generated when not given (no literals in the defaults), stable via lookup on a cluster
// (proven by the control-plane tests with `helm upgrade`), disabled by existingSecret.
import t from 'tap'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { BAGISTO, STORE_LIB, get, render } from './fixtures/helm.js'

const decode = (s: string) => Buffer.from(s, 'base64').toString()

t.test('a default install generates random credentials', async (t) => {
  const a = get(render().objects, 'Secret', 'bagisto').data
  const b = get(render().objects, 'Secret', 'bagisto').data
  t.same(Object.keys(a).sort(), ['APP_KEY', 'DB_PASSWORD', 'MYSQL_ROOT_PASSWORD', 'REDIS_PASSWORD'])
  for (const k of Object.keys(a)) {
    t.not(a[k], b[k], `${k} differs between two offline renders (random, not a literal)`)
  }
  for (const k of ['DB_PASSWORD', 'MYSQL_ROOT_PASSWORD', 'REDIS_PASSWORD']) t.match(decode(a[k]), /^[A-Za-z0-9]{32}$/, `${k}: 32 random alphanumerics`)
  const key = decode(a.APP_KEY)
  t.match(key, /^base64:/, 'APP_KEY in Laravel format')
  t.equal(Buffer.from(key.slice(7), 'base64').length, 32, 'APP_KEY is 32 bytes (AES-256)')
})

t.test('the Secret outlives helm uninstall (the MySQL volume it unlocks does too)', async (t) => {
  t.equal(get(render().objects, 'Secret', 'bagisto').metadata.annotations?.['helm.sh/resource-policy'], 'keep')
})

t.test('no secret literals in the chart defaults', async (t) => {
  const values = readFileSync(path.join(BAGISTO, 'values.yaml'), 'utf8')
  for (const m of values.matchAll(/^\s*(password|rootPassword|key):\s*(.*)$/gm)) {
    t.equal(m[2]!.trim(), '""', `${m[1]} defaults to empty`)
  }
})

t.test('explicit values win; the lookup keeps what the cluster has', async (t) => {
  const d = get(render({ set: { 'mysql.auth.password': 'given', 'app.key': 'base64:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' } }).objects, 'Secret', 'bagisto').data
  t.equal(decode(d.DB_PASSWORD), 'given')
  t.equal(decode(d.APP_KEY), 'base64:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=')
  const helper = readFileSync(path.join(STORE_LIB, 'templates/_secrets.tpl'), 'utf8')
  t.match(helper, /lookup "v1" "Secret"/, 'store-lib.secrets.value reads the existing Secret')
})

t.test('existingSecret disables the Secret', async (t) => {
  const { objects } = render({ set: { existingSecret: 'mine' } })
  t.notOk(objects.find((o) => o.kind === 'Secret'))
})

t.test('redis without auth: no REDIS_PASSWORD anywhere', async (t) => {
  const { objects, text } = render({ set: { 'redis.auth.enabled': false } })
  t.notOk('REDIS_PASSWORD' in get(objects, 'Secret', 'bagisto').data)
  t.notMatch(text, /key: REDIS_PASSWORD/)
})
