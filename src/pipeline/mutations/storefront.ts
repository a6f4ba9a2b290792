// Storefront pods: the shared public emptyDir, the storage PVC, and their mounts in app and nginx.
import type { V1Pod, V1Volume, V1VolumeMount } from '@kubernetes/client-node'
import type { Operation } from 'fast-json-patch'
import {
  NGINX_CONTAINER, PUBLIC_PATH, PUBLIC_VOLUME, STORAGE_PATH, STORAGE_VOLUME, STOREFRONT_ROLE,
} from '../labels.js'
import { appendAll, pointer } from '../patch.js'
import { appContainerName, containersOf, hasStorageVolume, roleOf, storageClaimOf } from '../pod.js'
import type { Mutation } from './mutation.js'

export interface StorefrontPlan {
  app: string
  claim: string | undefined
}

/** What a storefront pod is shaped around; undefined when it is not one or cannot be shaped
 *  (no app container or no storage): validation's storefront-shape then reports it. */
export function storefrontPlan(pod: V1Pod): StorefrontPlan | undefined {
  if (roleOf(pod) !== STOREFRONT_ROLE) return undefined
  const app = appContainerName(pod)
  const claim = storageClaimOf(pod)
  if (app === undefined || (claim === undefined && !hasStorageVolume(pod))) return undefined
  return { app, claim }
}

/** Mount operations for `wanted` mounts whose path the container does not mount yet. */
export function missingMounts(mounts: V1VolumeMount[] | undefined, at: string, wanted: V1VolumeMount[]): Operation[] {
  const taken = new Set((mounts ?? []).map((m) => m.mountPath))
  return appendAll(mounts, pointer(at, 'volumeMounts'), wanted.filter((m) => !taken.has(m.mountPath)))
}

/** Append operations for the volumes whose name the pod does not have yet. */
export function missingVolumes(pod: V1Pod, wanted: V1Volume[]): Operation[] {
  const taken = new Set((pod.spec?.volumes ?? []).map((v) => v.name))
  const fresh = wanted.filter((v, i) => !taken.has(v.name) && wanted.findIndex((w) => w.name === v.name) === i)
  return appendAll(pod.spec?.volumes, '/spec/volumes', fresh)
}

export const storefrontVolumes: Mutation = {
  id: 'storefront-volumes',
  mutate(pod) {
    const plan = storefrontPlan(pod)
    if (!plan) return []
    const volumes: V1Volume[] = [{ name: PUBLIC_VOLUME, emptyDir: {} }]
    if (plan.claim !== undefined) volumes.push({ name: STORAGE_VOLUME, persistentVolumeClaim: { claimName: plan.claim } })
    const mountOps = containersOf(pod.spec)
      .filter(({ list, container }) => list === 'containers' && (container.name === plan.app || container.name === NGINX_CONTAINER))
      .flatMap(({ container, pointer: at }) => {
        const readOnly = container.name === NGINX_CONTAINER ? { readOnly: true } : {}
        return missingMounts(container.volumeMounts, at, [
          { name: PUBLIC_VOLUME, mountPath: PUBLIC_PATH, ...readOnly },
          { name: STORAGE_VOLUME, mountPath: STORAGE_PATH, ...readOnly },
        ])
      })
    return [...missingVolumes(pod, volumes), ...mountOps]
  },
}
