// Each output format checked by what reads it: SARIF against the official 2.1.0 JSON schema, JUnit
// by a real XML parser, github lines against the workflow-command grammar.
import { readFileSync } from 'node:fs'
import AjvDraft04 from 'ajv-draft-04'
import ajvFormats from 'ajv-formats'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import t from 'tap'
import { RULES } from '../../../src/pipeline/index.js'
import { HELM_RENDER, fixture, run } from './run.js'

const render = readFileSync(HELM_RENDER, 'utf8')
/** The chart's render with two problems: a privileged init container and nginx:latest. */
const broken = render
  .replace(/(# Source: bagisto\/templates\/deployment\.yaml[\s\S]*?)privileged: false/, '$1privileged: true')
  .replace('docker.io/nginxinc/nginx-unprivileged:1.28.0-alpine', 'nginx:latest')
const WARN_POLICY = 'rules:\n  image-tag: warn\n'

t.test('sarif: valid SARIF 2.1.0, a rule per rule ID, results at the chart template and line', async (t) => {
  const dir = t.testdir({ 'policy.yaml': WARN_POLICY })
  const { code, out } = await run(['check', '-f', '-', '-o', 'sarif', '--source-root', 'charts', '--policy', `${dir}/policy.yaml`], broken)
  t.equal(code, 1)
  // CommonJS modules: their classes are the `default` of what Node's ESM loader gives
  const ajv = new AjvDraft04.default({ strict: false, allErrors: true })
  ajvFormats.default(ajv)
  const validate = ajv.compile(JSON.parse(readFileSync(fixture('cli/sarif-schema-2.1.0.json'), 'utf8')) as object)
  const log = JSON.parse(out) as { version: string; runs: Array<{ tool: { driver: { rules: Array<{ id: string; shortDescription: { text: string } }> } }; results: Array<Record<string, any>> }> }
  t.ok(validate(log), JSON.stringify(validate.errors))
  t.equal(log.version, '2.1.0')
  const run0 = log.runs[0]!
  t.same(run0.tool.driver.rules.map((r) => r.id), RULES.map((r) => r.id), 'one reportingDescriptor per rule')
  t.same(run0.tool.driver.rules.map((r) => r.shortDescription.text), RULES.map((r) => r.summary))
  t.same(run0.results.map((r) => [r.ruleId, r.level, r.ruleIndex]), [
    ['privileged', 'error', RULES.findIndex((r) => r.id === 'privileged')],
    ['image-tag', 'warning', RULES.findIndex((r) => r.id === 'image-tag')],
  ])
  for (const r of run0.results) {
    t.same(r.locations[0].physicalLocation, { artifactLocation: { uri: 'charts/bagisto/templates/deployment.yaml' }, region: { startLine: 1 } })
    t.same(r.locations[0].logicalLocations, [{ fullyQualifiedName: 'store-acme/Deployment/bagisto', kind: 'resource' }])
  }
  t.match(run0.results[0]!.message.text, /^Deployment\/bagisto: spec\.template\.spec\.initContainers\[copy-public-files\]\.securityContext\.privileged: must not be true$/)
  // a schema-invalid log is caught: the check above can fail
  t.notOk(validate({ ...log, runs: [{ ...run0, results: [{ ...run0.results[0], level: 'fatal' }] }] }))
})

t.test('sarif: without # Source: the input file and the object line; stdin has no file to name', async (t) => {
  const pod = 'kind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: "r/a:1", securityContext: {privileged: true}}]\n'
  const dir = t.testdir({ 'pods.yaml': `# two pods\n---\n${pod}---\n\n${pod.replace('name: p', 'name: q')}` })
  const file = await run(['check', '-f', `${dir}/pods.yaml`, '-o', 'sarif'])
  const results = (JSON.parse(file.out) as { runs: Array<{ results: Array<Record<string, any>> }> }).runs[0]!.results
  const located = results.map((r) => [r.message.text.split(':')[0], r.locations[0].physicalLocation.region.startLine])
  t.same([...new Set(located.map((l) => l.join('@')))], ['Pod/p@3', 'Pod/q@9'])
  t.match(results[0]!.locations[0].physicalLocation.artifactLocation.uri, /^file:\/\/.*\/pods\.yaml$/)
  const stdin = await run(['check', '-f', '-', '-o', 'sarif'], pod)
  const loc = (JSON.parse(stdin.out) as { runs: Array<{ results: Array<Record<string, any>> }> }).runs[0]!.results[0]!.locations[0]
  t.same(Object.keys(loc), ['logicalLocations'])
  const empty = await run(['check', '-f', '-', '-o', 'sarif', '--allow-empty'], '')
  t.same((JSON.parse(empty.out) as { runs: Array<{ results: unknown[] }> }).runs[0]!.results, [])
})

t.test('junit: well-formed XML, a testcase per object, a failure per denial', async (t) => {
  const dir = t.testdir({ 'policy.yaml': WARN_POLICY })
  const { code, out } = await run(['check', '-f', '-', '-o', 'junit', '--policy', `${dir}/policy.yaml`], broken)
  t.equal(code, 1)
  t.equal(XMLValidator.validate(out), true)
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'failure'].includes(name) }).parse(out) as {
    testsuites: { tests: string; failures: string; testsuite: Array<{ tests: string; failures: string; testcase: Array<Record<string, any>> }> }
  }
  const suite = doc.testsuites.testsuite[0]!
  t.same(suite.testcase.map((c) => c.name), ['Deployment/bagisto', 'Deployment/bagisto-scheduler', 'Deployment/bagisto-worker', 'StatefulSet/bagisto-mysql', 'StatefulSet/bagisto-redis', 'Job/bagisto-migrate'])
  t.same([suite.tests, suite.failures, doc.testsuites.tests, doc.testsuites.failures], ['6', '1', '6', '1'])
  const storefront = suite.testcase[0]!
  t.same([storefront.classname, storefront.file, storefront['line']], ['store-acme', 'bagisto/templates/deployment.yaml', '1'])
  t.same(storefront.failure.map((f: Record<string, string>) => [f.type, f.message]), [
    ['privileged', 'privileged: spec.template.spec.initContainers[copy-public-files].securityContext.privileged: must not be true'],
  ])
  t.match(storefront['system-out'], /^WARN image-tag: spec\.template\.spec\.containers\[nginx\]\.image: nginx:latest/)
  t.equal(suite.testcase[1]!.failure, undefined, 'a passing object is a testcase without failure')
})

