#!/usr/bin/env node
// `store-admission check` against the upstream Pod Security evaluator in Go (.testenv/bin/pss-eval,
// `make pss-eval`) on the same generated pods, each tool reading JSON: check a `kubectl get -o json`
// List, pss-eval one pod per line (all it reads). check is also run on the same pods as
// multi-document YAML (what `helm template` prints, no aliases), and `node -e 0` gives Node's
// start-up floor. Objects/s for the whole process, and per object once the start-up (a run of one
// pod) is taken off. Runs alternate; the medians are reported, then whether issue 16's targets are met.
// Usage: node bench/check.mjs [--pods N] [--rounds N]
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { stringify } from 'yaml'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const PSS_EVAL = join(ROOT, '.testenv/bin/pss-eval')
const CLI = join(ROOT, 'bin/store-admission.js')
const { values } = parseArgs({ options: { pods: { type: 'string' }, rounds: { type: 'string' } } })
const PODS = Number(values.pods ?? 3000)
const ROUNDS = Number(values.rounds ?? 5)
// Issue 16 (c): at least this many objects/s for a whole `check` run, and per object at least this
// share of pss-eval's speed.
const TARGET_WHOLE = 5000
const TARGET_SHARE = 0.5
if (!existsSync(PSS_EVAL)) throw new Error(`${PSS_EVAL} is missing: run \`make pss-eval\``)

/** Pod `i`: a storefront-like pod, compliant or with one of a few faults, as CI would see them. */
function pod(i) {
  const restricted = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true }
  const container = (name, image) => ({ name, image, securityContext: { ...restricted }, resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } } })
  const spec = {
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: 33, runAsGroup: 33, fsGroup: 33, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [container('bagisto', `registry.example.com/bagisto:2.3.${i % 10}`), container('nginx', 'registry.example.com/nginx:1.27')],
  }
  const fault = i % 4
  if (fault === 1) spec.containers[0].securityContext.privileged = true
  if (fault === 2) spec.hostNetwork = true
  if (fault === 3) delete spec.securityContext.runAsNonRoot
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: `shop-${i}`, namespace: 'acme', labels: { 'store.platform.io/tenant': 'acme', app: 'shop' } },
    spec,
  }
}

const work = mkdtempSync(join(tmpdir(), 'store-admission-bench-check-'))
process.on('exit', () => rmSync(work, { recursive: true, force: true }))
function inputs(n) {
  const pods = Array.from({ length: n }, (_, i) => pod(i))
  const yamlFile = join(work, `pods-${n}.yaml`)
  const jsonFile = join(work, `pods-${n}.json`)
  // As helm template and kubectl print them: no YAML aliases, an indented JSON List.
  writeFileSync(yamlFile, pods.map((p) => stringify(p, { aliasDuplicateObjects: false })).join('---\n'))
  writeFileSync(jsonFile, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: pods }, null, 4))
  return { yamlFile, jsonFile, lines: `${pods.map((p) => JSON.stringify(p)).join('\n')}\n` }
}

function timed(run) {
  const started = performance.now()
  const r = run()
  if (r.error) throw r.error
  if (r.status !== 0 && r.status !== 1) throw new Error(`exit ${r.status}: ${r.stderr}`)
  return (performance.now() - started) / 1000
}

const checkRun = (file) => spawnSync(process.execPath, [CLI, 'check', '-f', file, '--namespace-labels', 'store.platform.io/tenant=acme', '-o', 'json'], { maxBuffer: 1 << 28 })
const tools = {
  'check, JSON List': ({ jsonFile }) => checkRun(jsonFile),
  'pss-eval, JSON lines': ({ lines }) => spawnSync(PSS_EVAL, [], { input: lines, maxBuffer: 1 << 28 }),
  'check, multi-document YAML': ({ yamlFile }) => checkRun(yamlFile),
}
const many = inputs(PODS)
const one = inputs(1)
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const times = Object.fromEntries(Object.keys(tools).map((k) => [k, { many: [], one: [] }]))
const floor = []
for (let round = 0; round < ROUNDS; round++) {
  floor.push(timed(() => spawnSync(process.execPath, ['-e', '0'])))
  for (const [name, run] of Object.entries(tools)) {
    times[name].one.push(timed(() => run(one)))
    times[name].many.push(timed(() => run(many)))
  }
}
const rows = Object.entries(times).map(([name, t]) => {
  const whole = median(t.many)
  const start = median(t.one)
  return { name, perSecond: PODS / whole, perObject: PODS / Math.max(whole - start, 1e-6), start }
})
const [checkJson, pss, checkYaml] = rows
const f = (n) => Math.round(n).toLocaleString('en-US')
const pct = (a, b) => `${Math.round(100 * a / b)}%`
const met = (ok) => (ok ? 'met' : 'NOT met')
const shareJson = checkJson.perObject / pss.perObject
process.stdout.write([
  `| tool (${PODS} pods) | objects/s, whole process | objects/s, start-up taken off | start-up s |`,
  '| --- | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.name} | ${f(r.perSecond)} | ${f(r.perObject)} | ${r.start.toFixed(2)} |`),
  `| check / pss-eval, both JSON | ${pct(checkJson.perSecond, pss.perSecond)} | ${pct(checkJson.perObject, pss.perObject)} | |`,
  `| \`node -e 0\` (Node's start-up floor) | | | ${median(floor).toFixed(2)} |`,
  '',
  `Targets (issue 16): whole process >= ${f(TARGET_WHOLE)} objects/s: ${met(checkYaml.perSecond >= TARGET_WHOLE)} on YAML (${f(checkYaml.perSecond)}), ` +
    `${met(checkJson.perSecond >= TARGET_WHOLE)} on JSON (${f(checkJson.perSecond)}); per object >= ${pct(TARGET_SHARE, 1)} of pss-eval on the same JSON: ` +
    `${met(shareJson >= TARGET_SHARE)} (${pct(shareJson, 1)}).`,
].join('\n') + '\n')
