// One line per finding: `DENY <Kind>/<name>: <rule>: <path>: <reason>` (and `WARN ...`).
import { describe, type Format } from './result.js'

export const text: Format = (results) => results.flatMap((r) => [
  ...r.violations.map((v) => `DENY ${r.kind}/${r.name}: ${describe(v, r)}\n`),
  ...r.warnings.map((v) => `WARN ${r.kind}/${r.name}: ${describe(v, r)}\n`),
]).join('')
