// readOnlyRootFilesystem for the containers the policy names per role, with an emptyDir for each
// path those images must still write (nginx cache and pid, PHP /tmp, Laravel bootstrap/cache).
import type { V1Volume } from '@kubernetes/client-node'
import { appContainerName, containersOf, isWindowsPod, roleOf } from '../pod.js'
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

export const readOnlyRoot: Mutation = {
  id: 'read-only-root',
  mutate(draft, { policy }) {
    const pod = draft.doc
    const role = roleOf(pod)
    const byContainer = role === undefined ? undefined : policy.readOnlyRootFilesystem[role]
    if (!byContainer || isWindowsPod(pod.spec)) return // readOnlyRootFilesystem is refused on a Windows pod
    const app = appContainerName(pod)
    const volumes: V1Volume[] = []
    for (const { container, pointer } of containersOf(pod.spec)) {
      const keys = [container.name, ...(container.name === app ? [APP_KEY] : [])].filter((k) => k in byContainer)
      if (keys.length === 0) continue
      draft.ensureObject(container, pointer, 'securityContext', { readOnlyRootFilesystem: true })
      if (container.securityContext?.readOnlyRootFilesystem === false) continue // explicit: validation's business, no emptyDirs needed
      const paths = [...new Set(keys.flatMap((k) => byContainer[k] ?? []))]
      const taken = new Set((container.volumeMounts ?? []).map((m) => m.mountPath))
      const mounts = paths.filter((p) => !taken.has(p)).map((mountPath) => ({ name: writableVolumeName(container.name, mountPath), mountPath }))
      volumes.push(...mounts.map((m) => ({ name: m.name, emptyDir: {} })))
      draft.append(container, pointer, 'volumeMounts', mounts)
    }
    addMissingVolumes(draft, volumes)
  },
}
