// largerQuantity: the larger of a pod's own quantity and the policy's default, by value.
import t from 'tap'
import { largerQuantity } from '../../../src/pipeline/quantity.js'

t.test('compares by value across suffixes', async (t) => {
  t.equal(largerQuantity('1Gi', '512Mi'), '1Gi')
  t.equal(largerQuantity('500Mi', '512Mi'), '512Mi')
  t.equal(largerQuantity('1.5', '1000m'), '1.5')
  t.equal(largerQuantity('250m', '0.5'), '0.5')
  t.equal(largerQuantity('2e3', '1k'), '2e3')
  t.equal(largerQuantity(undefined, '128Mi'), '128Mi')
})

t.test('an unparsable quantity gives the default, also one whose suffix is an Object key', async (t) => {
  for (const odd of ['1constructor', '1__proto__', '1toString', '1hasOwnProperty', 'lots', '1Xi', '', '1 Gi'])
    t.equal(largerQuantity(odd, '128Mi'), '128Mi', odd)
})
