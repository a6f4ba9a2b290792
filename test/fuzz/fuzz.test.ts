// make fuzz: FUZZ_CASES (default 100000) hostile requests against a real serve; prints the counts.
import t from 'tap'
import { fuzz, summary } from './run.js'

const cases = Number(process.env.FUZZ_CASES ?? 100_000)
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000)
const report = await fuzz({ cases, seed, concurrency: 16, rssLimitBytes: 256 * 1024 * 1024 })
t.comment(`seed ${seed}\n${summary(report)}`)
t.equal(report.sent, cases, 'every case sent')
t.same(report.failures, [], 'no crash, no 5xx, every review answered, every must-deny pod denied, every patch applied, RSS under 256 MiB')
t.ok(report.answered > 0 && report.denied > 0 && report.patchesApplied > 0, 'the oracles were exercised')

