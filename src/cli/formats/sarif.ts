// SARIF 2.1.0 (what code scanning uploads take): one reportingDescriptor per rule, one result per
// finding, located at the chart template helm rendered the object from (else the input file).
import { isAbsolute } from 'node:path'
import { pathToFileURL } from 'node:url'
import { RULES, type Violation } from '../../pipeline/index.js'
import { VERSION } from '../../version.js'
import { relativePath, type Format, type JudgedObject } from './result.js'

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json'
const RULE_INDEX = new Map(RULES.map((rule, i) => [rule.id, i]))

/** A relative path stays relative (code scanning resolves it against the checkout). */
function uriOf(file: string): string {
  if (isAbsolute(file)) return pathToFileURL(file).href
  return file.replace(/\\/g, '/').replace(/^(\.\/)+/, '').split('/').map(encodeURIComponent).join('/')
}

function result(level: 'error' | 'warning', r: JudgedObject, v: Violation): object {
  const logical = { fullyQualifiedName: `${r.namespace}/${r.kind}/${r.name}`, kind: 'resource' }
  const physical = r.location
    ? { physicalLocation: { artifactLocation: { uri: uriOf(r.location.file) }, region: { startLine: r.location.line } } }
    : {}
  return {
    ruleId: v.rule,
    ...(RULE_INDEX.has(v.rule) ? { ruleIndex: RULE_INDEX.get(v.rule) } : {}),
    level,
    message: { text: `${r.kind}/${r.name}: ${relativePath(v, r)}: ${v.message}` },
    locations: [{ ...physical, logicalLocations: [logical] }],
  }
}

export const sarif: Format = (results) => `${JSON.stringify({
  $schema: SCHEMA,
  version: '2.1.0',
  runs: [{
    tool: {
      driver: {
        name: 'store-admission',
        version: VERSION,
        rules: RULES.map((rule) => ({
          id: rule.id,
          shortDescription: { text: rule.summary },
          defaultConfiguration: { level: 'error' },
        })),
      },
    },
    results: results.flatMap((r) => [
      ...r.violations.map((v) => result('error', r, v)),
      ...r.warnings.map((v) => result('warning', r, v)),
    ]),
  }],
}, null, 2)}\n`
