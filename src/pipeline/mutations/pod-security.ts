// Pod-level restricted settings and no service account token.
import { isWindowsPod } from '../pod.js'
import type { Mutation } from './mutation.js'

export const podSecurity: Mutation = {
  id: 'pod-security',
  mutate(draft, { policy }) {
    const spec = draft.doc.spec
    if (!spec) return
    // The API server refuses the Linux-only fields on a Windows pod; runAsNonRoot is what remains.
    if (isWindowsPod(spec)) return draft.ensureFields(spec, '/spec', { automountServiceAccountToken: false, securityContext: { runAsNonRoot: true } })
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