t.test('junit: names with XML specials and control characters stay well-formed', async (t) => {
  const pod = 'kind: Pod\nmetadata: {name: "a<&>\\"\'\\u0001b", namespace: "n&s"}\nspec:\n  containers: [{name: "c<\\u0002>", image: "r/a:1", securityContext: {privileged: true}}]\n'
  const { out } = await run(['check', '-f', '-', '-o', 'junit'], pod)
  t.equal(XMLValidator.validate(out), true, out)
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(out) as { testsuites: { testsuite: { testcase: Record<string, string> } } }
  t.equal(doc.testsuites.testsuite.testcase.name, 'Pod/a<&>"\'\uFFFDb')
  t.equal(doc.testsuites.testsuite.testcase.classname, 'n&s')
})

// https://docs.github.com/actions/reference/workflow-commands-for-github-actions: `::cmd k=v,k=v::data`,
// with %, CR, LF escaped in data and also `:` and `,` in property values.
const COMMAND = /^::(error|warning) ((?:[a-zA-Z]+=[^,:\r\n]*)(?:,[a-zA-Z]+=[^,:\r\n]*)*)::([^\r\n]*)$/

t.test('github: workflow commands in the grammar, error for denials and warning for warn', async (t) => {
  const dir = t.testdir({ 'policy.yaml': WARN_POLICY })
  const { code, out } = await run(['check', '-f', '-', '-o', 'github', '--source-root', 'charts', '--policy', `${dir}/policy.yaml`], broken)
  t.equal(code, 1)
  const commands = out.trimEnd().split('\n')
  t.equal(commands.length, 2)
  for (const line of commands) t.match(line, COMMAND)
  t.equal(commands[0], '::error file=charts/bagisto/templates/deployment.yaml,line=1,title=privileged::Deployment/bagisto: spec.template.spec.initContainers[copy-public-files].securityContext.privileged: must not be true')
  t.match(commands[1], /^::warning file=charts\/bagisto\/templates\/deployment\.yaml,line=1,title=image-tag::Deployment\/bagisto: /)
})

t.test('github: escapes keep one command per line and properties intact', async (t) => {
  const dir = t.testdir({ 'a,b:c%.yaml': 'kind: Pod\nmetadata: {name: "x\\ny%"}\nspec:\n  containers: [{name: a, image: "r/a:1", securityContext: {privileged: true}}]\n' })
  const { out } = await run(['check', '-f', `${dir}/a,b:c%.yaml`, '-o', 'github'])
  const commands = out.trimEnd().split('\n')
  for (const line of commands) t.match(line, COMMAND)
  const [, , properties, data] = COMMAND.exec(commands[0]!) ?? []
  const file = /file=([^,]*)/.exec(properties ?? '')?.[1] ?? ''
  const unescape = (s: string): string => s.replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
  t.equal(unescape(file), `${dir}/a,b:c%.yaml`)
  t.match(unescape(data ?? ''), /^Pod\/x\ny%: spec\.containers\[a\]/)
})

t.test('text and json: the contract lines and shape', async (t) => {
  const text = await run(['check', '-f', '-'], broken)
  t.equal(text.out, [
    'DENY Deployment/bagisto: privileged: spec.template.spec.initContainers[copy-public-files].securityContext.privileged: must not be true',
    'DENY Deployment/bagisto: image-tag: spec.template.spec.containers[nginx].image: nginx:latest uses tag latest; pin a version or digest',
    '',
  ].join('\n'))
  const json = JSON.parse((await run(['check', '-f', '-', '-o', 'json'], broken)).out) as { results: Array<Record<string, unknown>> }
  t.same(Object.keys(json), ['results'])
  t.same(Object.keys(json.results[0]!), ['kind', 'name', 'namespace', 'allowed', 'violations', 'warnings'], 'no location in JSON')
  t.same((json.results[0]!.violations as Array<Record<string, string>>)[0], {
    rule: 'privileged', path: 'Deployment/bagisto: spec.template.spec.initContainers[copy-public-files].securityContext.privileged', message: 'must not be true',
  })
})
