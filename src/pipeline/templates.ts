// Pod controllers and where their pod template lives.
import type { KubernetesObject, V1Pod, V1PodTemplateSpec } from '@kubernetes/client-node'
import { cloneJson } from './patch.js'

// A Map: a kind from input (`constructor`, `__proto__`) must not find Object.prototype's members.
const TEMPLATE_PATHS: ReadonlyMap<string, readonly string[]> = new Map([
  ['Deployment', ['spec', 'template']],
  ['StatefulSet', ['spec', 'template']],
  ['DaemonSet', ['spec', 'template']],
  ['ReplicaSet', ['spec', 'template']],
  ['Job', ['spec', 'template']],
  ['CronJob', ['spec', 'jobTemplate', 'spec', 'template']],
])

export const isPodController = (kind: string): boolean => TEMPLATE_PATHS.has(kind)

/** Dotted path of the template in a controller, e.g. `spec.jobTemplate.spec.template`. */
export const templatePath = (kind: string): string | undefined => TEMPLATE_PATHS.get(kind)?.join('.')

function valueAt(object: unknown, path: readonly string[]): unknown {
  let value: unknown = object
  for (const key of path) value = typeof value === 'object' && value !== null && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined
  return value
}

export function templateOf(object: unknown, kind: string): V1PodTemplateSpec | undefined {
  const path = TEMPLATE_PATHS.get(kind)
  const template = path ? valueAt(object, path) : undefined
  return typeof template === 'object' && template !== null ? template : undefined
}

/** The pod a template describes; it shares the template's objects, so copy it before writing. */
export function podOfTemplate(template: V1PodTemplateSpec): V1Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: template.metadata ?? {}, spec: template.spec }
}

/** A copy of the controller whose template is the given pod's metadata and spec. */
export function withTemplatePod<T extends KubernetesObject>(object: T, kind: string, pod: V1Pod): T {
  const path = TEMPLATE_PATHS.get(kind)
  const copy = cloneJson(object)
  const parent = path ? valueAt(copy, path.slice(0, -1)) : undefined
  if (path && typeof parent === 'object' && parent !== null) {
    (parent as Record<string, unknown>)[path[path.length - 1] ?? 'template'] = { metadata: pod.metadata, spec: pod.spec }
  }
  return copy
}
