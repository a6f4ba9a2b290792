/*
 * Pod Security baseline (so restricted) "seLinuxOptions", as k8s.io/pod-security-admission
 * policy/check_seLinuxOptions.go of the pinned release (v1.34, the 1.31+ version):
 *
 *   Setting the SELinux type is restricted, and setting a custom SELinux user or role option is
 *   forbidden.
 *
 *   Restricted fields:
 *     spec.securityContext.seLinuxOptions.type
 *     spec.containers[*].securityContext.seLinuxOptions.type
 *     spec.initContainers[*].securityContext.seLinuxOptions.type
 *     (and spec.ephemeralContainers[*]: upstream visits every container)
 *   Allowed values: undefined/empty, container_t, container_init_t, container_kvm_t,
 *     container_engine_t (added in 1.31)
 *
 *   Restricted fields: the same paths' seLinuxOptions.user and seLinuxOptions.role
 *   Allowed values: undefined/empty
 */
import type { Finding, Rule } from './rule.js'
import { settingsOf } from './settings.js'

export const ALLOWED_SELINUX_TYPES: ReadonlySet<string> = new Set(['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'])

export const selinux: Rule = {
  id: 'selinux',
  appliesOnUpdate: false,
  summary: `seLinuxOptions may set only type ${[...ALLOWED_SELINUX_TYPES].join(', ')}, and no user or role`,
  check: (view) => settingsOf(view, (sc) => sc.seLinuxOptions).flatMap(({ at, value }): Finding[] => {
    const findings: Finding[] = []
    if (value.type && !ALLOWED_SELINUX_TYPES.has(value.type)) {
      findings.push({ path: `${at}.seLinuxOptions.type`, reason: `type ${value.type} is not allowed (allowed: ${[...ALLOWED_SELINUX_TYPES].join(', ')})` })
    }
    for (const field of ['user', 'role'] as const) {
      const set = value[field]
      if (set) findings.push({ path: `${at}.seLinuxOptions.${field}`, reason: `must not be set (is ${set})` })
    }
    return findings
  }),
}
