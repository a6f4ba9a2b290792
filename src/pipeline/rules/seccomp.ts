import { isWindowsPod } from '../pod.js'
import { inheritedFindings, type InheritedField } from './effective.js'
import type { Rule } from './rule.js'

const ALLOWED = new Set(['RuntimeDefault', 'Localhost'])

const SECCOMP_PROFILE: InheritedField<string> = {
  field: 'seccompProfile.type',
  fromPod: (sc) => sc.seccompProfile?.type,
  fromContainer: (c) => c.securityContext?.seccompProfile?.type,
  good: (v) => ALLOWED.has(v),
  requirement: 'must be RuntimeDefault or Localhost',
}

export const seccomp: Rule = {
  id: 'seccomp',
  appliesOnUpdate: false,
  summary: 'the effective seccomp profile must be RuntimeDefault or Localhost',
  // Skipped for Windows pods, as Pod Security does (1.25+): the API server refuses seccomp there.
  check: (view) => isWindowsPod(view.spec) ? [] : inheritedFindings(view, SECCOMP_PROFILE),
}
