// The structure the pipeline relies on. The API server only sends typed objects, but the CLI and
// tests may not: a pod that breaks it is left unmutated (no patch that could fail to apply) and
// cannot be judged (validation throws an error naming the field).
type Json = Record<string, unknown>

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const absent = (v: unknown): boolean => v === undefined || v === null

/** A field that, when present, must be a mapping (`object`) or a list of mappings (`list`). */
type Expect = 'object' | 'list'

const POD_FIELDS: ReadonlyArray<[string, Expect]> = [
  ['volumes', 'list'], ['imagePullSecrets', 'list'], ['securityContext', 'object'], ['os', 'object'],
]
const CONTAINER_FIELDS: ReadonlyArray<[string, Expect]> = [
  ['securityContext', 'object'], ['resources', 'object'], ['volumeMounts', 'list'], ['env', 'list'],
  ['envFrom', 'list'], ['ports', 'list'], ['lifecycle', 'object'],
  ['livenessProbe', 'object'], ['readinessProbe', 'object'], ['startupProbe', 'object'],
]
const SECURITY_FIELDS: ReadonlyArray<[string, Expect]> = [
  ['capabilities', 'object'], ['seccompProfile', 'object'], ['seLinuxOptions', 'object'],
  ['appArmorProfile', 'object'], ['windowsOptions', 'object'], ['sysctls', 'list'],
]

function fieldsProblem(object: Json, at: string, fields: ReadonlyArray<[string, Expect]>): string | undefined {
  for (const [field, expect] of fields) {
    const value = object[field]
    if (absent(value)) continue
    if (expect === 'object' && !isRecord(value)) return `${at}.${field}: must be a mapping`
    if (expect === 'list') {
      if (!Array.isArray(value)) return `${at}.${field}: must be a list`
      const bad = value.findIndex((item) => !isRecord(item))
      if (bad >= 0) return `${at}.${field}[${bad}]: must be a mapping`
    }
  }
  return undefined
}

function stringMap(value: unknown, at: string): string | undefined {
  if (absent(value)) return undefined
  if (!isRecord(value)) return `${at}: must be a mapping`
  const bad = Object.entries(value).find(([, v]) => typeof v !== 'string')
  return bad ? `${at}[${bad[0]}]: must be a string` : undefined
}

function securityProblem(container: Json, at: string): string | undefined {
  const sc = container.securityContext
  if (!isRecord(sc)) return undefined
  const caps = sc.capabilities
  for (const field of ['add', 'drop']) {
    const list = isRecord(caps) ? caps[field] : undefined
    if (!absent(list) && !(Array.isArray(list) && list.every((c) => typeof c === 'string'))) return `${at}.securityContext.capabilities.${field}: must be a list of strings`
  }
  return fieldsProblem(sc, `${at}.securityContext`, SECURITY_FIELDS)
}

function containersProblem(spec: Json, list: string): string | undefined {
  const containers = spec[list]
  if (absent(containers) && list !== 'containers') return undefined
  if (!Array.isArray(containers)) return `spec.${list}: must be a list`
  for (const [i, c] of containers.entries()) {
    const at = `spec.${list}[${i}]`
    if (!isRecord(c) || typeof c.name !== 'string') return `${at}: must be a mapping with a name`
    const problem = fieldsProblem(c, at, CONTAINER_FIELDS) ?? securityProblem(c, at)
    if (problem) return problem
  }
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
  const volumes = spec.volumes
  return stringMap(meta.labels, 'metadata.labels') ?? stringMap(meta.annotations, 'metadata.annotations') ??
    fieldsProblem(spec, 'spec', POD_FIELDS) ??
    (Array.isArray(volumes) && volumes.some((v: Json) => typeof v.name !== 'string') ? 'spec.volumes: every volume needs a name' : undefined) ??
    (isRecord(spec.securityContext) ? fieldsProblem(spec.securityContext, 'spec.securityContext', SECURITY_FIELDS) : undefined) ??
    containersProblem(spec, 'initContainers') ?? containersProblem(spec, 'containers') ?? containersProblem(spec, 'ephemeralContainers')
}
