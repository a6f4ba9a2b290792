#!/usr/bin/env node
// `store-admission check` against the upstream Pod Security evaluator in Go (.testenv/bin/pss-eval,
// `make pss-eval`: JSON pods one per line on stdin, one JSON verdict per line out) on the same
// generated pods: objects/s for the whole process, and per object once the start-up (a run of one
// pod) is taken off. Runs alternate, the medians are reported.
// Usage: node bench/check.mjs [--pods N] [--rounds N]
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { stringify } from 'yaml'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const PSS_EVAL = join(ROOT, '.testenv/bin/pss-eval')
const { values } = parseArgs({ options: { pods: { type: 'string' }, rounds: { type: 'string' } } })
const PODS = Number(values.pods ?? 3000)
const ROUNDS = Number(values.rounds ?? 3)
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
function inputs(n) {
  const pods = Array.from({ length: n }, (_, i) => pod(i))
  const yamlFile = join(work, `pods-${n}.yaml`)
  writeFileSync(yamlFile, pods.map((p) => stringify(p)).join('---\n'))
  return { yamlFile, lines: `${pods.map((p) => JSON.stringify(p)).join('\n')}\n` }
}

function timed(run) {
  const started = performance.now()
  const r = run()
  if (r.error) throw r.error
  return (performance.now() - started) / 1000
}

const tools = {
  check: ({ yamlFile }) => spawnSync(process.execPath, [join(ROOT, 'bin/store-admission.js'), 'check', '-f', yamlFile, '--namespace-labels', 'store.platform.io/tenant=acme', '-o', 'json'], { maxBuffer: 1 << 28 }),
  'pss-eval': ({ lines }) => spawnSync(PSS_EVAL, [], { input: lines, maxBuffer: 1 << 28 }),
}
const many = inputs(PODS)
const one = inputs(1)
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const times = Object.fromEntries(Object.keys(tools).map((k) => [k, { many: [], one: [] }]))
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries(tools)) {
    times[name].one.push(timed(() => run(one)))
    times[name].many.push(timed(() => run(many)))
  }
}
const rows = Object.entries(times).map(([name, t]) => {
  const many = median(t.many)
  const start = median(t.one)
  return { name, perSecond: PODS / many, perObject: PODS / Math.max(many - start, 1e-6), start }
})
const [check, pss] = rows
const f = (n) => n.toFixed(0)
process.stdout.write([
  `| tool (${PODS} pods) | objects/s, whole process | objects/s, start-up taken off | start-up s |`,
  '| --- | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.name} | ${f(r.perSecond)} | ${f(r.perObject)} | ${r.start.toFixed(2)} |`),
  `| check / pss-eval | ${f(100 * check.perSecond / pss.perSecond)}% | ${f(100 * check.perObject / pss.perObject)}% | |`,
].join('\n') + '\n')
