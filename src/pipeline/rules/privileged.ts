import type { Rule } from './rule.js'

export const privileged: Rule = {
  id: 'privileged',
  appliesOnUpdate: false,
  summary: 'containers must not be privileged',
  check: ({ containers }) => containers
    .filter(({ container }) => container.securityContext?.privileged === true)
    .map(({ path }) => ({ path: `${path}.securityContext.privileged`, reason: 'must not be true' })),
}
