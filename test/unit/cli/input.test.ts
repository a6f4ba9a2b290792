// What `check` reads and how it refuses what it cannot judge: each input from issue 11.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { HELM_RENDER, run } from './run.js'

const render = readFileSync(HELM_RENDER, 'utf8')
/** The chart's render with one container made privileged, as a user's edited chart would be. */
const privileged = render.replace(/(# Source: bagisto\/templates\/deployment\.yaml[\s\S]*?)privileged: false/, '$1privileged: true')

const POD = (name: string, extra = ''): string => `apiVersion: v1
kind: Pod
metadata: {name: ${name}${extra}}
spec:
  containers:
    - {name: web, image: "registry.example.com/web:1.0"}
`
const names = (out: string): string[] => [...new Set(out.split('\n').filter(Boolean).map((l) => l.slice(0, l.indexOf(':'))))]
const PRIVILEGED_POD = (name: string): string => POD(name).replace('web:1.0"}', 'web:1.0", securityContext: {privileged: true}}')

t.test('helm template with a privileged container, without --namespace-labels: judged, exit 1', async (t) => {
  t.not(privileged, render, 'the fixture was edited')
  const { code, out, err } = await run(['check', '-f', '-'], privileged)
  t.equal(code, 1)
  t.equal(out, 'DENY Deployment/bagisto: privileged: spec.template.spec.initContainers[copy-public-files].securityContext.privileged: must not be true\n')
  t.match(err, /note: namespace store-acme is not described by the input .* judged as in a store namespace by every rule but tenant-mismatch, tenant-missing, cross-tenant-reference/)
  t.equal(err.match(/^note:/gm)?.length, 1, 'one note per namespace')
  t.match(err, /checked 6 object\(s\): 1 denied/)
  const clean = await run(['check', '-f', '-'], render)
  t.same([clean.code, clean.out], [0, ''], 'the chart as shipped passes')
})

t.test('an undescribed namespace skips only the tenant rules', async (t) => {
  // tenant "globex" would differ from a store namespace's tenant; with no tenant known, nothing to compare
  const pod = POD('p', ', namespace: shop, labels: {store.platform.io/tenant: globex}').replace('web:1.0', 'web:latest')
  const undescribed = await run(['check', '-f', '-', '-o', 'json'], pod)
  t.same(JSON.parse(undescribed.out).results[0].violations.map((v: { rule: string }) => v.rule), ['image-tag'])
  const described = await run(['check', '-f', '-', '-o', 'json', '--namespace-labels', 'store.platform.io/tenant=acme'], pod)
  t.same(JSON.parse(described.out).results[0].violations.map((v: { rule: string }) => v.rule), ['tenant-mismatch', 'image-tag'])
  // objects without metadata.namespace are in -n's namespace
  const n = await run(['check', '-f', '-', '-n', 'shop', '-o', 'json'], `${POD('q')}---\nkind: Namespace\nmetadata: {name: shop}\n`)
  t.same([n.code, JSON.parse(n.out).results[0].namespace], [0, 'shop'])
  t.match(n.err, /namespace shop is not a store namespace/)
})

t.test('mutate judges an undescribed namespace the same way and invents no tenant', async (t) => {
  const { code, out } = await run(['mutate', '-f', '-'], POD('p'))
  t.equal(code, 0)
  t.match(out, /runAsNonRoot: true/)
  t.notMatch(out, /store\.platform\.io\/tenant/)
})

t.test('nothing to judge exits 2 unless --allow-empty', async (t) => {
  for (const input of ['', '---\n# Source: bagisto/templates/x.yaml\n', 'kind: Service\nmetadata: {name: s}\n']) {
    const { code, err } = await run(['check', '-f', '-'], input)
    t.equal(code, 2, JSON.stringify(input))
    t.match(err, /nothing to judge/)
    const allowed = await run(['check', '-f', '-', '--allow-empty'], input)
    t.same([allowed.code, allowed.out], [0, ''])
  }
})

t.test('List and *List documents are unwrapped (kubectl get -o yaml|json)', async (t) => {
  const list = `apiVersion: v1
kind: List
items:
  - ${PRIVILEGED_POD('a').replace(/\n/g, '\n    ').trimEnd()}
  - apiVersion: apps/v1
    kind: DeploymentList
    items: []
`
  const { code, out } = await run(['check', '-f', '-'], list)
  t.equal(code, 1)
  t.match(out, /^DENY Pod\/a: privileged: /)
  const podList = { apiVersion: 'v1', kind: 'PodList', items: [{ kind: 'Pod', metadata: { name: 'j' }, spec: { containers: [{ name: 'c', image: 'x:1', securityContext: { privileged: true } }] } }] }
  const json = await run(['check', '-f', '-'], JSON.stringify(podList))
  t.equal(json.code, 1)
  t.match(json.out, /^DENY Pod\/j: privileged: /)
  const bad = await run(['check', '-f', '-'], '---\nkind: List\nitems:\n  - kind: Pod\n    metadata: {name: p}\n    spec: {}\n')
  t.equal(bad.code, 2)
  t.match(bad.err, /<stdin>: document 1: items\[0\] \(Pod\/p\): spec\.containers: must be a non-empty list/)
})

t.test('-f repeats; directories are read recursively for *.yaml, *.yml, *.json', async (t) => {
  const dir = t.testdir({
    'a.yaml': PRIVILEGED_POD('a'),
    'b.yml': PRIVILEGED_POD('b'),
    nested: { deeper: { 'c.json': JSON.stringify({ kind: 'Pod', metadata: { name: 'c' }, spec: { containers: [{ name: 'c', image: 'x:1', securityContext: { privileged: true } }] } }) } },
    'notes.txt': PRIVILEGED_POD('ignored'),
  })
  const two = await run(['check', '-f', `${dir}/a.yaml`, '-f', `${dir}/b.yml`])
  t.equal(two.code, 1)
  t.same(names(two.out), ['DENY Pod/a', 'DENY Pod/b'], 'both files, in order')
  const all = await run(['check', '-f', dir, '-f', '-'], PRIVILEGED_POD('stdin'))
  t.same(names(all.out), ['DENY Pod/a', 'DENY Pod/b', 'DENY Pod/c', 'DENY Pod/stdin'])
  const empty = t.testdir({ 'readme.md': 'x' })
  t.match((await run(['check', '-f', empty])).err, /nothing to judge/)
})

t.test('kind: constructor / __proto__ and such keys never reach a prototype', async (t) => {
  for (const kind of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    const { code, err } = await run(['check', '-f', '-'], `kind: ${kind}\nmetadata: {name: x}\n---\n${POD('p')}`)
    t.same([code, err.includes('is not a function')], [0, false], kind)
    t.match(err, /checked 1 object\(s\)/, `${kind} is not judged`)
  }
  const keys = `${POD('p', ', labels: {__proto__: x, constructor: y}')}---\nkind: Namespace\nmetadata: {name: default, labels: {__proto__: {polluted: 1}}}\n`
  const { code, err } = await run(['check', '-f', '-', '--namespace-labels', '__proto__=z,store.platform.io/tenant=acme'], keys)
  t.equal(code, 2, 'a label that is not a string is refused')
  t.match(err, /<stdin>: document 2 \(Namespace\/default\): metadata\.labels\[__proto__\]: must be a string/)
  t.equal(({} as Record<string, unknown>).polluted, undefined)
  const ok = await run(['check', '-f', '-', '--namespace-labels', '__proto__=z,store.platform.io/tenant=acme'], POD('p', ', labels: {__proto__: x}'))
  t.same([ok.code, ok.out], [0, ''])
})

t.test('a YAML alias bomb exits 2 naming the document', async (t) => {
  const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
  for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array(9).fill(i === 1 ? '*a' : `*l${i - 1}`).join(',')}]`)
  const bomb = `${POD('p')}---\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n${levels.map((l) => `  ${l}`).join('\n')}\n`
  const started = Date.now()
  const { code, err } = await run(['check', '-f', '-'], bomb)
  t.equal(code, 2)
  t.match(err, /<stdin>: document 2: aliases expand it to more than 1000000 values/)
  t.ok(Date.now() - started < 5000, 'refused before anything expands it')
  // a few aliases are fine
  const anchors = `kind: Pod\nmetadata: {name: p, labels: &l {app: web}}\nspec:\n  containers: [{name: web, image: "r/web:1"}]\n  nodeSelector: *l\n`
  t.equal((await run(['check', '-f', '-'], anchors)).code, 0)
})

t.test('deep YAML: valid up to the depth limit, then refused as too deep, never "not valid YAML"', async (t) => {
  const nested = (depth: number): string => `${POD('p')}---\nkind: ConfigMap\nmetadata: {name: deep}\nextra: ${'['.repeat(depth)}${']'.repeat(depth)}\n`
  t.equal((await run(['check', '-f', '-'], nested(500))).code, 0, '500 levels are read')
  for (const depth of [1500, 100_000]) {
    const { code, err } = await run(['check', '-f', '-'], nested(depth))
    t.equal(code, 2)
    t.match(err, /<stdin>: document 2: line 10: nested deeper than 1000 levels/)
    t.notMatch(err, /not valid YAML/)
  }
  const deepJson = await run(['check', '-f', '-'], `{"kind": "ConfigMap", "data": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`)
  t.equal(deepJson.code, 2)
  t.match(deepJson.err, /<stdin>: document 1: nested deeper than 1000 levels/)
  const chain = ['a0: &a0 [1]', ...Array.from({ length: 1200 }, (_, i) => `a${i + 1}: &a${i + 1} [*a${i}]`)]
  const { code, err } = await run(['check', '-f', '-'], `${POD('p')}---\nkind: ConfigMap\nmetadata: {name: chain}\ndata:\n${chain.map((l) => `  ${l}`).join('\n')}\n`)
  t.equal(code, 2)
  t.match(err, /document 2: nested deeper than 1000 levels through aliases/)
})

t.test('unusable input names the file, document, object and field', async (t) => {
  const dir = t.testdir({ 'bad.yaml': `${POD('ok')}---\n${POD('p', ', namespace: 7')}` })
  const cases: Array<[string[], string, RegExp]> = [
    [['check', '-f', `${dir}/bad.yaml`], '', /bad\.yaml: document 2 \(Pod\/p\): metadata\.namespace: must be a string/],
    [['check', '-f', '-'], `${POD('a')}---\nkind: Pod\nmetadata: {name: b}\nspec:\n  containers: [}\n`, /<stdin>: document 2: line 11: not valid YAML: missed comma/],
    [['check', '-f', '-'], 'kind: [Pod]\n', /<stdin>: document 1: kind: must be a string/],
    [['check', '-f', '-'], 'kind: Pod\nmetadata: [x]\n', /<stdin>: document 1 \(Pod\/\?\): metadata: must be a mapping/],
    [['check', '-f', '-'], 'kind: Pod\nmetadata: {name: p, labels: {version: 1.0}}\nspec: {containers: [{name: a, image: b}]}\n', /metadata\.labels\[version\]: must be a string \(quote it\)/],
    [['check', '-f', '-'], 'kind: PodList\nitems: {}\n', /<stdin>: document 1 \(PodList\): items: must be a list/],
    [['check', '-f', '-'], 'a: 1\na: 2\n', /<stdin>: document 1: line 2: not valid YAML: duplicated mapping key/],
  ]
  for (const [argv, stdin, message] of cases) {
    const { code, err } = await run(argv, stdin)
    t.equal(code, 2, message.source)
    t.match(err, message)
  }
})
