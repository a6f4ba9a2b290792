// A watch-backed cache that keeps only name, namespace, labels and resourceVersion of each object:
// client-node's ListWatch does the list/watch/re-list bookkeeping, and the Watch it is given strips
// every event before the cache sees it, so Secret data is never retained.
import { type KubeConfig, type KubernetesListObject, type KubernetesObject, ListWatch, Watch } from '@kubernetes/client-node'
import type { Logger } from 'pino'

const RETRY_MS = 3000

function strip(obj: KubernetesObject): KubernetesObject {
  const m = obj.metadata ?? {}
  return {
    metadata: { name: m.name, namespace: m.namespace, labels: m.labels ?? {}, resourceVersion: m.resourceVersion },
  }
}

class MetadataWatch extends Watch {
  /** ListWatch starts its watch after a pending list even when stopped meanwhile: refuse then. */
  stopped = false

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: KubernetesObject, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    if (this.stopped) return new AbortController()
    // ERROR events carry a Status (with the 410 code ListWatch needs), not an object to strip.
    const stripping = (phase: string, obj: KubernetesObject): void => callback(phase, phase === 'ERROR' ? obj : strip(obj))
    return super.watch(path, { ...queryParams, allowWatchBookmarks: true }, stripping, done)
  }
}

export interface MetadataCache {
  labelsOf(namespace: string, name: string): Record<string, string> | undefined
  synced(): boolean
  stop(): Promise<void>
}

export function startMetadataCache(
  kc: KubeConfig,
  path: string,
  list: () => Promise<KubernetesListObject<KubernetesObject>>,
  logger: Logger,
): MetadataCache {
  let synced = false
  let stopped = false
  let retry: NodeJS.Timeout | undefined
  const listStripped = async (): Promise<KubernetesListObject<KubernetesObject>> => {
    const result = await list()
    // ListWatch fills its cache right after this promise settles; flag the sync after that.
    setImmediate(() => { synced = true })
    return { ...result, items: result.items.map(strip) }
  }
  const watch = new MetadataWatch(kc)
  const lw = new ListWatch(path, watch, listStripped, false)
  lw.on('error', (err: unknown) => {
    if (stopped) return
    logger.warn({ path, error: err instanceof Error ? err.message : String(err) }, 'watch failed; retrying')
    retry = setTimeout(() => void lw.start(), RETRY_MS)
  })
  void lw.start()
  return {
    labelsOf: (namespace, name) => lw.get(name, namespace)?.metadata?.labels,
    synced: () => synced,
    stop: async () => {
      stopped = true
      watch.stopped = true
      clearTimeout(retry)
      await lw.stop()
    },
  }
}
