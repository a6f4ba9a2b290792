// Every PVC, Secret and ConfigMap a pod names, every Service and TLS Secret an Ingress names, and
// every Service an HTTPRoute routes to, with the field that names it.
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

/** Objects that route traffic, whose references cross-tenant-reference holds to their tenant. */
export type RouteKind = 'Ingress' | 'HTTPRoute'
export const isRouteKind = (kind: string): kind is RouteKind => kind === 'Ingress' || kind === 'HTTPRoute'

/** A field naming something no tenant label can vouch for (an object of any kind, or of another
 *  namespace): why, and how to name a Service of the tenant instead. */
export interface Refusal {
  path: string
  reason: string
  /** Follows `route to a Service of tenant "T"` in the denial, e.g. `(group "", kind Service)`. */
  instead: string
}

/** What a routing object names: Services it routes to and Secrets it serves (references), and the
 *  fields naming what cannot be held to a tenant (refused). */
export interface RouteReferences {
  references: Reference[]
  refused: Refusal[]
}

const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])
const nameOf = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined)

function ingressBackend(backend: unknown, at: string, into: RouteReferences): void {
  if (!isRecord(backend)) return
  const name = isRecord(backend.service) ? nameOf(backend.service.name) : undefined
  if (name !== undefined) into.references.push({ kind: 'Service', name, path: `${at}.service.name` })
  if (backend.resource !== undefined && backend.resource !== null) {
    into.refused.push({ path: `${at}.resource`, reason: 'a resource backend can name any object in the namespace, of any tenant', instead: '(service.name)' })
  }
}

/** networking.k8s.io/v1 fields. */
function ingressReferences(spec: Record<string, unknown>, found: RouteReferences): void {
  ingressBackend(spec.defaultBackend, 'spec.defaultBackend', found)
  listOf(spec.rules).forEach((rule, i) => {
    const http = isRecord(rule) ? rule.http : undefined
    listOf(isRecord(http) ? http.paths : undefined).forEach((path, j) => {
      if (isRecord(path)) ingressBackend(path.backend, `spec.rules[${i}].http.paths[${j}].backend`, found)
    })
  })
  listOf(spec.tls).forEach((tls, i) => {
    const name = isRecord(tls) ? nameOf(tls.secretName) : undefined
    if (name !== undefined) found.references.push({ kind: 'Secret', name, path: `spec.tls[${i}].secretName` })
  })
}

/** A Gateway API BackendObjectReference: group "" and kind Service (both the defaults) in the
 *  route's own namespace name a Service; another kind or namespace is refused. */
function backendRef(ref: unknown, at: string, namespace: string, into: RouteReferences): void {
  if (!isRecord(ref)) return
  const name = nameOf(ref.name)
  if (name === undefined) return
  const group = typeof ref.group === 'string' ? ref.group : ''
  const kind = typeof ref.kind === 'string' ? ref.kind : 'Service'
  const inNamespace = nameOf(ref.namespace) ?? namespace
  if (group !== '' || kind !== 'Service') {
    into.refused.push({
      path: at, reason: `a backendRef to ${group === '' ? kind : `${kind}.${group}`} ${name} can name any object in the namespace, of any tenant`,
      instead: '(group "", kind Service)',
    })
  } else if (inNamespace !== namespace) {
    into.refused.push({
      path: `${at}.namespace`, reason: `a backendRef to namespace ${inNamespace} leaves this shared namespace, which only a ReferenceGrant the platform controls may open`,
      instead: 'in this namespace (no namespace)',
    })
  } else {
    into.references.push({ kind: 'Service', name, path: `${at}.name` })
  }
}

/** Every backendRef a filter names: requestMirror's (standard), and any other filter's that has one
 *  (externalAuth, experimental), so that a new filter type is not a way around the rule. */
function filterBackendRefs(filters: unknown, at: string, namespace: string, into: RouteReferences): void {
  listOf(filters).forEach((filter, k) => {
    if (!isRecord(filter)) return
    for (const [type, config] of Object.entries(filter)) {
      if (isRecord(config) && config.backendRef !== undefined) backendRef(config.backendRef, `${at}[${k}].${type}.backendRef`, namespace, into)
      if (type === 'extensionRef' && isRecord(config)) {
        into.refused.push({
          path: `${at}[${k}].extensionRef`, reason: 'an extensionRef filter can name any object in the namespace, of any tenant',
          instead: 'with standard filters only',
        })
      }
    }
  })
}

/**
 * gateway.networking.k8s.io/v1 fields. A parentRef to a Gateway (the default group and kind) is the
 * platform's; one to a Service (group "", kind Service: GAMMA, the Gateway API for service meshes)
 * takes over that Service's traffic in the mesh, so it names the Service as a backendRef does.
 */
function httpRouteReferences(spec: Record<string, unknown>, namespace: string, found: RouteReferences): void {
  listOf(spec.parentRefs).forEach((ref, i) => {
    if (isRecord(ref) && ref.group === '' && ref.kind === 'Service') backendRef(ref, `spec.parentRefs[${i}]`, namespace, found)
  })
  listOf(spec.rules).forEach((rule, i) => {
    if (!isRecord(rule)) return
    const at = `spec.rules[${i}]`
    filterBackendRefs(rule.filters, `${at}.filters`, namespace, found)
    listOf(rule.backendRefs).forEach((ref, j) => {
      backendRef(ref, `${at}.backendRefs[${j}]`, namespace, found)
      if (isRecord(ref)) filterBackendRefs(ref.filters, `${at}.backendRefs[${j}].filters`, namespace, found)
    })
  })
}

/** What an object of a routing kind in `namespace` names; read defensively, as it comes from the request. */
export function routeReferencesOf(kind: RouteKind, object: KubernetesObject, namespace: string): RouteReferences {
  const found: RouteReferences = { references: [], refused: [] }
  const spec: unknown = (object as { spec?: unknown }).spec
  if (!isRecord(spec)) return found
  if (kind === 'Ingress') ingressReferences(spec, found)
  else httpRouteReferences(spec, namespace, found)
  return found
}
