// Policy loading: YAML -> schema validation (ajv, compiled once) with defaults filled in.
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { Ajv, type ErrorObject } from 'ajv'
import { parse } from 'yaml'
import { PolicyError, type Policy } from './policy.js'

export { PolicyError, type Policy, type PolicyException } from './policy.js'

const schemaUrl = new URL('../../schemas/policy.schema.json', import.meta.url)
const policySchema: unknown = JSON.parse(readFileSync(schemaUrl, 'utf8'))

const ajv = new Ajv({ useDefaults: true, allErrors: true, strict: true })
const validatePolicy = ajv.compile<Policy>(policySchema as object)

function describe(error: ErrorObject): string {
  const field = error.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(top level)'
  const params = error.params as Record<string, unknown>
  if (error.keyword === 'additionalProperties') return `${field}: unknown key "${String(params.additionalProperty)}"`
  if (error.keyword === 'enum') return `${field}: must be one of ${(params.allowedValues as unknown[]).join(', ')}`
  return `${field}: ${error.message ?? 'is invalid'}`
}

/** Parses and validates policy YAML; `source` names the file in error messages. */
export function parsePolicy(text: string, source: string): Policy {
  let data: unknown
  try {
    data = parse(text) ?? {}
  } catch (err) {
    throw new PolicyError(`${source}: not valid YAML: ${err instanceof Error ? err.message : String(err)}`)
  }
  if (!validatePolicy(data)) {
    const problems = (validatePolicy.errors ?? []).map(describe)
    throw new PolicyError(`${source}: invalid policy: ${[...new Set(problems)].join('; ')}`)
  }
  // The schema checks the shape of an RFC 3339 time; this catches a 2026-02-30.
  const badTime = data.exceptions.findIndex((e) => !isRealTime(e.expires))
  if (badTime >= 0) throw new PolicyError(`${source}: invalid policy: exceptions.${badTime}.expires: not a real time: ${data.exceptions[badTime]?.expires ?? ''}`)
  return data
}

function isRealTime(text: string): boolean {
  const day = text.slice(0, 10)
  const midnight = new Date(`${day}T00:00:00Z`)
  return !Number.isNaN(Date.parse(text.toUpperCase())) && !Number.isNaN(midnight.getTime()) && midnight.toISOString().slice(0, 10) === day
}

export function defaultPolicy(): Policy {
  return parsePolicy('{}', 'default policy')
}

export async function loadPolicyFile(path: string): Promise<Policy> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new PolicyError(`${path}: cannot read policy: ${err instanceof Error ? err.message : String(err)}`)
  }
  return parsePolicy(text, path)
}
