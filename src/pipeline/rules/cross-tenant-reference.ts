// cross-tenant-reference: in a shared namespace, the objects a shared-namespace object names carry
// its tenant, so that naming another tenant's object reads or exposes nothing of it.
//
// Kinds: Pod (and pod templates, as the pod they become), CREATE; Ingress (networking.k8s.io/v1)
//   and HTTPRoute (gateway.networking.k8s.io/v1), CREATE and UPDATE (a spec can change), online
//   only (judged with the request rules); only in namespaces labelled store.platform.io/shared=true.
// Fields (see references.ts): a pod's PVCs, Secrets and ConfigMaps (volumes, env, envFrom,
//   imagePullSecrets); a route's metadata.labels[store.platform.io/tenant] (required, non-empty);
//   an Ingress's Services (spec.defaultBackend, spec.rules[*].http.paths[*].backend: service.name)
//   and Secrets (spec.tls[*].secretName); an HTTPRoute's Services (spec.rules[*].backendRefs[*],
//   their filters' and spec.rules[*].filters[*] backendRefs, e.g. requestMirror.backendRef, and
//   spec.parentRefs[*] of group "" and kind Service: a mesh route of that Service's traffic).
//   Not a parentRef to a Gateway: which Gateway a route attaches to is the platform's business.
// Allowed: a referenced object that exists and carries the same store.platform.io/tenant as the
//   pod or route; ConfigMap kube-root-ca.crt. Not what no tenant label vouches for: an Ingress's
//   `resource` backend, an HTTPRoute backendRef of another group or kind, or to another namespace
//   (cross-namespace references are the platform's, through ReferenceGrants), or an extensionRef
//   filter. Platform admins are judged too: the leak is the same whoever writes it (a policy
//   exception is the way to admit one). A trusted controller may update a route keeping its
//   tenant and what it names (finalizers, owner references).
import type { KubernetesObject } from '@kubernetes/client-node'
import { isDeepStrictEqual } from 'node:util'
import { TENANT_LABEL } from '../labels.js'
import { tenantOf } from '../pod.js'
import type { ResourceLookup } from '../types.js'
import { isTrustedController } from './identity.js'
import { isRouteKind, referencesOf, routeReferencesOf, type Reference, type RouteKind } from './references.js'
import type { Finding, RequestRule, RequestView, Rule } from './rule.js'

const ID = 'cross-tenant-reference'

// An object the lookup does not know is a violation where the lookup is exhaustive (the server
// looks it up live first): a pod naming a Secret another tenant may create later would read it.
// Offline (CLI), it may exist outside the input, so it is not judged.
// kube-root-ca.crt is published by the control plane in every namespace: the cluster's public CA,
// referenced by every service account token volume, nobody's tenant data.
const CLUSTER_CA_CONFIGMAP = 'kube-root-ca.crt'

/** Why each reference of an object of `tenant` in `namespace` is not that tenant's. */
function referenceFindings(references: Reference[], tenant: string, namespace: string, lookup: ResourceLookup): Finding[] {
  return references.flatMap(({ kind, name, path }) => {
    if (kind === 'ConfigMap' && name === CLUSTER_CA_CONFIGMAP) return []
    const labels = lookup.labelsOf(kind, namespace, name)
    if (labels === undefined) {
      return lookup.exhaustive === true ? [{ path, reason: `${kind} ${name} does not exist in namespace ${namespace}` }] : []
    }
    const owner = labels[TENANT_LABEL]
    if (owner === tenant) return []
    const whose = owner === undefined ? 'has no tenant label' : `belongs to tenant "${owner}"`
    return [{ path, reason: `${kind} ${name} ${whose}, not "${tenant}"` }]
  })
}

export const crossTenantReference: Rule = {
  id: ID,
  appliesOnUpdate: false,
  summary: "in a shared namespace, every referenced PVC, Secret and ConfigMap must exist and carry the pod's tenant label",
  check({ pod, spec, namespace, shared, lookup }) {
    const tenant = tenantOf(pod)
    if (!shared || tenant === undefined) return []
    return referenceFindings(referencesOf(spec), tenant, namespace.name, lookup)
  },
}

/** A controller's update that changes neither the tenant nor anything the route names. */
function isUpkeep({ request }: RequestView, kind: RouteKind, namespace: string): boolean {
  const before = request.oldObject
  return request.operation === 'UPDATE' && before !== undefined && tenantOf(request.object) === tenantOf(before) &&
    isDeepStrictEqual(routeReferencesOf(kind, request.object, namespace), routeReferencesOf(kind, before, namespace))
}

/** What a route of each kind may name, for the denial of one carrying no tenant. */
const MAY_NAME: Readonly<Record<RouteKind, string>> = {
  Ingress: "route to and serve only that tenant's Services and Secrets",
  HTTPRoute: "route only to that tenant's Services",
}

function routeFindings(kind: RouteKind, route: KubernetesObject, namespace: string, lookup: ResourceLookup): Finding[] {
  const tenant = tenantOf(route)
  if (tenant === undefined) {
    return [{ path: `metadata.labels[${TENANT_LABEL}]`, reason: `an ${kind} in a shared namespace must carry its tenant's label, and ${MAY_NAME[kind]}` }]
  }
  const { references, refused } = routeReferencesOf(kind, route, namespace)
  const refusals = refused.map(({ path, reason, instead }) => ({ path, reason: `${reason}: route to a Service of tenant "${tenant}" ${instead}` }))
  return [...refusals, ...referenceFindings(references, tenant, namespace, lookup)]
}

export const crossTenantRouteReference: RequestRule = {
  id: ID,
  appliesOnUpdate: true,
  summary: 'in a shared namespace, an Ingress or HTTPRoute must carry its tenant label, and every Service it routes to (and TLS Secret an Ingress names) must exist and carry it',
  check(view) {
    const { request, namespace, shared, requester, policy, lookup } = view
    if (!shared || namespace === undefined || !isRouteKind(request.kind)) return []
    if (isTrustedController(requester, policy) && isUpkeep(view, request.kind, namespace.name)) return []
    return routeFindings(request.kind, request.object, namespace.name, lookup)
  },
}
