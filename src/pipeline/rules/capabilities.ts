import { isWindowsPod } from '../pod.js'
import type { Rule } from './rule.js'

const MAY_ADD = new Set(['NET_BIND_SERVICE'])

export const capabilities: Rule = {
  id: 'capabilities',
  appliesOnUpdate: false,
  summary: 'containers must drop ALL capabilities and may add only NET_BIND_SERVICE',
  // Skipped for Windows pods, as Pod Security does (1.25+): the API server refuses capabilities there.
  check: ({ spec, containers }) => isWindowsPod(spec) ? [] : containers.flatMap(({ container, path }) => {
    const caps = container.securityContext?.capabilities
    const at = `${path}.securityContext.capabilities`
    const added = (caps?.add ?? []).filter((cap) => !MAY_ADD.has(cap))
    return [
      ...(added.length ? [{ path: `${at}.add`, reason: `may only add NET_BIND_SERVICE (adds ${added.join(', ')})` }] : []),
      ...(caps?.drop?.includes('ALL') ? [] : [{ path: `${at}.drop`, reason: `must include ALL (is ${caps?.drop ? `[${caps.drop.join(', ')}]` : 'unset'})` }]),
    ]
  }),
}
