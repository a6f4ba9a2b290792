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

/** DNS-1123 volume name for a writable path of a container, e.g. `rw-nginx-var-cache-nginx`. */
export function writableVolumeName(container: string, path: string): string {
  const slug = path.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'root'
  const name = `rw-${container}-${slug}`
  if (name.length <= 63) return name
  return `${name.slice(0, 54).replace(/-+$/, '')}-${fnv1a(name)}`
}

/**
 * `name`, or `name-2`, `name-3`, ... when the pod already has a volume of that name that is not an
 * emptyDir: another source (a Secret, a configMap) is never bound to a writable path.
 */
function freeEmptyDirName(name: string, sources: Map<string, string | undefined>): string {
  const free = (candidate: string): boolean => !sources.has(candidate) || sources.get(candidate) === 'emptyDir'
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
    const sources = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, volumeSourceOf(v)]))
    for (const { container, pointer } of containersOf(pod.spec)) {
      const keys = [container.name, ...(container.name === app ? [APP_KEY] : [])].filter((k) => Object.hasOwn(byContainer, k))
      if (keys.length === 0) continue
      draft.ensureObject(container, pointer, 'securityContext', { readOnlyRootFilesystem: true })
      if (container.securityContext?.readOnlyRootFilesystem === false) continue // explicit: validation's business, no emptyDirs needed
      const paths = [...new Set(keys.flatMap((k) => byContainer[k] ?? []))]
      const taken = new Set((container.volumeMounts ?? []).map((m) => m.mountPath))
      const mounts = paths.filter((p) => !taken.has(p)).map((mountPath) => {
        const name = freeEmptyDirName(writableVolumeName(container.name, mountPath), sources)
        sources.set(name, 'emptyDir')
        return { name, mountPath }
      })
      volumes.push(...mounts.map((m) => ({ name: m.name, emptyDir: {} })))
      draft.append(container, pointer, 'volumeMounts', mounts)
    }
    addMissingVolumes(draft, volumes)
  },
}
