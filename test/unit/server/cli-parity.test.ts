// The server and the CLI run the same pipeline: `check` agrees with POST /validate (after /mutate,
// as the API server chains them) and `mutate` prints what /mutate's patch produces.
import t from 'tap'
import { execFile } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import fjp from 'fast-json-patch'
import type { Operation } from 'fast-json-patch'
import { parseAllDocuments, stringify } from 'yaml'
import { REPO, admissionReview, fixtureJson, responseOf, startTestServer, tempDir } from './fixtures/harness.js'

const run = promisify(execFile)
const CLI = join(REPO, 'bin/store-admission.js')
const NS_LABELS = 'store.platform.io/tenant=acme'

if (!existsSync(join(REPO, 'dist/cli/main.js'))) throw new Error('dist/ is not built: run `make build` (npx tsc -p tsconfig.json) first')

const server = await startTestServer()
t.teardown(() => server.close())

type Obj = Record<string, unknown>

function deploymentOf(pod: Obj, name: string): Obj {
  const p = structuredClone(pod) as { metadata: Obj; spec: Obj }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'acme' },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: p.metadata.labels, annotations: p.metadata.annotations }, spec: p.spec } },
  }
}

const hostPid = fixtureJson('storefront-pod.json') as { spec: Obj }
hostPid.spec.hostPID = true
const objects: Obj[] = [
  { ...fixtureJson('storefront-pod.json'), metadata: { ...(fixtureJson('storefront-pod.json').metadata as Obj), name: 'storefront' } },
  fixtureJson('bad-pod.json'),
  deploymentOf(fixtureJson('storefront-pod.json'), 'acme-bagisto'),
  deploymentOf(hostPid as Obj, 'acme-hostpid'),
  deploymentOf(fixtureJson('bad-pod.json'), 'acme-rogue'),
]

async function mutateViaServer(obj: Obj): Promise<Obj> {
  const response = responseOf(await server.call('POST', '/mutate', admissionReview(obj).review))
  if (response.patch === undefined) return obj
  const ops = JSON.parse(Buffer.from(response.patch as string, 'base64').toString()) as Operation[]
  return fjp.applyPatch(structuredClone(obj), ops, true, false).newDocument
}

/** What the API server would end up with: /mutate's patch applied, then /validate's verdict. */
async function judgeViaServer(obj: Obj): Promise<{ allowed: boolean; lines: string[]; warnings: string[] }> {
  const stored = obj.kind === 'Pod' ? await mutateViaServer(obj) : obj
  const response = responseOf(await server.call('POST', '/validate', admissionReview(stored).review))
  const message = (response.status as { message?: string } | undefined)?.message
  return { allowed: response.allowed as boolean, lines: message ? message.split('\n').sort() : [], warnings: ((response.warnings as string[]) ?? []).sort() }
}

interface CheckResult {
  kind: string
  name: string
  allowed: boolean
  violations: { rule: string; path: string; message: string }[]
}

t.test('check -o json and POST /validate find the same violations', async (t) => {
  const file = join(tempDir(), 'objects.yaml')
  writeFileSync(file, objects.map((o) => stringify(o)).join('---\n'))
  const out = await run(process.execPath, [CLI, 'check', '-f', file, '-o', 'json', '--namespace-labels', NS_LABELS]).catch(
    (err: { code: number; stdout: string }) => err,
  )
  t.equal((out as { code?: number }).code, 1, 'check exits 1: some objects are denied')
  const results = (JSON.parse(out.stdout) as { results: CheckResult[] }).results
  t.equal(results.length, objects.length)
  let denials = 0
  for (const obj of objects) {
    const name = ((obj.metadata as Obj).name as string) ?? ''
    const cli = results.find((r) => r.kind === obj.kind && r.name === name)
    if (!t.ok(cli, `check reports ${String(obj.kind)}/${name}`) || cli === undefined) continue
    const viaServer = await judgeViaServer(obj)
    t.equal(viaServer.allowed, cli.allowed, `${name}: same verdict`)
    t.same(viaServer.lines, cli.violations.map((v) => `${v.rule}: ${v.path}: ${v.message}`).sort(), `${name}: same violations`)
    denials += viaServer.lines.length
  }
  t.ok(denials >= 10, 'the comparison covered real violations')
})

t.test('store-admission mutate prints the pod /mutate produces', async (t) => {
  const pod = objects[0]!
  const file = join(tempDir(), 'pod.yaml')
  writeFileSync(file, stringify(pod))
  const { stdout } = await run(process.execPath, [CLI, 'mutate', '-f', file, '--namespace-labels', NS_LABELS])
  const docs = parseAllDocuments(stdout).map((d) => d.toJS() as Obj).filter((d) => d !== null)
  t.equal(docs.length, 1)
  const viaServer = await mutateViaServer(pod)
  t.not(JSON.stringify(viaServer), JSON.stringify(pod), 'the pod was mutated')
  t.same(docs[0], viaServer)
  t.same(viaServer, docs[0], 'identical both ways (no extra fields on either side)')
})
