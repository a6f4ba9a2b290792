// The CLI: exit codes 0/1/2, text and JSON output, stdin, --help, mutate output.
import t from 'tap'
import { parse, parseAllDocuments } from 'yaml'
import { fixture, run } from './run.js'

const HELM_OUTPUT = fixture('manifests/acme-helm-template.yaml')

const POD = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: acme}
spec:
  containers:
    - {name: web, image: "registry.example.com/web:1.0"}
`

t.test('check: text lines for a helm-template-like input, exit 1', async (t) => {
  const { code, out } = await run(['check', '-f', HELM_OUTPUT])
  t.equal(code, 1)
  t.equal(out, [
    'DENY Deployment/acme-bagisto: privileged: spec.template.spec.containers[nginx].securityContext.privileged: must not be true',
    'DENY Deployment/acme-bagisto: privilege-escalation: spec.template.spec.containers[nginx].securityContext.allowPrivilegeEscalation: must be false (is unset)',
    'DENY Deployment/acme-bagisto: image-tag: spec.template.spec.containers[nginx].image: nginx:latest uses tag latest; pin a version or digest',
    'DENY CronJob/acme-bagisto-scheduler: host-namespaces: spec.jobTemplate.spec.template.spec.hostNetwork: must not be true',
    '',
  ].join('\n'))
})

t.test('check: JSON output has the contract shape', async (t) => {
  const { code, out } = await run(['check', '-f', HELM_OUTPUT, '-o', 'json'])
  t.equal(code, 1)
  const { results } = JSON.parse(out) as { results: Array<Record<string, unknown>> }
  t.same(results.map((r) => [r.kind, r.name, r.namespace, r.allowed]), [
    ['Deployment', 'acme-bagisto', 'acme', false],
    ['Deployment', 'acme-bagisto-worker', 'acme', true],
    ['CronJob', 'acme-bagisto-scheduler', 'acme', false],
  ])
  t.same(Object.keys(results[0]!).sort(), ['allowed', 'kind', 'name', 'namespace', 'violations', 'warnings'])
  // the webhook's paths, verbatim (they start at the object for templates)
  t.same(results[2]!.violations, [{ rule: 'host-namespaces', path: 'CronJob/acme-bagisto-scheduler: spec.jobTemplate.spec.template.spec.hostNetwork', message: 'must not be true' }])
})

t.test('check: stdin, namespace labels from the flag, warn lines, exit 0', async (t) => {
  const latest = POD.replace('web:1.0', 'web:latest')
  const denied = await run(['check', '-f', '-', '--namespace-labels', 'store.platform.io/tenant=acme'], latest)
  t.equal(denied.code, 1)
  t.match(denied.out, /^DENY Pod\/web: image-tag: spec\.containers\[web\]\.image: registry\.example\.com\/web:latest uses tag latest/)
  const ok = await run(['check', '-f', '-', '--namespace-labels', 'store.platform.io/tenant=acme'], POD)
  t.same([ok.code, ok.out], [0, ''], 'a plain pod becomes compliant once mutated')
})

t.test('check: warn mode prints WARN and exits 0', async (t) => {
  const dir = t.testdir({ 'policy.yaml': 'rules:\n  image-tag: warn\n' })
  const { code, out } = await run(['check', '-f', '-', '--namespace-labels', 'store.platform.io/tenant=acme', '--policy', `${dir}/policy.yaml`], POD.replace('web:1.0', 'web'))
  t.equal(code, 0)
  t.match(out, /^WARN Pod\/web: image-tag: /)
})

t.test('check: objects in a namespace the input shows is not a store namespace pass unjudged, with a note', async (t) => {
  const input = `${POD.replace('web:1.0', 'web:latest')}---\nkind: Namespace\nmetadata: {name: acme, labels: {team: a}}\n`
  const { code, out, err } = await run(['check', '-f', '-'], input)
  t.same([code, out], [0, ''])
  t.match(err, /namespace acme is not a store namespace \(its Namespace document has no store\.platform\.io\/tenant label\)/)
  const excluded = await run(['check', '-f', '-'], POD.replace('web:1.0', 'web:latest').replace('namespace: acme', 'namespace: kube-system'))
  t.same([excluded.code, excluded.out], [0, ''], 'a namespace the policy excludes is never a store namespace')
  t.match(excluded.err, /namespace kube-system is not a store namespace \(the policy excludes it\)/)
})

t.test('unusable input exits 2 and names the document and field', async (t) => {
  const cases: Array<[string[], string, RegExp]> = [
    [['check', '-f', '-'], 'a: [', /<stdin>: document 1: line 1: not valid YAML/],
    [['check', '-f', '-'], '---\nkind: Service\n---\n- 1\n', /<stdin>: document 2: must be a Kubernetes object/],
    [['check', '-f', '-'], 'kind: Deployment\nmetadata: {name: d}\nspec: {}\n', /<stdin>: document 1 \(Deployment\/d\): spec\.template: must be a mapping/],
    [['check', '-f', '-'], 'kind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{image: x}]\n', /document 1 \(Pod\/p\): spec\.containers\[0\]: must be a mapping with a name/],
    [['check', '-f', '-'], 'kind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: x, volumeMounts: m}]\n', /document 1 \(Pod\/p\): spec\.containers\[0\]\.volumeMounts: must be a list/],
    [['check', '-f', '/no/such/file.yaml'], '', /\/no\/such\/file\.yaml: cannot read/],
    [['check'], '', /-f FILE\|DIR\|- is required/],
    [['check', '-f', '-', '-o', 'xml'], POD, /-o must be one of text, json, sarif, junit, github, not "xml"/],
    [['check', '-f', '-', '--bogus'], POD, /Unknown option '--bogus'/],
    [['check', '-f', '-', '--namespace-labels', 'novalue'], POD, /"novalue" is not key=value/],
    [['check', '-f', '-', '--policy', '/no/policy.yaml'], POD, /\/no\/policy\.yaml: cannot read policy/],
    [['frobnicate'], '', /unknown command "frobnicate"/],
  ]
  for (const [argv, stdin, message] of cases) {
    const { code, err } = await run(argv, stdin)
    t.equal(code, 2, argv.join(' '))
    t.match(err, message)
  }
})

t.test('--help on every command, and --version', async (t) => {
  for (const argv of [['--help'], ['help'], ['check', '--help'], ['mutate', '-h']]) {
    const { code, out } = await run(argv)
    t.equal(code, 0)
    t.match(out, /usage: store-admission/)
  }
  t.match((await run(['check', '--help'])).out, /storefront-shape +a storefront pod needs/)
  t.match((await run(['--version'])).out, /^\d+\.\d+\.\d+/)
})

t.test('mutate: every object out; pods mutated, templates replaced, others unchanged', async (t) => {
  const { code, out } = await run(['mutate', '-f', HELM_OUTPUT])
  t.equal(code, 0)
  const docs = parseAllDocuments(out).map((d) => d.toJS() as { kind: string; metadata: { name: string }; spec: Record<string, any> })
  t.same(docs.map((d) => d.kind), ['Namespace', 'PersistentVolumeClaim', 'Deployment', 'Deployment', 'CronJob', 'Service'])
  const template = docs[2]!.spec.template
  t.same(template.spec.initContainers.map((c: { name: string }) => c.name), ['copy-public-files'])
  t.equal(template.metadata.labels['store.platform.io/tenant'], 'acme')
  t.equal(docs[2]!.spec.replicas, 2, 'the rest of the controller unchanged')
  t.same(docs[5], parseAllDocuments(await import('node:fs').then((fs) => fs.readFileSync(HELM_OUTPUT, 'utf8')))[5]?.toJS())
  // the mutated output is admitted apart from the explicit problems, and mutating it again changes nothing
  const again = await run(['mutate', '-f', '-'], out)
  t.equal(again.out, out, 'idempotent')
})

t.test('mutate: a Pod comes out as the webhook leaves it', async (t) => {
  const { out } = await run(['mutate', '-f', '-', '--namespace-labels', 'store.platform.io/tenant=acme'], POD)
  const pod = parse(out) as { spec: { securityContext: Record<string, unknown> } }
  t.equal(pod.spec.securityContext.runAsNonRoot, true)
})
