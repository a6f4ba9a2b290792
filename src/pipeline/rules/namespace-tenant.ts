// namespace-tenant: a Namespace's tenancy labels decide whose store it is and whether tenants share
// it, so only platform admins set, change or remove them.
//
// Kind: Namespace; CREATE and UPDATE.
// Fields: metadata.labels[store.platform.io/tenant], metadata.labels[store.platform.io/shared].
// Allowed: any value, unchanged; a change (set on CREATE, added, changed or removed on UPDATE) only
//   by a platform admin (policy.platformAdmins). Inert while the policy names no platform admin.
import { SHARED_LABEL, TENANT_LABEL } from '../labels.js'
import { describeRequester, hasPlatformAdmins, isPlatformAdmin } from './identity.js'
import type { Finding, RequestRule } from './rule.js'

const GUARDED_LABELS = [TENANT_LABEL, SHARED_LABEL] as const

const shown = (value: string | undefined): string => (value === undefined ? '(none)' : JSON.stringify(value))

export const namespaceTenant: RequestRule = {
  id: 'namespace-tenant',
  appliesOnUpdate: true,
  summary: "only platform admins may set, change or remove a Namespace's tenant or shared label",
  check({ request, requester, policy }) {
    if (request.kind !== 'Namespace' || !hasPlatformAdmins(policy) || isPlatformAdmin(requester, policy)) return []
    const after = request.object.metadata?.labels ?? {}
    const before = request.operation === 'UPDATE' ? request.oldObject?.metadata?.labels ?? {} : {}
    return GUARDED_LABELS.flatMap((label): Finding[] => {
      const was = before[label]
      const is = after[label]
      if (was === is) return []
      return [{
        path: `metadata.labels[${label}]`,
        reason: `${describeRequester(requester)} is not a platform admin: may not change it from ${shown(was)} to ${shown(is)}`,
      }]
    })
  },
}
