// Storefront pods: the `copy-public-files` init container, first in initContainers.
import type { V1Container } from '@kubernetes/client-node'
import { COPY_PUBLIC_FILES, PUBLIC_PATH, PUBLIC_VOLUME, STORAGE_VOLUME } from '../labels.js'
import type { Mutation } from './mutation.js'
import { storefrontPlan } from './storefront.js'

/**
 * Copies the image's public files into the shared emptyDir, creates Laravel's storage tree on the
 * PVC and links public/storage to it. POSIX sh, run with `sh -ec`; safe on a read-only source and
 * when run twice (restarted pod). The Helm chart ships the same script
 * (`store-lib.storefront.copyPublicFilesScript`): keep them identical.
 */
export const COPY_PUBLIC_FILES_SCRIPT = `rm -rf "$PUBLIC_TARGET/storage"
cp -RP "$PUBLIC_SOURCE/." "$PUBLIC_TARGET/"
chmod -R u+w "$PUBLIC_TARGET"
rm -rf "$PUBLIC_TARGET/storage"
for dir in app/public framework/cache/data framework/sessions framework/views logs; do
  mkdir -p "$STORAGE_TARGET/$dir"
done
ln -s "$STORAGE_LINK_TARGET" "$PUBLIC_TARGET/storage"
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
// (folded into this single `add` by the pipeline). Index 0 puts it before native sidecars too.
export const copyPublicFiles: Mutation = {
  id: 'copy-public-files',
  mutate(pod) {
    const plan = storefrontPlan(pod)
    const app = pod.spec?.containers.find((c) => c.name === plan?.app)
    const initContainers = pod.spec?.initContainers
    if (!app || initContainers?.some((c) => c.name === COPY_PUBLIC_FILES)) return []
    const container = copyPublicFilesContainer(app)
    return initContainers
      ? [{ op: 'add', path: '/spec/initContainers/0', value: container }]
      : [{ op: 'add', path: '/spec/initContainers', value: [container] }]
  },
}
