import { TENANT_LABEL } from '../labels.js'
import { tenantOf } from '../pod.js'
import type { Rule } from './rule.js'

export const tenantMissing: Rule = {
  id: 'tenant-missing',
  appliesOnUpdate: true,
  summary: 'a pod in a shared namespace must carry a tenant label',
  check({ pod, namespace, shared }) {
    if (!shared || tenantOf(pod) !== undefined) return []
    return [{ path: `metadata.labels[${TENANT_LABEL}]`, reason: `required in shared namespace ${namespace.name}` }]
  },
}
