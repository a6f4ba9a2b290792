// Pod-level restricted settings and no service account token.
import { ensureFields } from '../patch.js'
import type { Mutation } from './mutation.js'

export const podSecurity: Mutation = {
  id: 'pod-security',
  mutate(pod, { policy }) {
    const { runAsUser, runAsGroup, fsGroup } = policy.securityContext
    return ensureFields(pod.spec, '/spec', {
      automountServiceAccountToken: false,
      securityContext: {
        runAsNonRoot: true, runAsUser, runAsGroup, fsGroup,
        fsGroupChangePolicy: 'OnRootMismatch',
        seccompProfile: { type: 'RuntimeDefault' },
      },
    })
  },
}
