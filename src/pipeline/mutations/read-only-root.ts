// readOnlyRootFilesystem for the containers the policy names per role, with an emptyDir for each
// path those images must still write (nginx cache and pid, PHP /tmp, Laravel bootstrap/cache).
import type { V1Volume } from '@kubernetes/client-node'
import { appContainerName, containersOf, isWindowsPod, roleOf, volumeSourceOf } from '../pod.js'
import type { Mutation } from './mutation.js'
import { addMissingVolumes } from './storefront.js'

const APP_KEY = 'app'

// FNV-1a: a short stable suffix that keeps truncated volume names unique.
function fnv1a(text: string): string {
  let hash = 0x811c9dc5
  for (const ch of text) hash = Math.imul(hash ^ (ch.codePointAt(0) ?? 0), 0x01000193) >>> 0
  return hash.toString(16).padStart(8, '0')
}

/** `path` lower-cased, each run of characters other than a-z and 0-9 one `-`, none at either end. */
function slugOf(path: string): string {
  const lower = path.toLowerCase()
  let slug = ''
  let dash = false
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i)
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) {
      if (dash && slug !== '') slug += '-'
      slug += lower[i]
      dash = false
    } else {
      dash = true
    }
  }
  return slug
}

/** DNS-1123 volume name for a writable path of a container, e.g. `rw-nginx-var-cache-nginx`. */
export function writableVolumeName(container: string, path: string): string {
  const slug = slugOf(path) || 'root'
  const name = `rw-${container}-${slug}`
  if (name.length <= 63) return name
  return `${name.slice(0, 54).replace(/-+$/, '')}-${fnv1a(name)}`
}

/**
 * `name`, or `name-2`, `name-3`, ... when the pod already has a volume of that name that is not an
 * emptyDir: another source (a Secret, a configMap) is never bound to a writable path.
 */
function freeEmptyDirName(name: string, volumes: Map<string, V1Volume>): string {
  const free = (candidate: string): boolean => {
    const volume = volumes.get(candidate)
    return volume === undefined || volumeSourceOf(volume) === 'emptyDir'
  }
  if (free(name)) return name
  for (let i = 2; ; i++) {
    const suffix = `-${i}`
    const candidate = `${name.slice(0, 63 - suffix.length).replace(/-+$/, '')}${suffix}`
    if (free(candidate)) return candidate
  }
}

export const readOnlyRoot: Mutation = {
  id: 'read-only-root',
  mutate(draft, { policy }) {
    const pod = draft.doc
    const role = roleOf(pod)
    // Own keys only: a role or container named `constructor` must not find Object.prototype's members.
    const byContainer = role !== undefined && Object.hasOwn(policy.readOnlyRootFilesystem, role) ? policy.readOnlyRootFilesystem[role] : undefined
    if (!byContainer || isWindowsPod(pod.spec)) return // readOnlyRootFilesystem is refused on a Windows pod
    const app = appContainerName(pod)
    const volumes: V1Volume[] = []
    const byName = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]))
    for (const { container, pointer } of containersOf(pod.spec)) {
      const keys = [container.name, ...(container.name === app ? [APP_KEY] : [])].filter((k) => Object.hasOwn(byContainer, k))
      if (keys.length === 0) continue
      draft.ensureObject(container, pointer, 'securityContext', { readOnlyRootFilesystem: true })
      if (container.securityContext?.readOnlyRootFilesystem === false) continue // explicit: validation's business, no emptyDirs needed
      const paths = [...new Set(keys.flatMap((k) => byContainer[k] ?? []))]
      const taken = new Set((container.volumeMounts ?? []).map((m) => m.mountPath))
      const mounts = paths.filter((p) => !taken.has(p)).map((mountPath) => {
        const name = freeEmptyDirName(writableVolumeName(container.name, mountPath), byName)
        const volume = { name, emptyDir: {} }
        byName.set(name, volume)
        volumes.push(volume)
        return { name, mountPath }
      })
      draft.append(container, pointer, 'volumeMounts', mounts)
    }
    addMissingVolumes(draft, volumes)
  },
}
