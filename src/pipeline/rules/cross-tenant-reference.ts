import { TENANT_LABEL } from '../labels.js'
import { tenantOf } from '../pod.js'
import { referencesOf } from './references.js'
import type { Rule } from './rule.js'

// An object the lookup does not know is a violation where the lookup is exhaustive (the server
// looks it up live first): a pod naming a Secret another tenant may create later would read it.
// Offline (CLI), it may exist outside the input, so it is not judged.
// kube-root-ca.crt is published by the control plane in every namespace: the cluster's public CA,
// referenced by every service account token volume, nobody's tenant data.
const CLUSTER_CA_CONFIGMAP = 'kube-root-ca.crt'

export const crossTenantReference: Rule = {
  id: 'cross-tenant-reference',
  appliesOnUpdate: false,
  summary: "in a shared namespace, every referenced PVC, Secret and ConfigMap must exist and carry the pod's tenant label",
  check({ pod, spec, namespace, shared, lookup }) {
    const tenant = tenantOf(pod)
    if (!shared || tenant === undefined) return []
    return referencesOf(spec).flatMap(({ kind, name, path }) => {
      if (kind === 'ConfigMap' && name === CLUSTER_CA_CONFIGMAP) return []
      const labels = lookup.labelsOf(kind, namespace.name, name)
      if (labels === undefined) {
        return lookup.exhaustive === true ? [{ path, reason: `${kind} ${name} does not exist in namespace ${namespace.name}` }] : []
      }
      const owner = labels[TENANT_LABEL]
      if (owner === tenant) return []
      const whose = owner === undefined ? 'has no tenant label' : `belongs to tenant "${owner}"`
      return [{ path, reason: `${kind} ${name} ${whose}, not "${tenant}"` }]
    })
  },
}
