// The ClusterView of a real cluster, through @kubernetes/client-node: a watch-backed metadata cache
// of Namespaces, and live metadata GETs for the objects a request names. Those are not cached: the
// webhook may read PVCs, Secrets, ConfigMaps, Services and owners only in shared namespaces (a Role
// bound in each, manifests/webhook/shared-namespace), so there is no cluster-wide list to watch,
// and an answer read at admission time is the truth rather than a cache's recent past.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node'
import type { Logger } from 'pino'
import type { NamespaceInfo } from '../pipeline/types.js'
import { keepAliveAgent, readLabels, startMetadataCache } from './metadata-cache.js'
import { type ClusterView, objectPath } from './types.js'

const MISS_LOOKUP_TIMEOUT_MS = 2000

export function loadKubeConfig(path: string | undefined): KubeConfig {
  const kc = new KubeConfig()
  if (path === undefined) kc.loadFromDefault()
  else kc.loadFromFile(path)
  return kc
}

export function startLiveCluster(kc: KubeConfig, logger: Logger): ClusterView {
  const core = kc.makeApiClient(CoreV1Api)
  const namespaces = startMetadataCache(kc, '/api/v1/namespaces', logger)
  // Without one (credentials not ready), each read makes its own connection, as client-node does.
  const agent = keepAliveAgent(kc).catch(() => undefined)

  // A namespace created an instant before its first pod may not have reached the watch yet.
  const readNamespace = async (name: string): Promise<NamespaceInfo | undefined> => {
    try {
      const ns = await core.readNamespace({ name })
      return { name, labels: ns.metadata?.labels ?? {} }
    } catch (err) {
      if ((err as { code?: number }).code !== 404) logger.warn({ namespace: name, error: (err as Error).message }, 'namespace lookup failed')
      return undefined
    }
  }

  return {
    namespace: async (name) => {
      const labels = namespaces.labelsOf('', name)
      return labels === undefined ? withTimeout(readNamespace(name), MISS_LOOKUP_TIMEOUT_MS) : { name, labels }
    },
    labelsOf: () => undefined,
    fetchLabels: async (kind, namespace, name) => {
      try {
        return await readLabels(kc, objectPath(kind, namespace, name), MISS_LOOKUP_TIMEOUT_MS, await agent)
      } catch (err) {
        // Judged as missing (validation fails closed); a 403 means the namespace lacks the Role.
        logger.warn({ kind, namespace, name, error: (err as Error).message }, 'object lookup failed')
        return undefined
      }
    },
    synced: () => namespaces.synced(),
    stop: async () => {
      await namespaces.stop()
      ;(await agent)?.destroy()
    },
  }
}

function withTimeout<T>(p: Promise<T | undefined>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms)
  })
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
}
