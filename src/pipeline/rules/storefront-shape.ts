import {
  APP_CONTAINER_ANNOTATION, NGINX_CONTAINER, STORAGE_CLAIM_ANNOTATION, STORAGE_VOLUME, STOREFRONT_ROLE,
} from '../labels.js'
import { annotationsOf, appContainerName, roleOf } from '../pod.js'
import type { Finding, Rule } from './rule.js'

export const storefrontShape: Rule = {
  id: 'storefront-shape',
  appliesOnUpdate: false,
  summary: 'a storefront pod needs an app container, an nginx container and a storage PVC',
  check({ pod, spec }) {
    if (roleOf(pod) !== STOREFRONT_ROLE) return []
    const findings: Finding[] = []
    if (appContainerName(pod) === undefined) {
      const named = annotationsOf(pod)[APP_CONTAINER_ANNOTATION]
      findings.push(named === undefined
        ? { path: 'spec.containers', reason: 'no app container (only nginx)' }
        : { path: `metadata.annotations[${APP_CONTAINER_ANNOTATION}]`, reason: `names container ${named}, which does not exist` })
    }
    if (!spec.containers.some((c) => c.name === NGINX_CONTAINER)) {
      findings.push({ path: 'spec.containers', reason: `no ${NGINX_CONTAINER} container` })
    }
    const storage = spec.volumes?.find((v) => v.name === STORAGE_VOLUME)
    if (!storage?.persistentVolumeClaim) {
      findings.push({
        path: `spec.volumes[${STORAGE_VOLUME}]`,
        reason: storage ? 'must be a persistentVolumeClaim' : `missing; set annotation ${STORAGE_CLAIM_ANNOTATION}`,
      })
    }
    return findings
  },
}
