import type { Rule } from './rule.js'

export const privilegeEscalation: Rule = {
  id: 'privilege-escalation',
  appliesOnUpdate: false,
  summary: 'every container must set allowPrivilegeEscalation: false',
  check: ({ containers }) => containers.flatMap(({ container, path }) => {
    const value = container.securityContext?.allowPrivilegeEscalation
    if (value === false) return []
    return [{ path: `${path}.securityContext.allowPrivilegeEscalation`, reason: `must be false (is ${value ?? 'unset'})` }]
  }),
}
