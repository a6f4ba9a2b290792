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

/** Every explicit value `pick` reads, at pod level first, then in each container. */
export function settingsOf<T>(view: PodView, pick: (sc: SharedSecurityFields) => T | undefined | null): Array<Setting<T>> {
  const contexts: Array<[string, SharedSecurityFields | undefined]> = [
    ['spec.securityContext', view.spec.securityContext],
    ...view.containers.map(({ container, path }): [string, SharedSecurityFields | undefined] => [`${path}.securityContext`, container.securityContext]),
  ]
  const settings: Array<Setting<T>> = []
  for (const [at, sc] of contexts) {
    const value = sc ? pick(sc) : undefined
    if (value !== undefined && value !== null) settings.push({ at, value })
  }
  return settings
}
