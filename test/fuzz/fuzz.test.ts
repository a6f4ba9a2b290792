// make fuzz: FUZZ_CASES (default 100000) hostile requests against a real serve; prints the counts.
import t from 'tap'
import { hostileLoad } from './hostile-load.js'
import { fuzz, startServe, summary } from './run.js'

const cases = Number(process.env.FUZZ_CASES ?? 100_000)
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000)
const report = await fuzz({ cases, seed, concurrency: 16, rssLimitBytes: 256 * 1024 * 1024 })
t.comment(`seed ${seed}\n${summary(report)}`)
t.equal(report.sent, cases, 'every case sent')
t.same(report.failures, [], 'no crash, no 5xx, every review answered, every must-deny pod denied, every patch applied, RSS under 256 MiB')
t.ok(report.answered > 0 && report.denied > 0 && report.patchesApplied > 0, 'the oracles were exercised')

t.test('normal reviews under 100 ms p99 and RSS under 256 MiB while hostile clients send large and deep bodies', async (t) => {
  const server = await startServe()
  t.teardown(() => server.stop())
  const load = await hostileLoad(server, { large: 32, deep: 12, seconds: 20 })
  t.comment(`hostile load: ${load.normal} normal reviews p50 ${load.p50} ms, p99 ${load.p99} ms, max ${load.max} ms; ${load.hostile} hostile requests ${JSON.stringify(load.hostileStatus)}; max RSS ${(load.maxRssBytes / 1048576).toFixed(1)} MiB`)
  t.ok(load.normal > 100, 'normal reviews were answered')
  t.ok(load.p99 < 100, `p99 ${load.p99} ms under 100 ms`)
  t.ok(load.maxRssBytes < 256 * 1024 * 1024, 'RSS under 256 MiB')
  t.notOk(server.exited(), 'serve still running')
})
