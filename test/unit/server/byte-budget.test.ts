// The in-flight body budget: what fits goes at once, the rest waits its turn or times out.
import t from 'tap'
import { ByteBudget } from '../../../src/server/byte-budget.js'

t.test('small requests pass a waiting large one; a large one waits for room; one is always let in', async (t) => {
  const budget = new ByteBudget(100)
  const huge = await budget.acquire(500, 10)
  t.pass('alone, a request over the whole budget is let in')
  let bigIn = false
  const big = budget.acquire(90, 1000).then((release) => { bigIn = true; return release })
  await new Promise((r) => setTimeout(r, 20))
  t.notOk(bigIn, 'waits while the budget is spent')
  huge()
  const release = await big
  t.ok(bigIn, 'let in once room is freed')
  const small = await budget.acquire(10, 10)
  t.pass('a small one fits beside it at once')
  await t.rejects(budget.acquire(50, 30), /already in flight/, 'times out when no room comes')
  release()
  small()
  small()
  const again = await budget.acquire(100, 10)
  t.pass('releasing twice frees the bytes once, and the full budget is free again')
  again()
})
