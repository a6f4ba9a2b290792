// Storefront pods: the `copy-public-files` init container, first in initContainers.
import { readFileSync } from 'node:fs'
import type { V1Container } from '@kubernetes/client-node'
import { COPY_PUBLIC_FILES, PUBLIC_PATH, PUBLIC_VOLUME, STORAGE_VOLUME } from '../labels.js'
import type { Mutation } from './mutation.js'
import { storefrontPlan } from './storefront.js'

/**
 * The script's one copy is the library chart's define, in a file of its own that ships with the
 * package and the image (a library chart's `.Files` would resolve in the parent chart, so the chart
 * cannot read a plain file of ours; we can read its template). Read once at start; it holds no
 * template action, so helm renders exactly these bytes. POSIX sh, run with `sh -ec`; test/runtime
 * runs it against real files.
 */
const SCRIPT_TEMPLATE = new URL('../../../charts/store-lib/templates/_copy-public-files.tpl', import.meta.url)
const SCRIPT_DEFINE = /\{\{- define "store-lib\.storefront\.copyPublicFilesScript" -\}\}([^]*?)\{\{- end -\}\}/

/** The script of the copy-public-files define, as helm renders it into the chart's block scalar. */
export function scriptOfTemplate(text: string, where: string): string {
  const body = SCRIPT_DEFINE.exec(text)?.[1]
  if (body === undefined) throw new Error(`${where}: no store-lib.storefront.copyPublicFilesScript define`)
  if (body.includes('{{')) throw new Error(`${where}: the copy-public-files script must hold no template action`)
  return `${body.trim()}\n`
}

export const COPY_PUBLIC_FILES_SCRIPT = scriptOfTemplate(readFileSync(SCRIPT_TEMPLATE, 'utf8'), SCRIPT_TEMPLATE.pathname)

export const PUBLIC_TARGET = '/public-shared'
export const STORAGE_TARGET = '/storage-shared'
export const STORAGE_LINK_TARGET = '/var/www/html/storage/app/public'

function copyPublicFilesContainer(app: V1Container): V1Container {
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
