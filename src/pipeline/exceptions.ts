// Exceptions from the policy: a denial of rule R for object K/N in namespace NS becomes a warning
// while an exception names NS, K (or *), a glob matching N, and R, and has not expired. The clock
// is the caller's: nothing here reads the time. Only the policy grants exceptions, never a label
// or annotation of the judged object.
import type { PolicyException } from '../policy/policy.js'
import type { RuleId } from './types.js'

/** What an exception is matched against. */
export interface ExceptionSubject {
  namespace: string
  kind: string
  /** The object's name, or its generateName while the API server has not yet chosen one. */
  name: string
}

const globs = new Map<string, RegExp>()

/** `*` matches any run of characters, `?` one; everything else literally. */
export function globMatches(glob: string, name: string): boolean {
  let re = globs.get(glob)
  if (!re) {
    const body = glob.replace(/[.+^${}()|[\]\\-]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')
    re = new RegExp(`^${body}$`)
    globs.set(glob, re)
  }
  return re.test(name)
}

export const isExpired = (e: PolicyException, now: Date): boolean => Date.parse(e.expires) <= now.getTime()

/** The first unexpired exception covering `rule` for `subject`. */
export function exceptionFor(exceptions: readonly PolicyException[], subject: ExceptionSubject, rule: RuleId, now: Date): PolicyException | undefined {
  return exceptions.find((e) =>
    e.namespace === subject.namespace &&
    (e.kind === '*' || e.kind === subject.kind) &&
    e.rules.includes(rule) &&
    globMatches(e.name, subject.name) &&
    !isExpired(e, now))
}

export const expiredExceptions = (exceptions: readonly PolicyException[], now: Date): PolicyException[] =>
  exceptions.filter((e) => isExpired(e, now))

/** One line naming an exception, for logs and notes. */
export const describeException = (e: PolicyException): string =>
  `exception ${e.namespace}/${e.kind}/${e.name} (${e.rules.join(',')}) until ${e.expires}: ${e.reason}`

/** The admission warning naming an exception applied (the namespace is the request's own). */
export const exceptionWarning = (e: PolicyException): string => `exception ${e.kind}/${e.name} until ${e.expires}: ${e.reason}`
