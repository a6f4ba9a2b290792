/*
 * Pod Security baseline (so restricted) "procMount", as k8s.io/pod-security-admission
 * policy/check_procMount.go of the pinned release (v1.34):
 *
 *   The default /proc masks are set up to reduce attack surface, and should be required.
 *
 *   Restricted fields:
 *     spec.containers[*].securityContext.procMount
 *     spec.initContainers[*].securityContext.procMount
 *     (and spec.ephemeralContainers[*]: upstream visits every container)
 *   Allowed values: undefined/null, "Default"
 *
 * Upstream allows any value in a user-namespace pod (hostUsers: false) only when the API server
 * runs with the UserNamespacesPodSecurityStandards feature gate, off by default: not relaxed here.
 */
import type { Rule } from './rule.js'

export const procMount: Rule = {
  id: 'proc-mount',
  appliesOnUpdate: false,
  summary: 'containers must not set procMount other than Default',
  check: ({ containers }) => containers.flatMap(({ container, path }) => {
    const value = container.securityContext?.procMount
    if (value === undefined || value === null || value === 'Default') return []
    return [{ path: `${path}.securityContext.procMount`, reason: `must be Default or unset (is ${value})` }]
  }),
}
