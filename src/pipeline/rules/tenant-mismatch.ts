import { TENANT_LABEL } from '../labels.js'
import { tenantOf } from '../pod.js'
import type { Rule } from './rule.js'

export const tenantMismatch: Rule = {
  id: 'tenant-mismatch',
  appliesOnUpdate: true,
  summary: "the pod's tenant label must equal its namespace's tenant",
  check({ pod, namespace, shared }) {
    const tenant = tenantOf(pod)
    const expected = namespace.labels[TENANT_LABEL]
    if (shared || tenant === undefined || tenant === expected) return []
    return [{
      path: `metadata.labels[${TENANT_LABEL}]`,
      reason: `tenant "${tenant}" differs from namespace ${namespace.name}'s tenant "${expected ?? ''}"`,
    }]
  },
}
