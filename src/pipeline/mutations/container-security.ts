// Every container: no privilege escalation, all capabilities dropped.
import type { V1Container } from '@kubernetes/client-node'
import { containersOf, isWindowsPod } from '../pod.js'
import type { Mutation } from './mutation.js'

// The API server rejects allowPrivilegeEscalation: false next to these; validation denies them anyway.
function escalationForced(c: V1Container): boolean {
  const added = c.securityContext?.capabilities?.add ?? []
  return c.securityContext?.privileged === true || added.some((cap) => cap === 'SYS_ADMIN' || cap === 'CAP_SYS_ADMIN')
}

export const containerSecurity: Mutation = {
  id: 'container-security',
  mutate(draft) {
    if (isWindowsPod(draft.doc.spec)) return // the API server refuses these fields on a Windows pod
    for (const { container, pointer } of containersOf(draft.doc.spec)) {
      const wanted: Record<string, unknown> = escalationForced(container) ? {} : { allowPrivilegeEscalation: false }
      wanted.capabilities = { drop: ['ALL'] }
      draft.ensureObject(container, pointer, 'securityContext', wanted)
    }
  },
}
