// The policy as the pipeline sees it: the YAML file after schema validation and defaults.
import type { Enforcement, RuleId } from '../pipeline/types.js'

export interface Policy {
  securityContext: { runAsUser: number; runAsGroup: number; fsGroup: number }
  defaultResources: { requests: { cpu: string; memory: string }; limits: { memory: string } }
  /** Image registry allowlist; empty means any registry. */
  registries: string[]
  rules: Record<RuleId, Enforcement>
  exempt: { usernames: string[]; serviceAccounts: string[] }
  excludedNamespaces: string[]
  /** role -> container name (or `app`) -> paths that get an emptyDir under a read-only root. */
  readOnlyRootFilesystem: Record<string, Record<string, string[]>>
  /** Denials the platform lets through, with a warning, until each one expires. */
  exceptions: PolicyException[]
}

/** Kinds an exception may name: what the pipeline judges, or `*` for any of them. */
export type ExceptedKind = 'Pod' | 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job' | 'CronJob' | '*'

export interface PolicyException {
  namespace: string
  /** Object name or glob (`*` any run of characters, `?` one). */
  name: string
  kind: ExceptedKind
  rules: RuleId[]
  /** RFC 3339. */
  expires: string
  reason: string
}

export class PolicyError extends Error {
  override name = 'PolicyError'
}
