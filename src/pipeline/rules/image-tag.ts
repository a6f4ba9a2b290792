import { isDigest, parseImage } from './image.js'
import type { Rule } from './rule.js'

export const imageTag: Rule = {
  id: 'image-tag',
  appliesOnUpdate: true,
  summary: 'images must be pinned: a tag other than latest, or a digest',
  check: ({ containers }) => containers.flatMap(({ container, path }) => {
    const { tag, digest } = parseImage(container.image ?? '')
    if (isDigest(digest) || (digest === undefined && tag !== undefined && tag !== 'latest')) return []
    const problem = digest !== undefined ? 'has a malformed digest' : tag === undefined ? 'has no tag' : 'uses tag latest'
    return [{ path: `${path}.image`, reason: `${container.image ?? '(none)'} ${problem}; pin a version or digest` }]
  }),
}
