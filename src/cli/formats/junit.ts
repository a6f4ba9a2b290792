// JUnit XML (what GitLab, Jenkins and most CI read as test reports): a testcase per object, a
// failure per denial; warnings go to the testcase's system-out.
import { describe, type Format, type JudgedObject } from './result.js'

// XML 1.0 cannot carry most control characters, even escaped.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }
const xml = (s: string): string => s.replace(NOT_XML, '\uFFFD').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)

function testcase(r: JudgedObject): string {
  const attributes = [
    `classname="${xml(r.namespace)}"`, `name="${xml(`${r.kind}/${r.name}`)}"`,
    ...(r.location ? [`file="${xml(r.location.file)}"`, `line="${r.location.line}"`] : []),
  ].join(' ')
  const failures = r.violations.map((v) => {
    const line = xml(describe(v, r))
    return `      <failure message="${line}" type="${xml(v.rule)}">${line}</failure>\n`
  })
  const warnings = r.warnings.map((v) => `WARN ${describe(v, r)}`).join('\n')
  const out = warnings ? `      <system-out>${xml(warnings)}</system-out>\n` : ''
  if (failures.length === 0 && !out) return `    <testcase ${attributes}/>\n`
  return `    <testcase ${attributes}>\n${failures.join('')}${out}    </testcase>\n`
}

export const junit: Format = (results) => {
  const failed = results.filter((r) => r.violations.length > 0).length
  const counts = `tests="${results.length}" failures="${failed}" errors="0" skipped="0"`
  return '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="store-admission check" ${counts}>\n` +
    `  <testsuite name="store-admission check" ${counts}>\n` +
    results.map(testcase).join('') +
    '  </testsuite>\n</testsuites>\n'
}
