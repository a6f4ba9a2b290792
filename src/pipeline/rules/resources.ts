import type { Rule } from './rule.js'

export const resources: Rule = {
  id: 'resources',
  message: 'every container needs cpu and memory requests and a memory limit',
  check: ({ containers }) => containers.flatMap(({ container, path }) => {
    const r = container.resources
    const missing = [
      r?.requests?.cpu === undefined ? 'requests.cpu' : undefined,
      r?.requests?.memory === undefined ? 'requests.memory' : undefined,
      r?.limits?.memory === undefined ? 'limits.memory' : undefined,
    ].filter((m) => m !== undefined)
    return missing.length ? [{ path: `${path}.resources`, reason: `missing ${missing.join(', ')}` }] : []
  }),
}
