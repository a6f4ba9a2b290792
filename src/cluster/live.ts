// The ClusterView of a real cluster: watch-backed metadata caches of Namespaces and of the
// PVCs / Secrets / ConfigMaps pods reference (metadata only), through @kubernetes/client-node.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node'
import type { Logger } from 'pino'
import type { NamespaceInfo, ReferencedKind } from '../pipeline/types.js'
import { type MetadataCache, startMetadataCache } from './metadata-cache.js'
import type { ClusterView } from './types.js'

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
  const refs: Record<ReferencedKind, MetadataCache> = {
    PersistentVolumeClaim: startMetadataCache(kc, '/api/v1/persistentvolumeclaims', logger),
    Secret: startMetadataCache(kc, '/api/v1/secrets', logger),
    ConfigMap: startMetadataCache(kc, '/api/v1/configmaps', logger),
  }
  const all = [namespaces, ...Object.values(refs)]

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
    labelsOf: (kind, namespace, name) => refs[kind].labelsOf(namespace, name),
    synced: () => all.every((c) => c.synced()),
    stop: async () => {
      await Promise.all(all.map((c) => c.stop()))
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
