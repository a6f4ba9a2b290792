import type { Rule } from './rule.js'

// Pod Security "restricted": the only volume sources allowed.
const ALLOWED_VOLUME_TYPES = new Set([
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret',
])

export const volumeTypes: Rule = {
  id: 'volume-types',
  appliesOnUpdate: false,
  summary: `volumes must be one of ${[...ALLOWED_VOLUME_TYPES].join(', ')}`,
  check: ({ spec }) => (spec.volumes ?? []).flatMap((volume) => Object.entries(volume)
    .filter(([type, source]) => type !== 'name' && source !== undefined && source !== null && !ALLOWED_VOLUME_TYPES.has(type))
    .map(([type]) => ({ path: `spec.volumes[${volume.name}].${type}`, reason: `${type} volumes are not allowed` }))),
}
