// The contract between the pure admission pipeline and its shells (HTTPS server, CLI).
// Nothing in src/pipeline does I/O: everything it needs arrives in these types.
import type { KubernetesObject } from '@kubernetes/client-node'
import type { Operation } from 'fast-json-patch'
import type { PolicyException } from '../policy/policy.js'

export const RULE_IDS = [
  'tenant-mismatch',
  'tenant-missing',
  'cross-tenant-reference',
  'privileged',
  'privilege-escalation',
  'host-namespaces',
  'host-ports',
  'volume-types',
  'run-as-root',
  'capabilities',
  'seccomp',
  'selinux',
  'proc-mount',
  'apparmor',
  'sysctls',
  'host-process',
  'probe-host',
  'resources',
  'image-tag',
  'image-registry',
  'service-account-token',
  'storefront-shape',
  'tenant-identity',
  'tenant-selector',
  'namespace-tenant',
] as const
export type RuleId = (typeof RULE_IDS)[number]

/** The two admission webhooks: `POST /mutate` and `POST /validate`. */
export type Webhook = 'mutate' | 'validate'

export type Enforcement = 'deny' | 'warn' | 'off'

/** The labels of a namespace as the pipeline sees them (from the cluster cache, a file, or CLI input). */
export interface NamespaceInfo {
  name: string
  labels: Record<string, string>
}

/** What a shared-namespace object names and must share its tenant with: a pod's PVCs, Secrets and
 *  ConfigMaps; an Ingress's Services and TLS Secrets. */
export type ReferencedKind = 'PersistentVolumeClaim' | 'Secret' | 'ConfigMap' | 'Service'
/** Kinds that own what a controller creates: pod controllers, and Pods (their ephemeral volume claims). */
export type OwnerKind = 'Deployment' | 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob' | 'Pod'
export type LookupKind = ReferencedKind | OwnerKind

/** Read-only view of the objects a request names (references, owners); labels, or `undefined`. */
export interface ResourceLookup {
  labelsOf(kind: LookupKind, namespace: string, name: string): Record<string, string> | undefined
  /**
   * True when `undefined` means the object does not exist (the server looks every miss up live);
   * false or absent for offline input, where an object it does not describe may still exist.
   */
  readonly exhaustive?: boolean
}

export interface AdmissionRequestInfo {
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT'
  /** Kind of `object` (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, ...). */
  kind: string
  /** Namespace of the request (a Pod's metadata.namespace may be empty on CREATE). */
  namespace: string
  object: KubernetesObject
  /** The subresource written, e.g. `ephemeralcontainers` (a debug container added to a Pod). */
  subResource?: string
  /** The object before an UPDATE. */
  oldObject?: KubernetesObject
  /** Who asked. Present on every admission review; absent when offline (CLI, audit), where no one
   *  asks and the rules that judge the requester are not run. */
  userInfo?: { username?: string; groups?: string[] }
}

export interface Violation {
  rule: RuleId
  /** Field path, e.g. `spec.containers[nginx].securityContext.allowPrivilegeEscalation`;
   *  for a pod template it starts at the object: `Deployment/acme-bagisto: spec.template.spec...`. */
  path: string
  message: string
  /** Set on a denial a policy exception turned into a warning. */
  exception?: PolicyException
}

export interface MutationResult {
  /** Minimal RFC 6902 operations against the submitted object; empty when nothing changes. */
  patch: Operation[]
}

export interface ValidationResult {
  allowed: boolean
  /** Violations of rules in `deny` mode. */
  violations: Violation[]
  /** Violations of rules in `warn` mode, and denials a policy exception covers. */
  warnings: Violation[]
}
