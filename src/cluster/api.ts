// Plain JSON requests to the API server, and paginated lists (limit/continue): objects reach the
// pipeline exactly as stored, with no client model dropping fields it does not know (or writing
// a Lease's MicroTime in a form the API server refuses).
import { request as httpRequest } from 'node:http'
import { type Agent, type RequestOptions, request as httpsRequest } from 'node:https'
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node'

const PAGE_SIZE = 500
const REQUEST_TIMEOUT_MS = 60_000
export const METADATA_ONLY = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1'
export const METADATA_OBJECT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1'

interface ListPage {
  items?: KubernetesObject[] | null
  metadata?: { continue?: string; resourceVersion?: string }
}

export class ApiError extends Error {
  constructor(message: string, readonly code: number) {
    super(message)
  }
}

export interface ApiRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE'
  accept?: string | undefined
  body?: unknown
  signal?: AbortSignal | undefined
  timeoutMs?: number
  /** A keep-alive agent to reuse connections (see keepAliveAgent); else one per request. */
  agent?: Agent | undefined
}

/** A request to `path`, answered with JSON; any status but 200-202 throws an ApiError with it. */
export async function requestJson<T>(kc: KubeConfig, path: string, o: ApiRequest = {}): Promise<T> {
  const cluster = kc.getCurrentCluster()
  if (!cluster) throw new Error('the kubeconfig has no current cluster')
  const url = new URL(cluster.server + path)
  const method = o.method ?? 'GET'
  const payload = o.body === undefined ? undefined : JSON.stringify(o.body)
  const headers: Record<string, string> = { Accept: o.accept ?? 'application/json', ...(payload ? { 'Content-Type': 'application/json' } : {}) }
  const timeoutMs = o.timeoutMs ?? REQUEST_TIMEOUT_MS
  const options: RequestOptions = { method, headers, timeout: timeoutMs, ...(o.signal ? { signal: o.signal } : {}) }
  await kc.applyToHTTPSOptions(options)
  if (o.agent) options.agent = o.agent
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest
  const what = `${method} ${url.pathname}`
  return new Promise((resolve, reject) => {
    const req = send(url, options, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { text += chunk })
      res.on('error', reject)
      res.on('end', () => {
        const code = res.statusCode ?? 0
        if (code < 200 || code > 202) return reject(new ApiError(`${what}: HTTP ${code}: ${text.slice(0, 300)}`, code))
        try {
          resolve(JSON.parse(text) as T)
        } catch (err) {
          reject(new Error(`${what}: not JSON: ${(err as Error).message}`))
        }
      })
    })
    req.on('timeout', () => req.destroy(new Error(`${what}: no answer in ${timeoutMs / 1000} s`)))
    req.on('error', reject)
    req.end(payload)
  })
}

export interface ListOptions {
  accept?: string
  labelSelector?: string
  signal?: AbortSignal
  /** Objects per page (default 500): a list holds one page's text at a time, not the whole kind's. */
  pageSize?: number
  /** Called with each page's items as it arrives (e.g. to strip them before the next is read). */
  map?: (item: KubernetesObject) => KubernetesObject
  onPage?: (count: number) => void
}

/**
 * Every object at `path` (e.g. `/api/v1/pods`), a page at a time (limit/continue), and the
 * resourceVersion of the list (the first page's snapshot, which every page comes from: a watch
 * starts from it). An expired continue token fails the list.
 */
export async function listPages(kc: KubeConfig, path: string, opts: ListOptions = {}): Promise<{ items: KubernetesObject[]; resourceVersion: string | undefined }> {
  const items: KubernetesObject[] = []
  let token: string | undefined
  let resourceVersion: string | undefined
  do {
    const query = new URLSearchParams({ limit: String(opts.pageSize ?? PAGE_SIZE), ...(opts.labelSelector ? { labelSelector: opts.labelSelector } : {}), ...(token ? { continue: token } : {}) })
    const page = await requestJson<ListPage>(kc, `${path}?${query.toString()}`, { accept: opts.accept, signal: opts.signal })
    resourceVersion ??= page.metadata?.resourceVersion
    // An empty metadata list comes as `"items": null`.
    for (const item of page.items ?? []) items.push(opts.map ? opts.map(item) : item)
    opts.onPage?.(items.length)
    token = page.metadata?.continue || undefined
  } while (token)
  return { items, resourceVersion }
}

/** Every object at `path`, a page at a time (listPages). */
export async function listAll(kc: KubeConfig, path: string, opts: ListOptions = {}): Promise<KubernetesObject[]> {
  return (await listPages(kc, path, opts)).items
}
