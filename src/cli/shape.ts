// Just enough structure to judge an object safely; anything else is unusable input (exit 2).
import type { KubernetesObject } from '@kubernetes/client-node'
import { templatePath } from '../pipeline/index.js'

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function podSpecProblem(spec: unknown, at: string): string | undefined {
  if (!isRecord(spec)) return `${at}: must be a mapping`
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) return `${at}.containers: must be a non-empty list`
  for (const list of ['initContainers', 'containers'] as const) {
    const containers: unknown = spec[list] ?? []
    if (!Array.isArray(containers)) return `${at}.${list}: must be a list`
    const bad = containers.findIndex((c) => !isRecord(c) || typeof c.name !== 'string')
    if (bad >= 0) return `${at}.${list}[${bad}]: must be a mapping with a name`
    for (const [i, c] of (containers as Record<string, unknown>[]).entries()) {
      const field = ['volumeMounts', 'env', 'envFrom', 'ports'].find((f) => c[f] !== undefined && !Array.isArray(c[f]))
      if (field) return `${at}.${list}[${i}].${field}: must be a list`
    }
  }
  for (const list of ['volumes', 'imagePullSecrets'] as const) {
    if (spec[list] !== undefined && !Array.isArray(spec[list])) return `${at}.${list}: must be a list`
  }
  return undefined
}

/** The first structural problem of a Pod or pod controller, naming the field; undefined if none. */
export function shapeProblem(object: KubernetesObject): string | undefined {
  const kind = object.kind ?? ''
  if (kind === 'Pod') return podSpecProblem((object as { spec?: unknown }).spec, 'spec')
  const path = templatePath(kind)
  if (!path) return undefined
  let value: unknown = object
  for (const key of path.split('.')) value = isRecord(value) ? value[key] : undefined
  if (!isRecord(value)) return `${path}: must be a mapping`
  return podSpecProblem(value.spec, `${path}.spec`)
}
