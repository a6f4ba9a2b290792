// Pod Security "restricted" for fields a container inherits from the pod (runAsNonRoot, seccomp):
// an explicit bad value is reported where it is set; when the pod level is not good, every
// container that does not set a good value itself is reported (unset counts as bad).
import type { V1Container, V1PodSecurityContext } from '@kubernetes/client-node'
import type { Finding, PodView } from './rule.js'

export interface InheritedField<T> {
  field: string
  fromPod(sc: V1PodSecurityContext): T | undefined
  fromContainer(c: V1Container): T | undefined
  good(value: T): boolean
  requirement: string
}

export function inheritedFindings<T>(view: PodView, f: InheritedField<T>): Finding[] {
  const podValue = view.spec.securityContext ? f.fromPod(view.spec.securityContext) : undefined
  const podGood = podValue !== undefined && f.good(podValue)
  const findings: Finding[] = []
  if (podValue !== undefined && !podGood) {
    findings.push({ path: `spec.securityContext.${f.field}`, reason: `${f.requirement} (is ${String(podValue)})` })
  }
  for (const { container, path } of view.containers) {
    const value = f.fromContainer(container)
    if (value !== undefined && !f.good(value)) {
      findings.push({ path: `${path}.securityContext.${f.field}`, reason: `${f.requirement} (is ${String(value)})` })
    } else if (value === undefined && !podGood) {
      const pod = podValue === undefined ? 'and at pod level' : `and pod level is ${String(podValue)}`
      findings.push({ path: `${path}.securityContext.${f.field}`, reason: `${f.requirement} (unset here ${pod})` })
    }
  }
  return findings
}
