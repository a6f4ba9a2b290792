// The validation rules, one module each, in the order violations are reported.
import { apparmor } from './apparmor.js'
import { capabilities } from './capabilities.js'
import { crossTenantIngressReference, crossTenantReference } from './cross-tenant-reference.js'
import { hostNamespaces } from './host-namespaces.js'
import { hostPorts } from './host-ports.js'
import { hostProcess } from './host-process.js'
import { imageRegistry } from './image-registry.js'
import { imageTag } from './image-tag.js'
import { namespaceTenant } from './namespace-tenant.js'
import { privilegeEscalation } from './privilege-escalation.js'
import { privileged } from './privileged.js'
import { probeHost } from './probe-host.js'
import { procMount } from './proc-mount.js'
import { resources } from './resources.js'
import type { RequestRule, Rule } from './rule.js'
import { runAsRoot } from './run-as-root.js'
import { seccomp } from './seccomp.js'
import { selinux } from './selinux.js'
import { serviceAccountToken } from './service-account-token.js'
import { storefrontShape } from './storefront-shape.js'
import { sysctls } from './sysctls.js'
import { tenantIdentity } from './tenant-identity.js'
import { tenantSelector } from './tenant-selector.js'
import { tenantMismatch } from './tenant-mismatch.js'
import { tenantMissing } from './tenant-missing.js'
import { volumeTypes } from './volume-types.js'

export type { Finding, PodView, RequestRule, RequestView, Rule } from './rule.js'

export const RULES: readonly Rule[] = [
  tenantMismatch, tenantMissing, crossTenantReference,
  privileged, privilegeEscalation, hostNamespaces, hostPorts, volumeTypes,
  runAsRoot, capabilities, seccomp, selinux, procMount, apparmor, sysctls, hostProcess, probeHost, resources,
  imageTag, imageRegistry, serviceAccountToken, storefrontShape,
]

/**
 * Rules on the request itself (who asks for what object, and objects other than pods), judged
 * online only and reported before the pod's. cross-tenant-reference is in both tables: one rule,
 * a check for pods and one for Ingresses.
 */
export const REQUEST_RULES: readonly RequestRule[] = [tenantIdentity, tenantSelector, crossTenantIngressReference, namespaceTenant]
