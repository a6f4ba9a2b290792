// Bounds on what a client controls: nesting depth found before parsing, metric label values.
import t from 'tap'
import { nestsDeeperThan } from '../../../src/server/json-depth.js'
import { kindLabel, operationLabel } from '../../../src/server/metric-labels.js'

t.test('nestsDeeperThan counts objects and arrays, not brackets inside strings', async (t) => {
  t.notOk(nestsDeeperThan('{"a":[{"b":1}]}', 3))
  t.ok(nestsDeeperThan('{"a":[{"b":[1]}]}', 3))
  t.notOk(nestsDeeperThan(JSON.stringify({ a: '[[[[[[{{{{{{', b: '\\"[[[[' }), 1), 'brackets in strings, escaped quotes')
  t.ok(nestsDeeperThan('['.repeat(100_000), 64), 'unbalanced deep text')
  t.notOk(nestsDeeperThan('', 0))
})

t.test('metric labels: known kinds and operations, else other', async (t) => {
  t.equal(kindLabel('Deployment'), 'Deployment')
  t.equal(kindLabel('MadeUp-' + 'x'.repeat(1000)), 'other')
  t.equal(kindLabel('__proto__'), 'other')
  t.equal(kindLabel({ kind: 'Pod' }), 'other')
  t.equal(operationLabel('UPDATE'), 'UPDATE')
  t.equal(operationLabel('PATCH'), 'other')
})
