import type { Rule } from './rule.js'

export const resources: Rule = {
  id: 'resources',
  appliesOnUpdate: false,
  summary: 'every container needs cpu and memory requests and a memory limit',
  // Debug (ephemeral) containers may not have resources: they share the pod's.
  check: ({ containers }) => containers.flatMap(({ container, list, path }) => {
    if (list === 'ephemeralContainers') return []
    const r = container.resources
    const missing = [
      r?.requests?.cpu === undefined ? 'requests.cpu' : undefined,
      r?.requests?.memory === undefined ? 'requests.memory' : undefined,
      r?.limits?.memory === undefined ? 'limits.memory' : undefined,
    ].filter((m) => m !== undefined)
    return missing.length ? [{ path: `${path}.resources`, reason: `missing ${missing.join(', ')}` }] : []
  }),
}
