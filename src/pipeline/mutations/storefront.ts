// Storefront pods: the shared public emptyDir, the storage PVC, and their mounts in app and nginx
// (a plain container or a native sidecar).
import type { V1Container, V1Pod, V1Volume, V1VolumeMount } from '@kubernetes/client-node'
import {
  NGINX_CONTAINER, PUBLIC_PATH, PUBLIC_VOLUME, STORAGE_PATH, STORAGE_VOLUME, STOREFRONT_ROLE,
} from '../labels.js'
import type { PatchDraft } from '../patch.js'
import {
  appContainerName, containersOf, hasStorageVolume, misfitStorefrontVolumes, nginxContainersOf, roleOf, storageClaimOf,
} from '../pod.js'
import type { Mutation } from './mutation.js'

export interface StorefrontPlan {
  app: string
  claim: string | undefined
}

/** What a storefront pod is shaped around; undefined when it is not one or cannot be shaped (no
 *  app container, no storage, or a volume named like a storefront volume but of another source,
 *  which is never reused): validation's storefront-shape then reports it. */
export function storefrontPlan(pod: V1Pod): StorefrontPlan | undefined {
  if (roleOf(pod) !== STOREFRONT_ROLE || misfitStorefrontVolumes(pod).length > 0) return undefined
  const app = appContainerName(pod)
  const claim = storageClaimOf(pod)
  if (app === undefined || (claim === undefined && !hasStorageVolume(pod))) return undefined
  return { app, claim }
}

/** Appends the `wanted` mounts whose path the container (at `at`) does not mount yet. */
function addMissingMounts(draft: PatchDraft<V1Pod>, container: V1Container, at: string, wanted: V1VolumeMount[]): void {
  const taken = new Set((container.volumeMounts ?? []).map((m) => m.mountPath))
  draft.append(container, at, 'volumeMounts', wanted.filter((m) => !taken.has(m.mountPath)))
}

/** Appends the `wanted` volumes whose name the pod does not have yet. */
export function addMissingVolumes(draft: PatchDraft<V1Pod>, wanted: V1Volume[]): void {
  const spec = draft.doc.spec
  if (!spec) return
  const taken = new Set((spec.volumes ?? []).map((v) => v.name))
  const fresh = wanted.filter((v, i) => !taken.has(v.name) && wanted.findIndex((w) => w.name === v.name) === i)
  draft.append(spec, '/spec', 'volumes', fresh)
}

export const storefrontVolumes: Mutation = {
  id: 'storefront-volumes',
  mutate(draft) {
    const pod = draft.doc
    const plan = storefrontPlan(pod)
    if (!plan) return
    const volumes: V1Volume[] = [{ name: PUBLIC_VOLUME, emptyDir: {} }]
    if (plan.claim !== undefined) volumes.push({ name: STORAGE_VOLUME, persistentVolumeClaim: { claimName: plan.claim } })
    addMissingVolumes(draft, volumes)
    const nginx = new Set(nginxContainersOf(pod.spec).map((ref) => ref.container))
    for (const { list, container, pointer } of containersOf(pod.spec)) {
      if (!(list === 'containers' && container.name === plan.app) && !nginx.has(container)) continue
      const readOnly = container.name === NGINX_CONTAINER ? { readOnly: true } : {}
      addMissingMounts(draft, container, pointer, [
        { name: PUBLIC_VOLUME, mountPath: PUBLIC_PATH, ...readOnly },
        { name: STORAGE_VOLUME, mountPath: STORAGE_PATH, ...readOnly },
      ])
    }
  },
}
