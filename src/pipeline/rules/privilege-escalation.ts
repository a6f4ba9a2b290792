import { isWindowsPod } from '../pod.js'
import type { Rule } from './rule.js'

export const privilegeEscalation: Rule = {
  id: 'privilege-escalation',
  appliesOnUpdate: false,
  summary: 'every container must set allowPrivilegeEscalation: false',
  // Skipped for Windows pods, as Pod Security does (1.25+): the API server refuses the field there.
  check: ({ spec, containers }) => isWindowsPod(spec) ? [] : containers.flatMap(({ container, path }) => {
    const value = container.securityContext?.allowPrivilegeEscalation
    if (value === false) return []
    return [{ path: `${path}.securityContext.allowPrivilegeEscalation`, reason: `must be false (is ${value ?? 'unset'})` }]
  }),
}
