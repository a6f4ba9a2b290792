/*
 * Pod Security baseline (so restricted) "hostProbesAndHostLifecycle", as
 * k8s.io/pod-security-admission policy/check_hostProbesAndhostLifecycle.go of the pinned release
 * (v1.34, where the check starts):
 *
 *   Host field is restricted in the probes and lifecycle handlers.
 *
 *   Restricted fields, in spec.containers[*] and spec.initContainers[*] (and
 *   spec.ephemeralContainers[*]: upstream visits every container):
 *     livenessProbe.httpGet.host, readinessProbe.httpGet.host, startupProbe.httpGet.host,
 *     livenessProbe.tcpSocket.host, readinessProbe.tcpSocket.host, startupProbe.tcpSocket.host,
 *     lifecycle.postStart.httpGet.host, lifecycle.preStop.httpGet.host,
 *     lifecycle.postStart.tcpSocket.host, lifecycle.preStop.tcpSocket.host (deprecated handler)
 *   Allowed values: "", undefined/null
 */
import type { V1Container, V1LifecycleHandler, V1Probe } from '@kubernetes/client-node'
import type { Finding, Rule } from './rule.js'

type Handler = Pick<V1Probe | V1LifecycleHandler, 'httpGet' | 'tcpSocket'>

const handlersOf = (c: V1Container): Array<[string, Handler | undefined]> => [
  ['livenessProbe', c.livenessProbe],
  ['readinessProbe', c.readinessProbe],
  ['startupProbe', c.startupProbe],
  ['lifecycle.postStart', c.lifecycle?.postStart],
  ['lifecycle.preStop', c.lifecycle?.preStop],
]

export const probeHost: Rule = {
  id: 'probe-host',
  appliesOnUpdate: false,
  summary: 'probes and lifecycle handlers must not set a host (httpGet.host, tcpSocket.host)',
  check: ({ containers }) => {
    const findings: Finding[] = []
    for (const { container, path } of containers) {
      const c = container
      if (!c.livenessProbe && !c.readinessProbe && !c.startupProbe && !c.lifecycle) continue // most containers
      for (const [field, handler] of handlersOf(c)) {
        for (const kind of ['httpGet', 'tcpSocket'] as const) {
          const host = handler?.[kind]?.host
          if (host) findings.push({ path: `${path}.${field}.${kind}.host`, reason: `must not be set (is ${host}): the kubelet would reach another host` })
        }
      }
    }
    return findings
  },
}
