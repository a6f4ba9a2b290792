// Metric label values from review fields a client controls: anything outside the known set is
// `other`, so made-up kinds cannot grow the series (and memory, and /metrics) without bound.
const KINDS = new Set([
  'Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Namespace', 'PersistentVolumeClaim', 'Secret', 'ConfigMap', 'ReplicationController',
  // the other kinds shared.store.platform.io sends
  'Service', 'NetworkPolicy', 'PodDisruptionBudget', 'Ingress',
])
const OPERATIONS = new Set(['CREATE', 'UPDATE', 'DELETE', 'CONNECT'])

export function kindLabel(kind: unknown): string {
  return typeof kind === 'string' && KINDS.has(kind) ? kind : 'other'
}

export function operationLabel(operation: unknown): string {
  return typeof operation === 'string' && OPERATIONS.has(operation) ? operation : 'other'
}
