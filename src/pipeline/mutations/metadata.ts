// Tenant and part-of labels (the mutated-by annotation is stamped last, on pods something changed).
import { PART_OF_LABEL, PART_OF_VALUE, TENANT_LABEL } from '../labels.js'
import type { Mutation } from './mutation.js'

export const metadata: Mutation = {
  id: 'metadata',
  mutate(draft, { namespace, shared }) {
    const labels: Record<string, string> = {}
    // In a shared namespace the pod names its tenant; validation requires it.
    const tenant = namespace.labels[TENANT_LABEL]
    if (!shared && tenant !== undefined) labels[TENANT_LABEL] = tenant
    labels[PART_OF_LABEL] = PART_OF_VALUE
    draft.ensureFields(draft.doc, '', { metadata: { labels } })
  },
}
