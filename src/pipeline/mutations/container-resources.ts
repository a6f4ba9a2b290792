// Default requests and memory limit where missing, consistent with what is already set.
import { containersOf } from '../pod.js'
import { largerQuantity } from '../quantity.js'
import type { Mutation } from './mutation.js'

export const containerResources: Mutation = {
  id: 'container-resources',
  mutate(draft, { policy }) {
    const defaults = policy.defaultResources
    for (const { container, pointer } of containersOf(draft.doc.spec)) {
      const requests = container.resources?.requests ?? {}
      const limits = container.resources?.limits ?? {}
      // Like the API server, a missing request defaults to an explicit limit; a default limit never
      // goes below the request, or the pod would be invalid.
      const memoryRequest = requests.memory ?? limits.memory ?? defaults.requests.memory
      draft.ensureObject(container, pointer, 'resources', {
        requests: { cpu: limits.cpu ?? defaults.requests.cpu, memory: memoryRequest },
        limits: { memory: largerQuantity(memoryRequest, defaults.limits.memory) },
      })
    }
  },
}
