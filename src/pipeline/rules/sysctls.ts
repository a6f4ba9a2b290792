/*
 * Pod Security baseline (so restricted) "sysctls", as k8s.io/pod-security-admission
 * policy/check_sysctls.go of the pinned release (v1.34, the 1.32+ set):
 *
 *   Sysctls can disable security mechanisms or affect all containers on a host, and should be
 *   disallowed except for an allowed "safe" subset. A sysctl is considered safe if it is
 *   namespaced in the container or the Pod, and it is isolated from other Pods or processes on
 *   the same Node.
 *
 *   Restricted fields:
 *     spec.securityContext.sysctls[*].name
 *   Allowed values: the names in SAFE_SYSCTLS below
 */
import type { Rule } from './rule.js'

export const SAFE_SYSCTLS: ReadonlySet<string> = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports', // 1.27
  'net.ipv4.tcp_keepalive_time', // 1.29
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem', // 1.32
  'net.ipv4.tcp_wmem',
])

export const sysctls: Rule = {
  id: 'sysctls',
  appliesOnUpdate: false,
  summary: 'pods may set only the Pod Security safe sysctls',
  check: ({ spec }) => (spec.securityContext?.sysctls ?? []).flatMap((sysctl, i) => SAFE_SYSCTLS.has(sysctl.name)
    ? []
    : [{ path: `spec.securityContext.sysctls[${i}].name`, reason: `${sysctl.name} is not a safe sysctl` }]),
}
