#!/usr/bin/env node
// Runs the test stages in order, streams their TAP, and ends with the one line CI reads:
// "N passed, N failed". Usage: node scripts/test.mjs [stage ...]  (default: all stages)
import { spawn } from 'node:child_process'

// Each stage is a tap run over one folder of test/. A stage's set-up (helm, nginx, the control
// plane) is installed by its make target in mk/<area>.mk before this script runs.
const stages = {
  // src/ and test/ type-checked under the same strict settings, then linted; one test each
  static: [['npx', ['tsc', '-p', 'tsconfig.test.json']], ['npx', ['eslint', 'src', 'test', 'bench', 'scripts', 'bin']]],
  unit: ['npx', ['tap', '--reporter=tap', 'test/unit']],
  charts: ['npx', ['tap', '--reporter=tap', 'test/charts']],
  runtime: ['npx', ['tap', '--reporter=tap', '--jobs=1', 'test/runtime']],
  // the control plane is started for the stage and always stopped after it (scripts/testenv/e2e.sh)
  e2e: ['bash', ['scripts/testenv/e2e.sh', 'test/e2e']],
}

const summaryLine = /^# \{ total: (\d+)(?:, pass: (\d+))?(?:, fail: (\d+))?/m

// A stage of plain commands (no TAP): each command that exits 0 is one passed test.
async function runCommands(name, commands) {
  console.log(`\n=== stage ${name}`)
  let passed = 0
  let failed = 0
  for (const [cmd, args] of commands) {
    const code = await new Promise((resolve) => spawn(cmd, args, { stdio: 'inherit' }).on('close', resolve))
    console.log(`${code === 0 ? 'ok' : 'not ok'} - ${cmd} ${args.join(' ')}`)
    if (code === 0) passed++
    else failed++
  }
  return { name, passed, failed }
}

function runStage(name, [cmd, args]) {
  return new Promise((resolve) => {
    console.log(`\n=== stage ${name}: ${cmd} ${args.join(' ')}`)
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (chunk) => { out += chunk; process.stdout.write(chunk) })
    child.on('close', (code) => {
      const m = summaryLine.exec(out)
      const passed = m ? Number(m[2] ?? 0) : 0
      let failed = m ? Number(m[3] ?? 0) : 0
      // A stage that crashed or exited non-zero without reporting a failure still counts as one.
      if (code !== 0 && failed === 0) failed = 1
      resolve({ name, passed, failed })
    })
  })
}

const wanted = process.argv.slice(2)
const unknown = wanted.filter((s) => !(s in stages))
if (unknown.length) {
  console.error(`unknown stage(s): ${unknown.join(', ')}; stages are: ${Object.keys(stages).join(', ')}`)
  process.exit(2)
}
const results = []
for (const name of wanted.length ? wanted : Object.keys(stages)) results.push(await (Array.isArray(stages[name][0]) ? runCommands(name, stages[name]) : runStage(name, stages[name])))

console.log('\n=== summary')
for (const r of results) console.log(`${r.name.padEnd(8)} ${r.passed} passed, ${r.failed} failed`)
const passed = results.reduce((n, r) => n + r.passed, 0)
const failed = results.reduce((n, r) => n + r.failed, 0)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
