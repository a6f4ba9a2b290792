// GitHub Actions workflow commands: `::error file=F,line=L,title=<rule>::<Kind>/<name>: <path>: <reason>`
// (`::warning` for rules in warn mode), which GitHub shows as annotations on the file.
import type { Violation } from '../../pipeline/index.js'
import { relativePath, type Format, type JudgedObject } from './result.js'

// The escapes of @actions/core: data may not hold a newline; property values not `:` or `,` either.
const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C')

function command(level: 'error' | 'warning', r: JudgedObject, v: Violation): string {
  const where = r.location ? [`file=${escapeProperty(r.location.file)}`, `line=${r.location.line}`] : []
  const properties = [...where, `title=${escapeProperty(v.rule)}`].join(',')
  return `::${level} ${properties}::${escapeData(`${r.kind}/${r.name}: ${relativePath(v, r)}: ${v.message}`)}\n`
}

export const github: Format = (results) => results.flatMap((r) => [
  ...r.violations.map((v) => command('error', r, v)),
  ...r.warnings.map((v) => command('warning', r, v)),
]).join('')
