import { allowedBy, parseImage } from './image.js'
import type { Rule } from './rule.js'

export const imageRegistry: Rule = {
  id: 'image-registry',
  appliesOnUpdate: true,
  summary: "images must come from the policy's registry allowlist (when one is set)",
  check: ({ containers, policy }) => {
    if (policy.registries.length === 0) return []
    return containers.flatMap(({ container, path }) => {
      const { repository } = parseImage(container.image ?? '')
      if (policy.registries.some((entry) => allowedBy(repository, entry))) return []
      return [{ path: `${path}.image`, reason: `${repository} is not in the registry allowlist (${policy.registries.join(', ')})` }]
    })
  },
}
