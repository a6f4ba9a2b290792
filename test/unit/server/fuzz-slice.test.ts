// A bounded slice of `make fuzz` (test/fuzz): a few thousand hostile requests against a real serve.
import t from 'tap'
import { fuzz, summary } from '../../fuzz/run.js'

const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000)
const report = await fuzz({ cases: 3000, seed, concurrency: 8, rssLimitBytes: 256 * 1024 * 1024 })
t.comment(`seed ${seed}\n${summary(report)}`)
t.equal(report.sent, 3000, 'every case sent')
t.same(report.failures, [], 'no crash, no 5xx, every review answered, every must-deny pod denied, every patch applied, RSS under 256 MiB')
t.ok(report.answered > 0 && report.denied > 0 && report.patchesApplied > 0, 'the oracles were exercised')
