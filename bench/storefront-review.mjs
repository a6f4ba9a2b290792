// A realistic AdmissionReview for a storefront pod as a ReplicaSet controller creates it
// (owner reference, probes, env, resources, managedFields), the API server's view included.
export function storefrontReview(uid, object) {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      requestKind: { group: '', version: 'v1', kind: 'Pod' },
      requestResource: { group: '', version: 'v1', resource: 'pods' },
      namespace: 'acme',
      operation: 'CREATE',
      userInfo: { username: 'system:serviceaccount:kube-system:replicaset-controller', uid: 'b1c9a1d2-0d3e-4f5a-8b6c-7d8e9f0a1b2c', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] },
      object,
      oldObject: null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    },
  }
}

const container = (name, image, extra) => ({ name, image, imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', ...extra })

export const storefrontPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    generateName: 'acme-bagisto-7d9f8c6b5-',
    namespace: 'acme',
    labels: {
      'app.kubernetes.io/name': 'bagisto',
      'app.kubernetes.io/instance': 'acme',
      'app.kubernetes.io/component': 'storefront',
      'app.kubernetes.io/managed-by': 'Helm',
      'helm.sh/chart': 'bagisto-0.1.0',
      'store.platform.io/role': 'storefront',
      'pod-template-hash': '7d9f8c6b5',
    },
    annotations: { 'store.platform.io/storage-claim': 'acme-bagisto-storage', 'checksum/config': 'a3f5c0d9e1b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'acme-bagisto-7d9f8c6b5', uid: '4f1e2d3c-5b6a-4789-8a9b-0c1d2e3f4a5b', controller: true, blockOwnerDeletion: true }],
    managedFields: [{ manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:generateName': {}, 'f:labels': { '.': {}, 'f:app.kubernetes.io/name': {} } } } }],
  },
  spec: {
    serviceAccountName: 'acme-bagisto',
    // As the chart's pods. With a token, the ServiceAccount admission plugin would add a volume
    // with a random name, and no two replicas' reviews would be alike.
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    priority: 0,
    affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/instance': 'acme' } } } }] } },
    tolerations: [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ],
    containers: [
      container('bagisto', 'ghcr.io/example/bagisto-php-fpm:2.2.3', {
        ports: [{ name: 'fastcgi', containerPort: 9000, protocol: 'TCP' }],
        env: [
          { name: 'APP_ENV', value: 'production' },
          { name: 'APP_URL', value: 'https://acme.shop.example.com' },
          { name: 'DB_HOST', value: 'acme-mysql' },
          { name: 'DB_DATABASE', value: 'bagisto' },
          { name: 'DB_USERNAME', value: 'bagisto' },
          { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'acme-db', key: 'password' } } },
          { name: 'REDIS_HOST', value: 'acme-redis' },
          { name: 'SESSION_DRIVER', value: 'redis' },
          { name: 'CACHE_DRIVER', value: 'redis' },
          { name: 'QUEUE_CONNECTION', value: 'redis' },
        ],
        envFrom: [{ configMapRef: { name: 'acme-env' } }, { secretRef: { name: 'acme-app-key' } }],
        resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } },
        readinessProbe: { tcpSocket: { port: 9000 }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
        livenessProbe: { tcpSocket: { port: 9000 }, initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
      }),
      container('nginx', 'nginx:1.27.3-alpine', {
        ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
        resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
        readinessProbe: { httpGet: { path: '/health', port: 8080, scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
        volumeMounts: [{ name: 'nginx-conf', mountPath: '/etc/nginx/conf.d', readOnly: true }],
      }),
    ],
    volumes: [
      { name: 'nginx-conf', configMap: { name: 'acme-nginx', defaultMode: 420 } },
    ],
  },
}
