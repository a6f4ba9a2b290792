// Policy files: YAML -> schema validation (ajv, compiled on first use) with defaults filled in.
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { parse } from 'yaml'
import { PolicyError, type Policy } from './policy.js'

const schemaUrl = new URL('../../schemas/policy.schema.json', import.meta.url)
let validator: ValidateFunction<Policy> | undefined

/** The schema's validator, compiled when the first policy is read (about 100 ms). */
function policyValidator(): ValidateFunction<Policy> {
  validator ??= new Ajv({ useDefaults: true, allErrors: true, strict: true })
    .compile<Policy>(JSON.parse(readFileSync(schemaUrl, 'utf8')) as object)
  return validator
}

function describe(error: ErrorObject): string {
  const field = error.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(top level)'
  const params = error.params as Record<string, unknown>
  if (error.keyword === 'additionalProperties') return `${field}: unknown key "${String(params.additionalProperty)}"`
  if (error.keyword === 'enum') return `${field}: must be one of ${(params.allowedValues as unknown[]).join(', ')}`
  return `${field}: ${error.message ?? 'is invalid'}`
}

function readYaml(text: string, source: string): unknown {
  try {
    return parse(text)
  } catch (err) {
    throw new PolicyError(`${source}: not valid YAML: ${err instanceof Error ? err.message : String(err)}`)
  }
}

function checked(data: unknown, source: string): Policy {
  const validatePolicy = policyValidator()
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

/** Parses and validates policy YAML; `source` names the file in error messages. */
export function parsePolicy(text: string, source: string): Policy {
  return checked(readYaml(text, source) ?? {}, source)
}

/**
 * A policy file's text: a complete YAML mapping. A file that is empty (or only comments) or cut
 * short (its last line unfinished, as a non-atomic write leaves it) is refused, not read as "all
 * defaults": that would drop the registry allowlist and exemptions the file meant to set.
 */
export function parsePolicyFile(text: string, source: string): Policy {
  if (text.length > 0 && !text.endsWith('\n')) throw new PolicyError(`${source}: truncated policy file (its last line has no newline)`)
  const data = readYaml(text, source)
  if (data === null || data === undefined) throw new PolicyError(`${source}: empty policy file (write {} for the built-in defaults)`)
  return checked(data, source)
}

export async function loadPolicyFile(path: string): Promise<Policy> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new PolicyError(`${path}: cannot read policy: ${err instanceof Error ? err.message : String(err)}`)
  }
  return parsePolicyFile(text, path)
}
