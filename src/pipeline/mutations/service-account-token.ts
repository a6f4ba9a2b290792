// No service account token in store pods. The API server's ServiceAccount admission runs before
// the webhooks: for a pod that leaves automountServiceAccountToken unset it has already added the
// projected `kube-api-access-*` volume and its mounts. Setting the field to false afterwards (the
// pod-security mutation) would leave the token mounted, so the volume and its mounts go too: the
// pod ends up as the API server would have made it had the field been false.
import type { V1Volume } from '@kubernetes/client-node'
import type { PatchDraft } from '../patch.js'
import { containersOf } from '../pod.js'
import type { Mutation } from './mutation.js'

const isInjectedTokenVolume = (v: V1Volume): boolean =>
  v.name.startsWith('kube-api-access-') && (v.projected?.sources ?? []).some((s) => s.serviceAccountToken !== undefined)

/** Removes the items of `array` (at `at`) that `match`, last first, so each index is valid when applied. */
function removeWhere<T>(draft: PatchDraft<object>, array: T[] | undefined, at: string, matches: (item: T) => boolean): void {
  for (let i = (array?.length ?? 0) - 1; i >= 0; i--) if (array && matches(array[i] as T)) draft.remove(array, at, i)
}

// First in the table: its removals shift indexes, so they precede every `add` built on the draft.
export const serviceAccountToken: Mutation = {
  id: 'service-account-token',
  mutate(draft) {
    const spec = draft.doc.spec
    if (!spec || spec.automountServiceAccountToken !== undefined) return
    const injected = new Set((spec.volumes ?? []).filter(isInjectedTokenVolume).map((v) => v.name))
    if (injected.size === 0) return
    for (const { container, pointer } of containersOf(spec)) {
      removeWhere(draft, container.volumeMounts, `${pointer}/volumeMounts`, (m) => injected.has(m.name))
    }
    removeWhere(draft, spec.volumes, '/spec/volumes', (v) => injected.has(v.name))
  },
}
