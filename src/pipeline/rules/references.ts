// Every PVC, Secret and ConfigMap a pod names, and every Service and TLS Secret an Ingress names,
// with the field that names it.
import type { KubernetesObject, V1PodSpec } from '@kubernetes/client-node'
import { allContainersOf } from '../pod.js'
import { isRecord } from '../shape.js'
import type { ReferencedKind } from '../types.js'

export interface Reference {
  kind: ReferencedKind
  name: string
  path: string
}

function volumeReferences(spec: V1PodSpec): Reference[] {
  return (spec.volumes ?? []).flatMap((v) => {
    const at = `spec.volumes[${v.name}]`
    const refs: Array<Reference | undefined> = [
      v.persistentVolumeClaim && { kind: 'PersistentVolumeClaim', name: v.persistentVolumeClaim.claimName, path: `${at}.persistentVolumeClaim.claimName` },
      v.secret?.secretName ? { kind: 'Secret', name: v.secret.secretName, path: `${at}.secret.secretName` } : undefined,
      v.configMap?.name ? { kind: 'ConfigMap', name: v.configMap.name, path: `${at}.configMap.name` } : undefined,
      v.csi?.nodePublishSecretRef?.name ? { kind: 'Secret', name: v.csi.nodePublishSecretRef.name, path: `${at}.csi.nodePublishSecretRef.name` } : undefined,
      // An ephemeral volume can be cloned from an existing PVC: that is a reference too.
      ...(['dataSource', 'dataSourceRef'] as const).map((field) => {
        const source = v.ephemeral?.volumeClaimTemplate?.spec?.[field]
        return source?.kind === 'PersistentVolumeClaim' && !source.apiGroup
          ? { kind: 'PersistentVolumeClaim' as const, name: source.name, path: `${at}.ephemeral.volumeClaimTemplate.spec.${field}.name` }
          : undefined
      }),
      ...(v.projected?.sources ?? []).flatMap((s, i) => [
        s.secret?.name ? { kind: 'Secret' as const, name: s.secret.name, path: `${at}.projected.sources[${i}].secret.name` } : undefined,
        s.configMap?.name ? { kind: 'ConfigMap' as const, name: s.configMap.name, path: `${at}.projected.sources[${i}].configMap.name` } : undefined,
      ]),
    ]
    return refs.filter((r): r is Reference => r !== undefined)
  })
}

function containerReferences(spec: V1PodSpec): Reference[] {
  return allContainersOf(spec).flatMap(({ container, path }) => {
    const refs: Array<Reference | undefined> = [
      ...(container.env ?? []).flatMap((e) => [
        e.valueFrom?.secretKeyRef?.name ? { kind: 'Secret' as const, name: e.valueFrom.secretKeyRef.name, path: `${path}.env[${e.name}].valueFrom.secretKeyRef.name` } : undefined,
        e.valueFrom?.configMapKeyRef?.name ? { kind: 'ConfigMap' as const, name: e.valueFrom.configMapKeyRef.name, path: `${path}.env[${e.name}].valueFrom.configMapKeyRef.name` } : undefined,
      ]),
      ...(container.envFrom ?? []).flatMap((e, i) => [
        e.secretRef?.name ? { kind: 'Secret' as const, name: e.secretRef.name, path: `${path}.envFrom[${i}].secretRef.name` } : undefined,
        e.configMapRef?.name ? { kind: 'ConfigMap' as const, name: e.configMapRef.name, path: `${path}.envFrom[${i}].configMapRef.name` } : undefined,
      ]),
    ]
    return refs.filter((r): r is Reference => r !== undefined)
  })
}

export function referencesOf(spec: V1PodSpec): Reference[] {
  const pullSecrets = (spec.imagePullSecrets ?? []).flatMap((s): Reference[] =>
    s.name ? [{ kind: 'Secret', name: s.name, path: `spec.imagePullSecrets[${s.name}]` }] : [])
  return [...volumeReferences(spec), ...containerReferences(spec), ...pullSecrets]
}

/** What an Ingress names: Services it routes to and Secrets it serves (references), and the fields
 *  of `resource` backends, which can name an object of any kind. */
export interface IngressReferences {
  references: Reference[]
  resourceBackends: string[]
}

const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])
const nameOf = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined)

function backendReferences(backend: unknown, at: string, into: IngressReferences): void {
  if (!isRecord(backend)) return
  const name = isRecord(backend.service) ? nameOf(backend.service.name) : undefined
  if (name !== undefined) into.references.push({ kind: 'Service', name, path: `${at}.service.name` })
  if (backend.resource !== undefined && backend.resource !== null) into.resourceBackends.push(`${at}.resource`)
}

/** networking.k8s.io/v1 fields; read defensively, as the object comes from the request. */
export function ingressReferencesOf(ingress: KubernetesObject): IngressReferences {
  const found: IngressReferences = { references: [], resourceBackends: [] }
  const spec: unknown = (ingress as { spec?: unknown }).spec
  if (!isRecord(spec)) return found
  backendReferences(spec.defaultBackend, 'spec.defaultBackend', found)
  listOf(spec.rules).forEach((rule, i) => {
    const http = isRecord(rule) ? rule.http : undefined
    listOf(isRecord(http) ? http.paths : undefined).forEach((path, j) => {
      if (isRecord(path)) backendReferences(path.backend, `spec.rules[${i}].http.paths[${j}].backend`, found)
    })
  })
  listOf(spec.tls).forEach((tls, i) => {
    const name = isRecord(tls) ? nameOf(tls.secretName) : undefined
    if (name !== undefined) found.references.push({ kind: 'Secret', name, path: `spec.tls[${i}].secretName` })
  })
  return found
}
