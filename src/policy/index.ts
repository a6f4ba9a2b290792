// The policy types and the built-in default policy. Parsing a policy file (yaml, ajv) lives in
// parse.ts, loaded only where a file is read, so that `check` without --policy starts without them.
import { readFileSync } from 'node:fs'
import jsyaml from 'js-yaml'
import type { Policy } from './policy.js'

export { PolicyError, type Policy, type PolicyException } from './policy.js'

// Every key of policy/default.yaml is set, and a unit test proves it equals what the schema's
// defaults make of `{}`: no schema validation at start.
const defaultUrl = new URL('../../policy/default.yaml', import.meta.url)
let parsedDefault: Policy | undefined

/** The built-in policy (policy/default.yaml); a fresh copy each call, as callers may change it. */
export function defaultPolicy(): Policy {
  parsedDefault ??= jsyaml.load(readFileSync(defaultUrl, 'utf8'), { schema: jsyaml.CORE_SCHEMA }) as Policy
  return structuredClone(parsedDefault)
}
