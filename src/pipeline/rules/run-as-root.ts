import { inheritedFindings } from './effective.js'
import type { Finding, Rule } from './rule.js'

export const runAsRoot: Rule = {
  id: 'run-as-root',
  appliesOnUpdate: false,
  summary: 'containers must run as non-root: effective runAsNonRoot true and no runAsUser 0',
  check(view) {
    const nonRoot = inheritedFindings<boolean>(view, {
      field: 'runAsNonRoot',
      fromPod: (sc) => sc.runAsNonRoot,
      fromContainer: (c) => c.securityContext?.runAsNonRoot,
      good: (v) => v === true,
      requirement: 'must be true',
    })
    const rootUser: Finding[] = [
      ...(view.spec.securityContext?.runAsUser === 0 ? [{ path: 'spec.securityContext.runAsUser', reason: 'must not be 0' }] : []),
      ...view.containers
        .filter(({ container }) => container.securityContext?.runAsUser === 0)
        .map(({ path }) => ({ path: `${path}.securityContext.runAsUser`, reason: 'must not be 0' })),
    ]
    return [...nonRoot, ...rootUser]
  },
}
