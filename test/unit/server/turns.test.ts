// Large bodies are parsed and judged one at a time: a turn starts only when the one before ends,
// on a later turn of the event loop, and a turn given up (the client went away) is passed on.
import t from 'tap'
import { TurnEnded, Turns } from '../../../src/server/turns.js'

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

t.test('one turn at a time, in arrival order', async (t) => {
  const turns = new Turns()
  const started: string[] = []
  const [a, b, c] = [turns.turn(), turns.turn(), turns.turn()]
  const waits = [a, b, c].map((turn, i) => turn.wait().then(() => { started.push('abc'[i] ?? '?') }))
  await tick()
  await tick()
  t.same(started, ['a'], 'b and c wait while a runs')
  a.end()
  await waits[1]
  t.same(started, ['a', 'b'])
  b.end()
  b.end()
  await waits[2]
  t.same(started, ['a', 'b', 'c'], 'ending twice passes the turn on once')
  c.end()
})

t.test('a turn does not start in the same tick it is freed: pending I/O is served first', async (t) => {
  const turns = new Turns()
  const a = turns.turn()
  await a.wait()
  let bStarted = false
  const b = turns.turn()
  const waiting = b.wait().then(() => { bStarted = true })
  a.end()
  await Promise.resolve()
  t.notOk(bStarted, 'not on a microtask after the end')
  await waiting
  t.ok(bStarted, 'on the next turn of the event loop')
  b.end()
})

t.test('a queued turn given up leaves the queue; one given up as it was about to start passes it on', async (t) => {
  const turns = new Turns()
  const a = turns.turn()
  await a.wait()
  const gone = turns.turn()
  let goneStarted = false
  void gone.wait().then(() => { goneStarted = true })
  const b = turns.turn()
  const bWaits = b.wait()
  gone.end()
  a.end()
  await bWaits
  t.notOk(goneStarted, 'the turn given up never starts')
  // b holds the turn; c is next. c is scheduled the moment b ends, then given up before it starts.
  const c = turns.turn()
  let cStarted = false
  void c.wait().then(() => { cStarted = true })
  const d = turns.turn()
  const dWaits = d.wait()
  b.end()
  c.end()
  await dWaits
  t.notOk(cStarted)
  t.pass('d still gets its turn')
  d.end()
  await t.rejects(d.wait(), /already ended/, 'a turn is waited for once')
})

t.test('a pause lets the event loop serve what is pending, and keeps the turn', async (t) => {
  const turns = new Turns()
  const a = turns.turn()
  await a.wait()
  const b = turns.turn()
  let bStarted = false
  const bWaits = b.wait().then(() => { bStarted = true })
  // Pending I/O stands in here as a callback queued for the next turn of the event loop.
  let served = false
  setImmediate(() => { served = true })
  await a.pause()
  t.ok(served, 'what was pending ran during the pause')
  await a.pause()
  await a.pause()
  t.notOk(bStarted, 'no other turn starts while one pauses')
  a.end()
  await bWaits
  t.ok(bStarted, 'the next turn starts once the paused one ends')
  b.end()
})

t.test('a turn ended during its pause does not go on: the pause rejects, and the next turn has started', async (t) => {
  const turns = new Turns()
  const a = turns.turn()
  await a.wait()
  const b = turns.turn()
  const bWaits = b.wait()
  // The client goes away while the large body's work is paused between two phases.
  const paused = a.pause()
  a.end()
  const refused = await paused.then(() => undefined, (err: unknown) => err)
  t.ok(refused instanceof TurnEnded, 'no more work for a body whose turn was given up')
  await bWaits
  await b.pause()
  t.pass('the next turn runs and pauses normally')
  b.end()
})
