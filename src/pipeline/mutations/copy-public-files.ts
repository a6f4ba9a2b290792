// Storefront pods: the `copy-public-files` init container, first in initContainers.
import type { V1Container } from '@kubernetes/client-node'
import { COPY_PUBLIC_FILES, PUBLIC_PATH, PUBLIC_VOLUME, STORAGE_VOLUME } from '../labels.js'
import type { Mutation } from './mutation.js'
import { storefrontPlan } from './storefront.js'

/**
 * Empties the shared emptyDir (a restarted pod may have left read-only copies), copies the image's
 * public files into it, creates Laravel's storage tree on the PVC and links public/storage to it.
 * POSIX sh, run with `sh -ec`; safe on a read-only source, when run twice, and as a non-root user
 * on a root-owned mount point (it never chmods the mount itself). Byte-for-byte the chart's
 * `store-lib.storefront.copyPublicFilesScript`: test/charts/webhook.test.ts compares them, and
 * test/runtime runs the chart's copy against real files.
 */
export const COPY_PUBLIC_FILES_SCRIPT = `set -eu
: "\${PUBLIC_SOURCE:?}" "\${PUBLIC_TARGET:?}" "\${STORAGE_TARGET:?}" "\${STORAGE_LINK_TARGET:?}"
# 1. Empty the shared public dir (a previous run may have left read-only copies).
for entry in "$PUBLIC_TARGET"/* "$PUBLIC_TARGET"/.[!.]* "$PUBLIC_TARGET"/..?*; do
  if [ -L "$entry" ]; then rm -f "$entry"
  elif [ -e "$entry" ]; then chmod -R u+w "$entry" && rm -rf "$entry"
  fi
done
# 2. Copy the image's public files (links kept as links), then make the copy writable.
cp -RP "$PUBLIC_SOURCE"/. "$PUBLIC_TARGET"/
rm -rf "$PUBLIC_TARGET/storage"
for entry in "$PUBLIC_TARGET"/* "$PUBLIC_TARGET"/.[!.]* "$PUBLIC_TARGET"/..?*; do
  if [ -e "$entry" ] && [ ! -L "$entry" ]; then chmod -R u+w "$entry"; fi
done
# 3. Create Laravel's storage tree on the storage volume.
for dir in app/public framework/cache/data framework/sessions framework/views logs; do
  mkdir -p "$STORAGE_TARGET/$dir"
done
# 4. Recreate the public/storage symlink (emptyDirs do not keep the image's link).
rm -f "$PUBLIC_TARGET/storage"
ln -s "$STORAGE_LINK_TARGET" "$PUBLIC_TARGET/storage"
echo "copy-public-files: $PUBLIC_SOURCE -> $PUBLIC_TARGET; storage tree in $STORAGE_TARGET; storage -> $STORAGE_LINK_TARGET"
`

export const PUBLIC_TARGET = '/public-shared'
export const STORAGE_TARGET = '/storage-shared'
export const STORAGE_LINK_TARGET = '/var/www/html/storage/app/public'

export function copyPublicFilesContainer(app: V1Container): V1Container {
  return {
    name: COPY_PUBLIC_FILES,
    image: app.image,
    ...(app.imagePullPolicy ? { imagePullPolicy: app.imagePullPolicy } : {}),
    command: ['/bin/sh', '-ec', COPY_PUBLIC_FILES_SCRIPT],
    env: [
      { name: 'PUBLIC_SOURCE', value: PUBLIC_PATH },
      { name: 'PUBLIC_TARGET', value: PUBLIC_TARGET },
      { name: 'STORAGE_TARGET', value: STORAGE_TARGET },
      { name: 'STORAGE_LINK_TARGET', value: STORAGE_LINK_TARGET },
    ],
    volumeMounts: [
      { name: PUBLIC_VOLUME, mountPath: PUBLIC_TARGET },
      { name: STORAGE_VOLUME, mountPath: STORAGE_TARGET },
    ],
  }
}

// Inserted bare; the container mutations after this one give it securityContext and resources
// (carried by this single `add`). Index 0 puts it before native sidecars too.
export const copyPublicFiles: Mutation = {
  id: 'copy-public-files',
  mutate(draft) {
    const spec = draft.doc.spec
    const plan = storefrontPlan(draft.doc)
    const app = spec?.containers.find((c) => c.name === plan?.app)
    if (!spec || !app) return
    const container = copyPublicFilesContainer(app)
    if (!spec.initContainers) draft.set(spec, '/spec', 'initContainers', [container])
    else if (!spec.initContainers.some((c) => c.name === COPY_PUBLIC_FILES)) draft.insert(spec.initContainers, '/spec/initContainers', 0, container)
  },
}
