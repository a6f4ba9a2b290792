// Container image references: repository (normalized like Docker does), tag and digest.
export interface ImageRef {
  /** e.g. `docker.io/library/nginx`, `ghcr.io/acme/shop`. */
  repository: string
  tag: string | undefined
  digest: string | undefined
}

// Index arithmetic rather than split and destructuring: this runs for every container `check` reads.
export function parseImage(image: string): ImageRef {
  const at = image.indexOf('@')
  const name = at === -1 ? image : image.slice(0, at)
  const nextAt = at === -1 ? -1 : image.indexOf('@', at + 1)
  const digest = at === -1 ? undefined : image.slice(at + 1, nextAt === -1 ? image.length : nextAt)
  const slash = name.lastIndexOf('/')
  const colon = name.lastIndexOf(':')
  const tag = colon > slash ? name.slice(colon + 1) : undefined
  const path = colon > slash ? name.slice(0, colon) : name
  const firstSlash = path.indexOf('/')
  const first = firstSlash === -1 ? path : path.slice(0, firstSlash)
  const hasRegistry = firstSlash !== -1 && (first.includes('.') || first.includes(':') || first === 'localhost')
  const registry = hasRegistry ? first : 'docker.io'
  const repo = hasRegistry ? path.slice(firstSlash + 1) : path
  const library = registry === 'docker.io' && !repo.includes('/') ? 'library/' : ''
  return { repository: `${registry}/${library}${repo}`, tag, digest }
}

/** A well-formed content digest (`sha256:<hex>`); `nginx@` or `nginx@junk` pins nothing. */
export const isDigest = (digest: string | undefined): boolean =>
  digest !== undefined && /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/.test(digest)

/** An allowlist entry matches the repository itself or a prefix of it ending at a `/`. */
export function allowedBy(repository: string, entry: string): boolean {
  const prefix = entry.replace(/\/+$/, '')
  return repository === prefix || repository.startsWith(`${prefix}/`)
}
