import type { Rule } from './rule.js'

export const hostPorts: Rule = {
  id: 'host-ports',
  appliesOnUpdate: false,
  summary: 'containers must not use host ports',
  check: ({ containers }) => containers.flatMap(({ container, path }) =>
    (container.ports ?? []).flatMap((port, i) => port.hostPort
      ? [{ path: `${path}.ports[${i}].hostPort`, reason: `host port ${port.hostPort} is not allowed` }]
      : [])),
}
