// A watch-backed cache that keeps only name, namespace, labels and resourceVersion of each object.
// The API server is asked for object metadata only (PartialObjectMetadata), so Secret and
// ConfigMap data never reach the webhook, and a cluster of large ConfigMaps costs no more to list
// than one of small ones. client-node's ListWatch does the list/watch/re-list bookkeeping.
import { Agent, type RequestOptions } from 'node:https'
import { type KubeConfig, type KubernetesListObject, type KubernetesObject, ListWatch, Watch } from '@kubernetes/client-node'
import type { Logger } from 'pino'
import { ApiError, listPages, METADATA_OBJECT, METADATA_ONLY, requestJson } from './api.js'

const RETRY_MS = 3000

function strip(obj: KubernetesObject): KubernetesObject {
  const m = obj.metadata ?? {}
  return {
    metadata: { name: m.name, namespace: m.namespace, labels: m.labels ?? {}, resourceVersion: m.resourceVersion },
  }
}

/**
 * A keep-alive agent with the kubeconfig's TLS material: client-node makes a new agent (a new TLS
 * handshake) per request, which a webhook reading objects on every review cannot afford. Header
 * credentials (tokens) are still applied per request. Whoever makes it destroys it, or its idle
 * sockets hold the process open.
 */
export async function keepAliveAgent(kc: KubeConfig): Promise<Agent | undefined> {
  const options: RequestOptions = {}
  await kc.applyToHTTPSOptions(options)
  return options.agent instanceof Agent ? new Agent({ ...options.agent.options, keepAlive: true }) : undefined
}

/** The labels of the object at `path` (metadata only), or undefined when it does not exist. */
export async function readLabels(kc: KubeConfig, path: string, timeoutMs: number, agent?: Agent): Promise<Record<string, string> | undefined> {
  try {
    return (await requestJson<KubernetesObject>(kc, path, { accept: METADATA_OBJECT, timeoutMs, agent })).metadata?.labels ?? {}
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return undefined
    throw err
  }
}

/** `kc`, asking for metadata only on the watch requests made with it. */
export function metadataWatchConfig(kc: KubeConfig): KubeConfig {
  return new Proxy(kc, {
    get(target, property, receiver) {
      if (property !== 'applyToFetchOptions') return Reflect.get(target, property, receiver) as unknown
      return (options: RequestOptions) => target.applyToFetchOptions({ ...options, headers: { ...options.headers, Accept: METADATA_OBJECT } })
    },
  })
}

class MetadataWatch extends Watch {
  /** ListWatch starts its watch after a pending list even when stopped meanwhile: refuse then. */
  stopped = false

  constructor(kc: KubeConfig) {
    super(metadataWatchConfig(kc))
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: KubernetesObject, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    if (this.stopped) return new AbortController()
    // ERROR events carry a Status (with the 410 code ListWatch needs), not an object to strip.
    const stripping = (phase: string, obj: KubernetesObject): void => callback(phase, phase === 'ERROR' ? obj : strip(obj))
    const controller = await super.watch(path, { ...queryParams, allowWatchBookmarks: true }, stripping, done)
    // Stopped while the API server was answering: ListWatch had no controller to abort yet.
    if (this.stopped) controller.abort()
    return controller
  }
}

export interface MetadataCache {
  labelsOf(namespace: string, name: string): Record<string, string> | undefined
  synced(): boolean
  stop(): Promise<void>
}

/** `pageSize`: objects per list page (tests make it small to see the pages joined). */
export function startMetadataCache(kc: KubeConfig, path: string, logger: Logger, pageSize?: number): MetadataCache {
  let synced = false
  let stopped = false
  let retry: NodeJS.Timeout | undefined
  // A list still waiting for the API server must not hold the process open after stop().
  const lists = new AbortController()
  const listStripped = async (): Promise<KubernetesListObject<KubernetesObject>> => {
    // The watch starts from the list's resourceVersion; a failed list (an expired continue token
    // included) is retried from the start.
    const { items, resourceVersion } = await listPages(kc, path, { accept: METADATA_ONLY, pageSize, signal: lists.signal, map: strip })
    const stripped = { metadata: { resourceVersion }, items }
    // ListWatch fills its cache right after this promise settles; flag the sync after that.
    setImmediate(() => { synced = true })
    return stripped
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
      lists.abort()
      await lw.stop()
    },
  }
}
