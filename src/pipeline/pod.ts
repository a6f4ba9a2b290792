// Read-only helpers over a pod: its containers with their field paths, role, app container.
import type { KubernetesObject, V1Container, V1Pod, V1PodSpec, V1Volume } from '@kubernetes/client-node'
import {
  APP_CONTAINER_ANNOTATION, MIRROR_ANNOTATION, NGINX_CONTAINER, PUBLIC_VOLUME, ROLE_LABEL, STORAGE_CLAIM_ANNOTATION,
  STORAGE_VOLUME, TENANT_LABEL,
} from './labels.js'

export type ContainerList = 'initContainers' | 'containers' | 'ephemeralContainers'
const SHAPED_LISTS: readonly ContainerList[] = ['initContainers', 'containers']
const ALL_LISTS: readonly ContainerList[] = [...SHAPED_LISTS, 'ephemeralContainers']

export interface ContainerRef {
  container: V1Container
  list: ContainerList
  index: number
  /** JSON pointer, e.g. `/spec/containers/1`. */
  pointer: string
  /** Field path for messages, containers addressed by name: `spec.containers[nginx]`. */
  path: string
}

/** The init and regular containers: what mutations shape. */
export const containersOf = (spec: V1PodSpec | undefined): ContainerRef[] => refsOf(spec, SHAPED_LISTS)

/** Every container, debug (ephemeral) ones too: what the rules judge, as Pod Security does. */
export const allContainersOf = (spec: V1PodSpec | undefined): ContainerRef[] => refsOf(spec, ALL_LISTS)

/** A container's field path in messages: `spec.containers[nginx]`. */
export const containerPath = (list: ContainerList, name: string): string => `spec.${list}[${name}]`

function refsOf(spec: V1PodSpec | undefined, lists: readonly ContainerList[]): ContainerRef[] {
  const refs: ContainerRef[] = []
  for (const list of lists) {
    // An ephemeral container has every field of a container (plus targetContainerName).
    const containers: V1Container[] = spec?.[list] ?? []
    for (let index = 0; index < containers.length; index++) {
      const container = containers[index] as V1Container
      refs.push({ container, list, index, pointer: `/spec/${list}/${index}`, path: containerPath(list, container.name) })
    }
  }
  return refs
}

/** A pod for Windows nodes: Pod Security skips the Linux-only checks (capabilities, seccomp,
 *  privilege escalation), and the API server refuses those fields on it. */
export const isWindowsPod = (spec: V1PodSpec | undefined): boolean => spec?.os?.name === 'windows'

export const labelsOf = (pod: V1Pod): Record<string, string> => pod.metadata?.labels ?? {}
export const annotationsOf = (pod: V1Pod): Record<string, string> => pod.metadata?.annotations ?? {}
export const roleOf = (pod: V1Pod): string | undefined => labelsOf(pod)[ROLE_LABEL]
/** The tenant an object's label names (a pod's, or a Service's, NetworkPolicy's or PDB's); an empty label names none. */
export const tenantOf = (object: KubernetesObject | undefined): string | undefined => object?.metadata?.labels?.[TENANT_LABEL] || undefined
export const isMirrorPod = (pod: V1Pod): boolean => annotationsOf(pod)[MIRROR_ANNOTATION] !== undefined

/** The PHP-FPM container: the annotation's choice, else `bagisto`, else `app`, else the first non-nginx. */
export function appContainerName(pod: V1Pod): string | undefined {
  const containers = pod.spec?.containers ?? []
  const named = annotationsOf(pod)[APP_CONTAINER_ANNOTATION]
  if (named !== undefined) return containers.some((c) => c.name === named) ? named : undefined
  for (const candidate of ['bagisto', 'app']) if (containers.some((c) => c.name === candidate)) return candidate
  return containers.find((c) => c.name !== NGINX_CONTAINER)?.name
}

/** Claim for the `bagisto-storage` volume: the existing volume's, else the annotation's. */
export function storageClaimOf(pod: V1Pod): string | undefined {
  const volume = pod.spec?.volumes?.find((v) => v.name === STORAGE_VOLUME)
  if (volume) return volume.persistentVolumeClaim?.claimName
  return annotationsOf(pod)[STORAGE_CLAIM_ANNOTATION] || undefined
}

export const hasStorageVolume = (pod: V1Pod): boolean =>
  pod.spec?.volumes?.some((v) => v.name === STORAGE_VOLUME) ?? false

/** A native sidecar: an init container that runs beside the app containers (restartPolicy Always). */
export const isNativeSidecar = (c: V1Container): boolean => c.restartPolicy === 'Always'

/** The `nginx` containers of a pod: a plain container or a native sidecar. */
export const nginxContainersOf = (spec: V1PodSpec | undefined): ContainerRef[] => containersOf(spec)
  .filter(({ list, container }) => container.name === NGINX_CONTAINER && (list === 'containers' || isNativeSidecar(container)))

/** A volume's source (`emptyDir`, `configMap`, ...): its first field set besides the name. */
export function volumeSourceOf(v: V1Volume): string | undefined {
  for (const key in v) {
    if (key === 'name' || !Object.hasOwn(v, key)) continue
    const value = (v as unknown as Record<string, unknown>)[key]
    if (value !== undefined && value !== null) return key
  }
  return undefined
}

/** The source each storefront volume must have: the storefront's mounts use these names. */
export const STOREFRONT_VOLUME_SOURCES: ReadonlyMap<string, string> = new Map([
  [PUBLIC_VOLUME, 'emptyDir'],
  [STORAGE_VOLUME, 'persistentVolumeClaim'],
])

/** Existing volumes named like a storefront volume but of another source: never mounted for it. */
export function misfitStorefrontVolumes(pod: V1Pod): Array<{ name: string; source: string | undefined; wanted: string }> {
  return (pod.spec?.volumes ?? []).flatMap((v) => {
    const wanted = STOREFRONT_VOLUME_SOURCES.get(v.name)
    const source = wanted === undefined ? undefined : volumeSourceOf(v)
    return wanted === undefined || source === wanted ? [] : [{ name: v.name, source, wanted }]
  })
}
