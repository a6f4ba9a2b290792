import type { Rule } from './rule.js'

export const serviceAccountToken: Rule = {
  id: 'service-account-token',
  appliesOnUpdate: false,
  summary: 'store pods must not automount a service account token',
  check: ({ spec }) => spec.automountServiceAccountToken === true
    ? [{ path: 'spec.automountServiceAccountToken', reason: 'must not be true on a store pod' }]
    : [],
}
