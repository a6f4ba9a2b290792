import { isWindowsPod } from '../pod.js'
import type { Finding, Rule } from './rule.js'

const MAY_ADD = new Set(['NET_BIND_SERVICE'])

export const capabilities: Rule = {
  id: 'capabilities',
  appliesOnUpdate: false,
  summary: 'containers must drop ALL capabilities and may add only NET_BIND_SERVICE',
  // Skipped for Windows pods, as Pod Security does (1.25+): the API server refuses capabilities there.
  check: ({ spec, containers }) => {
    if (isWindowsPod(spec)) return []
    const findings: Finding[] = []
    for (const { container, path } of containers) {
      const caps = container.securityContext?.capabilities
      const added = (caps?.add ?? []).filter((cap) => !MAY_ADD.has(cap))
      if (added.length) findings.push({ path: `${path}.securityContext.capabilities.add`, reason: `may only add NET_BIND_SERVICE (adds ${added.join(', ')})` })
      if (!caps?.drop?.includes('ALL')) {
        findings.push({ path: `${path}.securityContext.capabilities.drop`, reason: `must include ALL (is ${caps?.drop ? `[${caps.drop.join(', ')}]` : 'unset'})` })
      }
    }
    return findings
  },
}
