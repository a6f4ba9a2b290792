// Pod-level restricted settings and no service account token.
import type { Mutation } from './mutation.js'

export const podSecurity: Mutation = {
  id: 'pod-security',
  mutate(draft, { policy }) {
    const spec = draft.doc.spec
    if (!spec) return
    const { runAsUser, runAsGroup, fsGroup } = policy.securityContext
    draft.ensureFields(spec, '/spec', {
      automountServiceAccountToken: false,
      securityContext: {
        runAsNonRoot: true, runAsUser, runAsGroup, fsGroup,
        fsGroupChangePolicy: 'OnRootMismatch',
        seccompProfile: { type: 'RuntimeDefault' },
      },
    })
  },
}
