/*
 * Pod Security baseline (so restricted) "appArmorProfile", as k8s.io/pod-security-admission
 * policy/check_appArmorProfile.go of the pinned release (v1.34):
 *
 *   On supported hosts, the 'runtime/default' AppArmor profile is applied by default. The baseline
 *   policy should prevent overriding or disabling the default AppArmor profile, or restrict
 *   overrides to an allowed set of profiles.
 *
 *   Restricted fields:
 *     metadata.annotations['container.apparmor.security.beta.kubernetes.io/*']
 *   Allowed values: 'runtime/default', 'localhost/*', empty, undefined
 *
 *   Restricted fields:
 *     spec.securityContext.appArmorProfile.type
 *     spec.containers[*].securityContext.appArmorProfile.type
 *     spec.initContainers[*].securityContext.appArmorProfile.type
 *     spec.ephemeralContainers[*].securityContext.appArmorProfile.type
 *   Allowed values: 'RuntimeDefault', 'Localhost', undefined
 *
 * Any annotation with the prefix counts, whether or not it names a container of the pod.
 */
import { annotationsOf } from '../pod.js'
import type { Finding, Rule } from './rule.js'
import { settingsOf } from './settings.js'

export const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/'
const ALLOWED_TYPES: ReadonlySet<string> = new Set(['RuntimeDefault', 'Localhost'])

const allowedAnnotation = (value: string): boolean => value === '' || value === 'runtime/default' || value.startsWith('localhost/')

export const apparmor: Rule = {
  id: 'apparmor',
  appliesOnUpdate: false,
  summary: 'AppArmor profiles must be RuntimeDefault or Localhost (annotations: runtime/default or localhost/*)',
  check(view) {
    const findings = settingsOf(view, (sc) => sc.appArmorProfile)
      .filter(({ value }) => !ALLOWED_TYPES.has(value.type))
      .map(({ at, value }): Finding => ({ path: `${at}.appArmorProfile.type`, reason: `must be RuntimeDefault or Localhost (is ${value.type || 'empty'})` }))
    const annotations = annotationsOf(view.pod)
    for (const key in annotations) {
      const value = annotations[key] ?? ''
      if (key.startsWith(APPARMOR_ANNOTATION_PREFIX) && !allowedAnnotation(value)) {
        findings.push({ path: `metadata.annotations[${key}]`, reason: `must be runtime/default or localhost/<profile> (is ${value})` })
      }
    }
    return findings
  },
}
