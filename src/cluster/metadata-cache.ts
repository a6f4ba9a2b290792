// A watch-backed cache that keeps only name, namespace, labels and resourceVersion of each object.
// The API server is asked for object metadata only (PartialObjectMetadata), so Secret and
// ConfigMap data never reach the webhook, and a cluster of large ConfigMaps costs no more to list
// than one of small ones. client-node's ListWatch does the list/watch/re-list bookkeeping.
import { request as httpRequest } from 'node:http'
import { Agent, type RequestOptions, request as httpsRequest } from 'node:https'
import { type KubeConfig, type KubernetesListObject, type KubernetesObject, ListWatch, Watch } from '@kubernetes/client-node'
import type { Logger } from 'pino'

const RETRY_MS = 3000
const METADATA_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1'
const METADATA_WATCH = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1'
const METADATA_GET = METADATA_WATCH
const LIST_TIMEOUT_MS = 60_000
/** Objects per list page: a restart holds one page's JSON text at a time, not the whole cluster's. */
const LIST_PAGE_SIZE = 500

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

/** GETs `path` asking for `accept`; resolves with the status and the parsed body (404 included). */
async function getJson(kc: KubeConfig, what: string, path: string, accept: string, timeoutMs: number, signal?: AbortSignal, agent?: Agent): Promise<{ status: number; body: unknown }> {
  const cluster = kc.getCurrentCluster()
  if (!cluster) throw new Error('the kubeconfig has no current cluster')
  const url = new URL(cluster.server + path)
  const options: RequestOptions = { headers: { Accept: accept }, timeout: timeoutMs, ...(signal ? { signal } : {}) }
  await kc.applyToHTTPSOptions(options)
  if (agent) options.agent = agent
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest
  return new Promise((resolve, reject) => {
    const req = send(url, options, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { text += chunk })
      res.on('error', reject)
      res.on('end', () => {
        const status = res.statusCode ?? 0
        if (status !== 200 && status !== 404) return reject(new Error(`${what} ${path}: HTTP ${status}: ${text.slice(0, 300)}`))
        try {
          resolve({ status, body: JSON.parse(text) as unknown })
        } catch (err) {
          reject(new Error(`${what} ${path}: not JSON: ${(err as Error).message}`))
        }
      })
    })
    req.on('timeout', () => req.destroy(new Error(`${what} ${path}: no answer in ${timeoutMs / 1000} s`)))
    req.on('error', reject)
    req.end()
  })
}

/** Lists the objects at `path` (e.g. `/api/v1/secrets`) as metadata only; `signal` aborts it. */
export async function listMetadata(kc: KubeConfig, path: string, signal?: AbortSignal): Promise<KubernetesListObject<KubernetesObject>> {
  const { status, body } = await getJson(kc, 'list', path, METADATA_LIST, LIST_TIMEOUT_MS, signal)
  if (status !== 200) throw new Error(`list ${path}: HTTP ${status}: ${JSON.stringify(body).slice(0, 300)}`)
  return body as KubernetesListObject<KubernetesObject>
}

/** The labels of the object at `path` (metadata only), or undefined when it does not exist. */
export async function readLabels(kc: KubeConfig, path: string, timeoutMs: number, agent?: Agent): Promise<Record<string, string> | undefined> {
  const { status, body } = await getJson(kc, 'get', path, METADATA_GET, timeoutMs, undefined, agent)
  return status === 404 ? undefined : (body as KubernetesObject).metadata?.labels ?? {}
}

/** `kc`, asking for metadata only on the watch requests made with it. */
export function metadataWatchConfig(kc: KubeConfig): KubeConfig {
  return new Proxy(kc, {
    get(target, property, receiver) {
      if (property !== 'applyToFetchOptions') return Reflect.get(target, property, receiver) as unknown
      return (options: RequestOptions) => target.applyToFetchOptions({ ...options, headers: { ...options.headers, Accept: METADATA_WATCH } })
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
    return super.watch(path, { ...queryParams, allowWatchBookmarks: true }, stripping, done)
  }
}

/** The list's continue token as the API server writes it (`continue`, which client-node's model calls `_continue`). */
function continueOf(list: KubernetesListObject<KubernetesObject>): string | undefined {
  const token = (list.metadata as { continue?: unknown } | undefined)?.continue
  return typeof token === 'string' && token !== '' ? token : undefined
}

export interface MetadataCache {
  labelsOf(namespace: string, name: string): Record<string, string> | undefined
  synced(): boolean
  stop(): Promise<void>
}

/** `pageSize`: objects per list page (tests make it small to see the pages joined). */
export function startMetadataCache(kc: KubeConfig, path: string, logger: Logger, pageSize = LIST_PAGE_SIZE): MetadataCache {
  let synced = false
  let stopped = false
  let retry: NodeJS.Timeout | undefined
  // A list still waiting for the API server must not hold the process open after stop().
  const lists = new AbortController()
  const listStripped = async (): Promise<KubernetesListObject<KubernetesObject>> => {
    // Paged (limit/continue): every page comes from the first one's snapshot, whose
    // resourceVersion the watch starts from. An expired continue token fails the list, and the
    // retry lists again from the start.
    const first = await listMetadata(kc, `${path}?limit=${pageSize}`, lists.signal)
    // An empty metadata list comes as `"items": null`.
    const items = (first.items ?? []).map(strip)
    for (let token = continueOf(first); token !== undefined; ) {
      const page = await listMetadata(kc, `${path}?limit=${pageSize}&continue=${encodeURIComponent(token)}`, lists.signal)
      token = continueOf(page)
      for (const item of page.items ?? []) items.push(strip(item))
    }
    const stripped = { ...first, metadata: { resourceVersion: first.metadata?.resourceVersion }, items }
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
