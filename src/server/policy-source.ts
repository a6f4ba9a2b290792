// The policy in force: read at start (an invalid file is fatal then) and re-read when the file
// changes (an invalid change is refused: logged, counted, and the last good policy kept).
import { readFileSync } from 'node:fs'
import type { Logger } from 'pino'
import { type Policy, defaultPolicy, parsePolicyFile } from '../policy/index.js'
import type { Metrics } from './metrics.js'
import { watchFiles } from './watch-file.js'

export interface PolicySource {
  current(): Policy
  stop(): void
}

export function startPolicySource(path: string | undefined, intervalMs: number, logger: Logger, metrics: Metrics): PolicySource {
  if (path === undefined) {
    const policy = defaultPolicy()
    return { current: () => policy, stop: () => {} }
  }
  let policy = parsePolicyFile(readFileSync(path, 'utf8'), path)
  const stop = watchFiles([path], intervalMs, () => {
    try {
      policy = parsePolicyFile(readFileSync(path, 'utf8'), path)
      logger.info({ policy: path }, 'policy reloaded')
    } catch (err) {
      metrics.policyReloadFailures.inc()
      logger.error({ policy: path, error: err instanceof Error ? err.message : String(err) }, 'policy change refused; keeping the last good policy')
    }
  })
  return { current: () => policy, stop }
}
