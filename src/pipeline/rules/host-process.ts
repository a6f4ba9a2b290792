/*
 * Pod Security baseline (so restricted) "windowsHostProcess", as k8s.io/pod-security-admission
 * policy/check_windowsHostProcess.go of the pinned release (v1.34):
 *
 *   Pod and containers must not set securityContext.windowsOptions.hostProcess to true.
 *
 *   Restricted fields:
 *     spec.securityContext.windowsOptions.hostProcess
 *     spec.containers[*].securityContext.windowsOptions.hostProcess
 *     spec.initContainers[*].securityContext.windowsOptions.hostProcess
 *     (and spec.ephemeralContainers[*]: upstream visits every container)
 *   Allowed values: undefined / false
 */
import type { Rule } from './rule.js'
import { settingsOf } from './settings.js'

export const hostProcess: Rule = {
  id: 'host-process',
  appliesOnUpdate: false,
  summary: 'pods and containers must not set windowsOptions.hostProcess: true',
  check: (view) => settingsOf(view, (sc) => sc.windowsOptions?.hostProcess)
    .filter(({ value }) => value === true)
    .map(({ at }) => ({ path: `${at}.windowsOptions.hostProcess`, reason: 'must not be true' })),
}
