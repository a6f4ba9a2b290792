import type { Rule } from './rule.js'

const MAY_ADD = new Set(['NET_BIND_SERVICE'])

export const capabilities: Rule = {
  id: 'capabilities',
  appliesOnUpdate: false,
  summary: 'containers must drop ALL capabilities and may add only NET_BIND_SERVICE',
  check: ({ containers }) => containers.flatMap(({ container, path }) => {
    const caps = container.securityContext?.capabilities
    const at = `${path}.securityContext.capabilities`
    const added = (caps?.add ?? []).filter((cap) => !MAY_ADD.has(cap))
    return [
      ...(added.length ? [{ path: `${at}.add`, reason: `may only add NET_BIND_SERVICE (adds ${added.join(', ')})` }] : []),
      ...(caps?.drop?.includes('ALL') ? [] : [{ path: `${at}.drop`, reason: `must include ALL (is ${caps?.drop ? `[${caps.drop.join(', ')}]` : 'unset'})` }]),
    ]
  }),
}
