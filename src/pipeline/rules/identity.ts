// Who acts for which tenant (policy tenants, platformAdmins, trustedControllers), for the rules
// that judge the requester: tenant-identity, tenant-selector, namespace-tenant and the route part of
// cross-tenant-reference.
import type { Identities, Policy } from '../../policy/policy.js'
import type { AdmissionRequestInfo } from '../types.js'
import type { Requester } from './rule.js'

const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:'

/** The requester of an admission review; undefined offline (CLI, audit), where no one asks. */
export function requesterOf(req: AdmissionRequestInfo): Requester | undefined {
  if (req.userInfo === undefined) return undefined
  return { username: req.userInfo.username ?? '', groups: req.userInfo.groups ?? [] }
}

const matches = (who: Requester, ids: Identities): boolean =>
  ids.users.includes(who.username) || ids.groups.some((g) => who.groups.includes(g))

export const hasPlatformAdmins = (policy: Policy): boolean =>
  policy.platformAdmins.users.length > 0 || policy.platformAdmins.groups.length > 0

export const isPlatformAdmin = (who: Requester, policy: Policy): boolean => matches(who, policy.platformAdmins)

export const isTrustedController = (who: Requester, policy: Policy): boolean => policy.trustedControllers.includes(who.username)

/** Bound to `tenant` by the policy, or a platform admin. Tenant names come from labels: Object.hasOwn. */
export function actsFor(who: Requester, tenant: string, policy: Policy): boolean {
  if (isPlatformAdmin(who, policy)) return true
  if (!Object.hasOwn(policy.tenants, tenant)) return false
  const binding = policy.tenants[tenant]
  if (binding === undefined) return false
  return matches(who, binding) || binding.serviceAccounts.some((sa) => who.username === SERVICE_ACCOUNT_PREFIX + sa)
}

/** `user "bob" (groups: devs)`: who asked, for denial messages; the groups every request has are left out. */
export function describeRequester(who: Requester): string {
  const groups = who.groups.filter((g) => g !== 'system:authenticated' && g !== 'system:serviceaccounts')
  return `user ${JSON.stringify(who.username)}${groups.length > 0 ? ` (groups: ${groups.join(', ')})` : ''}`
}
