import { inheritedFindings, type InheritedField } from './effective.js'
import type { Finding, Rule } from './rule.js'

const RUN_AS_NON_ROOT: InheritedField<boolean> = {
  field: 'runAsNonRoot',
  fromPod: (sc) => sc.runAsNonRoot,
  fromContainer: (c) => c.securityContext?.runAsNonRoot,
  good: (v) => v === true,
  requirement: 'must be true',
}

export const runAsRoot: Rule = {
  id: 'run-as-root',
  appliesOnUpdate: false,
  summary: 'containers must run as non-root: effective runAsNonRoot true and no runAsUser 0',
  check(view) {
    const findings: Finding[] = inheritedFindings(view, RUN_AS_NON_ROOT)
    if (view.spec.securityContext?.runAsUser === 0) findings.push({ path: 'spec.securityContext.runAsUser', reason: 'must not be 0' })
    for (const { container, path } of view.containers) {
      if (container.securityContext?.runAsUser === 0) findings.push({ path: `${path}.securityContext.runAsUser`, reason: 'must not be 0' })
    }
    return findings
  },
}
