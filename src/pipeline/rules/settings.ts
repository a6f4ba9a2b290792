// Where a security setting can be written: the pod's securityContext and each container's. Pod
// Security judges every explicit value in both places (debug containers too); unset is allowed.
import type { V1SecurityContext } from '@kubernetes/client-node'
import type { PodView } from './rule.js'

/** The fields pod and container securityContexts share. */
export type SharedSecurityFields = Pick<V1SecurityContext, 'seLinuxOptions' | 'windowsOptions' | 'appArmorProfile'>

export interface Setting<T> {
  /** Path of the securityContext that sets it: `spec.securityContext`, `spec.containers[web].securityContext`. */
  at: string
  value: T
}

/** Every explicit value `pick` reads, at pod level first, then in each container. A path is built
 *  only for a value found: this runs for every pod, and most set none. */
export function settingsOf<T>(view: PodView, pick: (sc: SharedSecurityFields) => T | undefined | null): Array<Setting<T>> {
  const settings: Array<Setting<T>> = []
  const pod = view.spec.securityContext
  const podValue = pod ? pick(pod) : undefined
  if (podValue !== undefined && podValue !== null) settings.push({ at: 'spec.securityContext', value: podValue })
  for (const { container, path } of view.containers) {
    const value = container.securityContext ? pick(container.securityContext) : undefined
    if (value !== undefined && value !== null) settings.push({ at: `${path}.securityContext`, value })
  }
  return settings
}
