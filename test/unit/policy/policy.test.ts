// Policy: defaults filled, the shipped default.yaml valid and complete, bad files refused with file and field named.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { RULE_IDS } from '../../../src/pipeline/index.js'
import { defaultPolicy, PolicyError } from '../../../src/policy/index.js'
import { loadPolicyFile, parsePolicy, parsePolicyFile } from '../../../src/policy/parse.js'

t.test('defaults', async (t) => {
  const p = defaultPolicy()
  t.same(p.securityContext, { runAsUser: 33, runAsGroup: 33, fsGroup: 33 })
  t.same(p.registries, [])
  for (const id of RULE_IDS) t.equal(p.rules[id], 'deny', id)
  t.ok(p.excludedNamespaces.includes('kube-system'))
  t.same(p.readOnlyRootFilesystem.storefront?.nginx, ['/var/cache/nginx', '/var/run', '/tmp'])
  t.not(defaultPolicy().rules, p.rules, 'fresh objects each time')
})

t.test('tenancy keys: empty bindings and admins, the controller manager trusted; a binding\'s lists default', async (t) => {
  const p = defaultPolicy()
  t.same(p.tenants, {})
  t.same(p.platformAdmins, { users: [], groups: [] })
  t.ok(p.trustedControllers.includes('system:serviceaccount:kube-system:replicaset-controller'))
  t.notOk(p.trustedControllers.some((u) => !u.startsWith('system:serviceaccount:kube-system:')), 'only kube-system service accounts')
  const bound = parsePolicy('tenants:\n  acme: {groups: [acme-devs]}\n', 'p.yaml')
  t.same(bound.tenants.acme, { users: [], groups: ['acme-devs'], serviceAccounts: [] })
})

t.test('partial policies keep the other defaults', async (t) => {
  const p = parsePolicy('rules:\n  image-tag: warn\nsecurityContext:\n  runAsUser: 1000\n', 'p.yaml')
  t.equal(p.rules['image-tag'], 'warn')
  t.equal(p.rules.privileged, 'deny')
  t.same(p.securityContext, { runAsUser: 1000, runAsGroup: 33, fsGroup: 33 })
})

t.test('policy/default.yaml is valid and equals the built-in defaults', async (t) => {
  const text = readFileSync(new URL('../../../policy/default.yaml', import.meta.url), 'utf8')
  t.same(parsePolicy(text, 'policy/default.yaml'), defaultPolicy())
  // defaultPolicy() reads the file without the schema: it must spell out every default the schema has.
  t.strictSame(defaultPolicy(), parsePolicy('{}', 'empty policy'), 'the schema\'s defaults of {} are the file')
})

const rejections: Array<[string, RegExp]> = [
  ['rules:\n  privileged: maybe\n', /bad\.yaml: invalid policy: rules\.privileged: must be one of deny, warn, off/],
  ['rules:\n  no-such-rule: deny\n', /rules: unknown key "no-such-rule"/],
  ['registrys: []\n', /\(top level\): unknown key "registrys"/],
  ['securityContext:\n  runAsUser: 0\n', /securityContext\.runAsUser: must be >= 1/],
  ['defaultResources:\n  requests:\n    memory: lots\n', /defaultResources\.requests\.memory: must match pattern/],
  ['readOnlyRootFilesystem:\n  storefront:\n    nginx: [tmp]\n', /readOnlyRootFilesystem\.storefront\.nginx\.0: must match pattern/],
  ['- a list\n', /\(top level\): must be object/],
  ['rules: [\n', /bad\.yaml: not valid YAML/],
  ['tenants:\n  Acme_Corp: {users: [a]}\n', /tenants: must match pattern/],
  ['tenants:\n  acme: {serviceAccounts: [deployer]}\n', /tenants\.acme\.serviceAccounts\.0: must match pattern/],
  ['tenants:\n  acme: {user: [a]}\n', /tenants\.acme: unknown key "user"/],
  ['platformAdmins: {users: [a], serviceAccounts: []}\n', /platformAdmins: unknown key "serviceAccounts"/],
  ['trustedControllers: [""]\n', /trustedControllers\.0: must NOT have fewer than 1 characters/],
]
for (const [text, message] of rejections) {
  t.test(`rejects ${JSON.stringify(text)}`, async (t) => {
    const err = (() => { try { parsePolicy(text, 'bad.yaml') } catch (e) { return e } return undefined })()
    t.ok(err instanceof PolicyError, 'throws a PolicyError')
    t.match((err as Error | undefined)?.message, message)
  })
}

t.test('loadPolicyFile reads a file and names it in errors', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'policy-'))
  const file = join(dir, 'policy.yaml')
  writeFileSync(file, 'registries: [ghcr.io/acme]\n')
  t.same((await loadPolicyFile(file)).registries, ['ghcr.io/acme'])
  await t.rejects(loadPolicyFile(join(dir, 'missing.yaml')), /missing\.yaml: cannot read policy/)
})

t.test('a policy file that is empty, only comments, cut short or not a policy is refused', async (t) => {
  const full = readFileSync(new URL('../../../manifests/webhook/policy.yaml', import.meta.url), 'utf8')
  t.ok(parsePolicyFile(full, 'p.yaml'), 'the whole file is read')
  t.ok(parsePolicyFile('{}\n', 'p.yaml'), '{} asks for the defaults explicitly')
  const refusals: Array<[string, RegExp]> = [
    ['', /p\.yaml: empty policy file/],
    ['\n\n', /empty policy file/],
    ['# only a comment\n', /empty policy file/],
    [full.slice(0, full.indexOf('registries:') + 20), /p\.yaml: truncated policy file/],
    ['just text\n', /\(top level\): must be object/],
    ['apiVersion: v1\nkind: ConfigMap\n', /unknown key "apiVersion"/],
  ]
  for (const [text, message] of refusals) t.throws(() => parsePolicyFile(text, 'p.yaml'), message, JSON.stringify(text.slice(0, 40)))
})
