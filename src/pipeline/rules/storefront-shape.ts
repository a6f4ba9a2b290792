import {
  APP_CONTAINER_ANNOTATION, NGINX_CONTAINER, STORAGE_CLAIM_ANNOTATION, STORAGE_VOLUME, STOREFRONT_ROLE,
} from '../labels.js'
import { annotationsOf, appContainerName, misfitStorefrontVolumes, nginxContainersOf, roleOf } from '../pod.js'
import type { Finding, Rule } from './rule.js'

export const storefrontShape: Rule = {
  id: 'storefront-shape',
  appliesOnUpdate: false,
  summary: 'a storefront pod needs an app container, an nginx container (plain or native sidecar) and a storage PVC',
  check({ pod, spec }) {
    if (roleOf(pod) !== STOREFRONT_ROLE) return []
    const findings: Finding[] = []
    if (appContainerName(pod) === undefined) {
      const named = annotationsOf(pod)[APP_CONTAINER_ANNOTATION]
      findings.push(named === undefined
        ? { path: 'spec.containers', reason: 'no app container (only nginx)' }
        : { path: `metadata.annotations[${APP_CONTAINER_ANNOTATION}]`, reason: `names container ${named}, which does not exist` })
    }
    if (nginxContainersOf(spec).length === 0) {
      findings.push({ path: 'spec.containers', reason: `no ${NGINX_CONTAINER} container (plain, or a native sidecar in initContainers)` })
    }
    // A volume named like a storefront volume is never mounted for it when its source differs.
    for (const { name, source, wanted } of misfitStorefrontVolumes(pod)) {
      findings.push({
        path: `spec.volumes[${name}]`,
        reason: `must be ${/^[aeiou]/.test(wanted) ? 'an' : 'a'} ${wanted} (is ${source ?? 'without a source'}): the storefront's mounts use this name; rename the volume`,
      })
    }
    if (!spec.volumes?.some((v) => v.name === STORAGE_VOLUME)) {
      const claim = annotationsOf(pod)[STORAGE_CLAIM_ANNOTATION]
      findings.push({
        path: `spec.volumes[${STORAGE_VOLUME}]`,
        reason: claim ? `missing (annotation ${STORAGE_CLAIM_ANNOTATION} names ${claim}, but the pod was not shaped)` : `missing; set annotation ${STORAGE_CLAIM_ANNOTATION}`,
      })
    }
    return findings
  },
}
