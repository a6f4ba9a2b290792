// The structure the pipeline relies on. The API server only sends typed objects, but the CLI and
// tests may not: a pod that breaks it is left unmutated (no patch that could fail to apply) and
// cannot be judged (validation throws an error naming the field). The CLI refuses such input with
// the same words, naming the document. Plain loops: this runs for every object `check` reads.
import { templateOf, templatePath } from './templates.js'

type Json = Record<string, unknown>

/** A JSON mapping (not null, not a list). */
export const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const absent = (v: unknown): boolean => v === undefined || v === null

/** A field that, when present, must be a mapping (`object`) or a list of mappings (`list`). */
type Expect = 'object' | 'list'

type Fields = Readonly<Record<string, Expect>>

const POD_FIELDS: Fields = { volumes: 'list', imagePullSecrets: 'list', securityContext: 'object', os: 'object' }
const CONTAINER_FIELDS: Fields = {
  securityContext: 'object', resources: 'object', volumeMounts: 'list', env: 'list', envFrom: 'list', ports: 'list',
  lifecycle: 'object', livenessProbe: 'object', readinessProbe: 'object', startupProbe: 'object',
}
const SECURITY_FIELDS: Fields = {
  capabilities: 'object', seccompProfile: 'object', seLinuxOptions: 'object', appArmorProfile: 'object',
  windowsOptions: 'object', sysctls: 'list',
}
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const

function fieldsProblem(object: Json, at: string, fields: Fields): string | undefined {
  for (const field in fields) {
    const value = object[field]
    if (absent(value)) continue
    if (fields[field] === 'object') {
      if (!isRecord(value)) return `${at}.${field}: must be a mapping`
    } else {
      if (!Array.isArray(value)) return `${at}.${field}: must be a list`
      for (let i = 0; i < value.length; i++) if (!isRecord(value[i])) return `${at}.${field}[${i}]: must be a mapping`
    }
  }
  return undefined
}

function stringMap(value: unknown, at: string): string | undefined {
  if (absent(value)) return undefined
  if (!isRecord(value)) return `${at}: must be a mapping`
  for (const key in value) if (typeof value[key] !== 'string') return `${at}[${key}]: must be a string`
  return undefined
}

const isStringList = (list: unknown): boolean => Array.isArray(list) && list.every((c) => typeof c === 'string')

function securityProblem(container: Json, at: string): string | undefined {
  const sc = container.securityContext
  if (!isRecord(sc)) return undefined
  const caps = sc.capabilities
  if (isRecord(caps)) {
    for (const field of ['add', 'drop']) {
      if (!absent(caps[field]) && !isStringList(caps[field])) return `${at}.securityContext.capabilities.${field}: must be a list of strings`
    }
  }
  return fieldsProblem(sc, `${at}.securityContext`, SECURITY_FIELDS)
}

function containersProblem(spec: Json, list: typeof CONTAINER_LISTS[number]): string | undefined {
  const containers = spec[list]
  if (list === 'containers' && (absent(containers) || (Array.isArray(containers) && containers.length === 0))) return 'spec.containers: must be a non-empty list'
  if (absent(containers)) return undefined
  if (!Array.isArray(containers)) return `spec.${list}: must be a list`
  for (let i = 0; i < containers.length; i++) {
    const c: unknown = containers[i]
    const at = `spec.${list}[${i}]`
    if (!isRecord(c) || typeof c.name !== 'string') return `${at}: must be a mapping with a name`
    const problem = fieldsProblem(c, at, CONTAINER_FIELDS) ?? securityProblem(c, at)
    if (problem) return problem
  }
  return undefined
}

function volumesProblem(spec: Json): string | undefined {
  const volumes = spec.volumes
  if (!Array.isArray(volumes)) return undefined
  for (const v of volumes) if (typeof (v as Json).name !== 'string') return 'spec.volumes: every volume needs a name'
  return undefined
}

/** The first structural problem of a pod (`field: what it must be`); undefined if none. */
export function podShapeProblem(pod: unknown): string | undefined {
  if (!isRecord(pod)) return 'must be a mapping'
  const metadata = pod.metadata
  if (!absent(metadata) && !isRecord(metadata)) return 'metadata: must be a mapping'
  const meta = isRecord(metadata) ? metadata : {}
  const spec = pod.spec
  if (!isRecord(spec)) return 'spec: must be a mapping'
  const problem = stringMap(meta.labels, 'metadata.labels') ?? stringMap(meta.annotations, 'metadata.annotations') ??
    fieldsProblem(spec, 'spec', POD_FIELDS) ?? volumesProblem(spec) ??
    (isRecord(spec.securityContext) ? fieldsProblem(spec.securityContext, 'spec.securityContext', SECURITY_FIELDS) : undefined)
  if (problem) return problem
  for (const list of CONTAINER_LISTS) {
    const containers = containersProblem(spec, list)
    if (containers) return containers
  }
  return undefined
}

/**
 * The first structural problem of a Pod or a pod controller's template, the path starting at the
 * object (`spec.template.spec.containers: ...`); undefined if none, or for any other kind.
 */
export function objectShapeProblem(object: unknown, kind: string): string | undefined {
  if (kind === 'Pod') return podShapeProblem(object)
  const path = templatePath(kind)
  if (path === undefined) return undefined
  const template: unknown = isRecord(object) ? templateOf(object, kind) : undefined
  if (!isRecord(template)) return `${path}: must be a mapping`
  const problem = podShapeProblem({ metadata: template.metadata, spec: template.spec })
  return problem === undefined ? undefined : `${path}.${problem}`
}
