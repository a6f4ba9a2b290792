// The policy in force: read at start (an invalid file is fatal then) and re-read when the file
// changes (an invalid change is refused: logged, counted, and the last good policy kept).
import { readFileSync } from 'node:fs'
import type { Logger } from 'pino'
import { hasPlatformAdmins } from '../pipeline/index.js'
import { type Policy, defaultPolicy } from '../policy/index.js'
import { parsePolicyFile } from '../policy/parse.js'
import type { Metrics } from './metrics.js'
import { watchFiles } from './watch-file.js'

export interface PolicySource {
  current(): Policy
  stop(): void
}

/** Says so when namespace-tenant guards nothing: without platform admins, only RBAC guards a
 *  Namespace's tenancy labels. */
function warnIfInert(policy: Policy, logger: Logger): void {
  if (policy.rules['namespace-tenant'] !== 'off' && !hasPlatformAdmins(policy)) {
    logger.warn({ rule: 'namespace-tenant' }, 'namespace-tenant is inert: the policy names no platformAdmins, so anyone RBAC lets label Namespaces may set, change or remove store.platform.io/tenant and store.platform.io/shared')
  }
}

export function startPolicySource(path: string | undefined, intervalMs: number, logger: Logger, metrics: Metrics): PolicySource {
  if (path === undefined) {
    const policy = defaultPolicy()
    warnIfInert(policy, logger)
    return { current: () => policy, stop: () => {} }
  }
  let policy = parsePolicyFile(readFileSync(path, 'utf8'), path)
  warnIfInert(policy, logger)
  const stop = watchFiles([path], intervalMs, () => {
    try {
      policy = parsePolicyFile(readFileSync(path, 'utf8'), path)
      logger.info({ policy: path }, 'policy reloaded')
      warnIfInert(policy, logger)
    } catch (err) {
      metrics.policyReloadFailures.inc()
      logger.error({ policy: path, error: err instanceof Error ? err.message : String(err) }, 'policy change refused; keeping the last good policy')
    }
  })
  return { current: () => policy, stop }
}
