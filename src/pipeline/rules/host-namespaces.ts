import type { Rule } from './rule.js'

const FIELDS = ['hostNetwork', 'hostPID', 'hostIPC'] as const

export const hostNamespaces: Rule = {
  id: 'host-namespaces',
  appliesOnUpdate: false,
  summary: 'pods must not share the host network, PID or IPC namespace',
  check: ({ spec }) => FIELDS
    .filter((field) => spec[field] === true)
    .map((field) => ({ path: `spec.${field}`, reason: 'must not be true' })),
}
