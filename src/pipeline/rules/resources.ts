import type { Rule } from './rule.js'

export const resources: Rule = {
  id: 'resources',
  appliesOnUpdate: false,
  summary: 'every container needs cpu and memory requests and a memory limit',
  // Debug (ephemeral) containers may not have resources: they share the pod's.
  check: ({ containers }) => containers.flatMap(({ container, list, path }) => {
    if (list === 'ephemeralContainers') return []
    const r = container.resources
    const missing: string[] = []
    if (r?.requests?.cpu === undefined) missing.push('requests.cpu')
    if (r?.requests?.memory === undefined) missing.push('requests.memory')
    if (r?.limits?.memory === undefined) missing.push('limits.memory')
    return missing.length ? [{ path: `${path}.resources`, reason: `missing ${missing.join(', ')}` }] : []
  }),
}
