// Every container: no privilege escalation, all capabilities dropped.
import type { V1Container } from '@kubernetes/client-node'
import type { Operation } from 'fast-json-patch'
import { containersOf } from '../pod.js'
import { ensureFields, pointer } from '../patch.js'
import type { Mutation } from './mutation.js'

// The API server rejects allowPrivilegeEscalation: false next to these; validation denies them anyway.
function escalationForced(c: V1Container): boolean {
  const added = c.securityContext?.capabilities?.add ?? []
  return c.securityContext?.privileged === true || added.some((cap) => cap === 'SYS_ADMIN' || cap === 'CAP_SYS_ADMIN')
}

export const containerSecurity: Mutation = {
  id: 'container-security',
  mutate(pod) {
    return containersOf(pod.spec).flatMap(({ container, pointer: at }): Operation[] => {
      const wanted: Record<string, unknown> = escalationForced(container) ? {} : { allowPrivilegeEscalation: false }
      wanted.capabilities = { drop: ['ALL'] }
      return ensureFields(container.securityContext, pointer(at, 'securityContext'), wanted)
    })
  },
}
