// Bounds on what a client controls: nesting depth and container count found before parsing,
// metric label values.
import t from 'tap'
import { jsonOutOfBounds } from '../../../src/server/json-bounds.js'
import { kindLabel, operationLabel } from '../../../src/server/metric-labels.js'

t.test('jsonOutOfBounds counts the nesting and the objects and arrays, not brackets inside strings', async (t) => {
  const check = (text: string, maxDepth: number, maxContainers = 1000): string | undefined => jsonOutOfBounds(Buffer.from(text), { maxDepth, maxContainers })
  t.equal(check('{"a":[{"b":1}]}', 3), undefined)
  t.match(check('{"a":[{"b":[1]}]}', 3), /nests deeper than 3 levels/)
  t.equal(check(JSON.stringify({ a: '[[[[[[{{{{{{', b: '\\"[[[[', c: `${'x'.repeat(100)}\\"[[{{` }), 1), undefined, 'brackets in short and long strings, escaped quotes')
  t.equal(check(`["${'x'.repeat(50)}\\\\", [[]]]`, 3), undefined, 'an escaped backslash before a closing quote (long string)')
  t.match(check(`["${'x'.repeat(50)}\\\\", [[[]]]]`, 3), /nests deeper than 3/, 'and the nesting after it still counts')
  t.equal(check('"é💥\\u0022[[[["', 0), undefined, 'multi-byte characters and a \\u escape inside a string')
  t.match(check('['.repeat(100_000), 64), /deeper than 64/, 'unbalanced deep text')
  t.equal(check('', 0), undefined)
  t.equal(check('["unterminated [[[[', 1), undefined, 'an unterminated string is left to JSON.parse')
  t.equal(check('[[],[],{}]', 2, 4), undefined, 'four containers, four allowed')
  t.match(check('[[],[],{},[]]', 2, 4), /holds more than 4 objects and arrays/, 'one more is refused, whatever the depth')
})

t.test('metric labels: known kinds and operations, else other', async (t) => {
  t.equal(kindLabel('Deployment'), 'Deployment')
  for (const kind of ['Service', 'NetworkPolicy', 'PodDisruptionBudget', 'Ingress']) t.equal(kindLabel(kind), kind, `${kind}: a kind the shared webhook sends`)
  t.equal(kindLabel('MadeUp-' + 'x'.repeat(1000)), 'other')
  t.equal(kindLabel('__proto__'), 'other')
  t.equal(kindLabel({ kind: 'Pod' }), 'other')
  t.equal(operationLabel('UPDATE'), 'UPDATE')
  t.equal(operationLabel('PATCH'), 'other')
})
