// Exceptions are honoured identically by `check`, the audit and POST /validate: the same policy
// file (one exception in force, one expired) gives the same verdicts, denials and warnings.
import t from 'tap'
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import fjp from 'fast-json-patch'
import type { Operation } from 'fast-json-patch'
import type { KubernetesObject } from '@kubernetes/client-node'
import { stringify } from 'yaml'
import { auditSnapshot } from '../../../src/audit/judge.js'
import { snapshotOf } from '../../../src/audit/snapshot.js'
import { formatWarnings, type Violation } from '../../../src/pipeline/index.js'
import { loadPolicyFile } from '../../../src/policy/parse.js'
import { REPO, admissionReview, fixtureJson, responseOf, startTestServer, tempDir } from './fixtures/harness.js'

type Obj = Record<string, unknown>
const run = promisify(execFile)
const CLI = join(REPO, 'bin/store-admission.js')
const dir = tempDir()
const policyFile = join(dir, 'policy.yaml')
writeFileSync(policyFile, stringify({
  exceptions: [
    { namespace: 'acme', name: 'rogue-*', kind: '*', rules: ['privileged', 'host-namespaces'], expires: '2099-01-01T00:00:00Z', reason: 'PARITY-1' },
    { namespace: 'acme', name: 'old-*', kind: '*', rules: ['privileged', 'host-namespaces'], expires: '2020-01-01T00:00:00Z', reason: 'PARITY-2 (expired)' },
  ],
}))
const server = await startTestServer({ policy: policyFile })
t.teardown(() => server.close())

const bad = fixtureJson('bad-pod.json') as { metadata: Obj; spec: Obj }
const named = (name: string): Obj => ({ ...structuredClone(bad), metadata: { ...bad.metadata, name, namespace: 'acme' } })
const deployment = (name: string): Obj => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'acme', uid: name },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: bad.metadata.labels }, spec: structuredClone(bad.spec) } },
})
const objects: Obj[] = [named('rogue-pod'), named('old-pod'), named('other-pod'), deployment('rogue-web'), deployment('old-web')]

interface Verdict { allowed: boolean; denials: string[]; warnings: string[] }
const line = (v: Violation): string => `${v.rule}: ${v.path}: ${v.message}`
const verdictOf = (r: { allowed: boolean; violations: Violation[]; warnings: Violation[] }): Verdict =>
  ({ allowed: r.allowed, denials: r.violations.map(line).sort(), warnings: formatWarnings(r.warnings).sort() })

/** What the API server stores (a Pod after /mutate) and /validate's verdict on it. */
async function viaServer(obj: Obj): Promise<{ stored: Obj; verdict: Verdict }> {
  let stored = obj
  if (obj.kind === 'Pod') {
    const m = responseOf(await server.call('POST', '/mutate', admissionReview(obj).review))
    if (m.patch !== undefined) stored = fjp.applyPatch(structuredClone(obj), JSON.parse(Buffer.from(m.patch as string, 'base64').toString()) as Operation[], true, false).newDocument
  }
  const r = responseOf(await server.call('POST', '/validate', admissionReview(stored).review))
  const message = (r.status as { message?: string } | undefined)?.message
  return { stored, verdict: { allowed: r.allowed as boolean, denials: message ? message.split('\n').sort() : [], warnings: ((r.warnings as string[] | undefined) ?? []).sort() } }
}

t.test('check, audit and /validate agree under exceptions', async (t) => {
  const file = join(dir, 'objects.yaml')
  writeFileSync(file, objects.map((o) => stringify(o)).join('---\n'))
  const out = await run(process.execPath, [CLI, 'check', '-f', file, '-o', 'json', '--policy', policyFile, '--namespace-labels', 'store.platform.io/tenant=acme'])
    .catch((err: { stdout: string }) => err)
  const checked = (JSON.parse(out.stdout) as { results: { kind: string; name: string; allowed: boolean; violations: Violation[]; warnings: Violation[] }[] }).results
  const server = await Promise.all(objects.map(viaServer))
  const stored = server.map((s) => ({ ...s.stored, kind: s.stored.kind as string, metadata: { ...(s.stored.metadata as Obj), uid: String((s.stored.metadata as Obj).name) } }) as KubernetesObject)
  const policy = await loadPolicyFile(policyFile)
  const audited = auditSnapshot(snapshotOf([{ metadata: { name: 'acme', labels: { 'store.platform.io/tenant': 'acme' } } }], stored, []), policy, new Date())
  t.equal(audited.expired.length, 1, 'the audit reports the expired exception')
  let excepted = 0
  objects.forEach((obj, i) => {
    const name = String((obj.metadata as Obj).name)
    const fromServer = server[i]!.verdict
    const fromCheck = checked.find((r) => r.kind === obj.kind && r.name === name)
    const fromAudit = audited.objects.find((r) => r.kind === obj.kind && r.name === name)
    if (!fromCheck || !fromAudit) return t.fail(`${name} judged by check and audit`)
    t.same(verdictOf(fromCheck), fromServer, `${obj.kind}/${name}: check = /validate`)
    t.same(verdictOf(fromAudit), fromServer, `${obj.kind}/${name}: audit = /validate`)
    excepted += fromCheck.warnings.filter((w) => w.exception).length
    if (name.startsWith('rogue-')) t.ok(fromServer.warnings.some((w) => w.startsWith('exception ') && w.endsWith('PARITY-1')), `${name}: a warning names the exception`)
    else t.notOk(fromServer.warnings.some((w) => w.startsWith('exception ')), `${name}: no exception applies`)
  })
  t.ok(excepted >= 4, `denials were excepted (${excepted})`)
})
