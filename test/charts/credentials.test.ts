// No credential renders into a ConfigMap: every scenario (ci/*, values-local, values-prod) is rendered
// and every ConfigMap is searched for Secret-backed keys and for every value any rendered Secret holds.
// The credentials the app reads (DB, Redis, SMTP, search, S3) reach its containers as secretKeyRef.
import t from 'tap'
import * as path from 'node:path'
import { BAGISTO, allContainers, ciValuesFiles, get, podTemplates, render, renderError, type K8sObject } from './fixtures/helm.js'

const SECRET_KEY = /PASSWORD|_PASS$|SECRET|ACCESS_KEY|APP_KEY|TOKEN|API_KEY/
const CREDENTIAL_ENV = ['APP_KEY', 'DB_PASSWORD', 'REDIS_PASSWORD', 'MAIL_PASSWORD', 'ELASTICSEARCH_PASS', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']
const scenarios = [...ciValuesFiles(), path.join(BAGISTO, 'values-local.yaml'), path.join(BAGISTO, 'values-prod.yaml')]

const secretValues = (objects: K8sObject[]): string[] =>
  objects.filter((o) => o.kind === 'Secret').flatMap((s) => [
    ...Object.values((s.data ?? {}) as Record<string, string>).map((v) => Buffer.from(v, 'base64').toString()),
    ...Object.values((s.stringData ?? {}) as Record<string, string>),
  ]).filter((v) => v.length >= 6)

for (const file of scenarios) {
  t.test(path.basename(file), async (t) => {
    const { objects } = render({ values: [file], namespace: 'acme' })
    const configMaps = objects.filter((o) => o.kind === 'ConfigMap')
    t.ok(configMaps.length >= 3, `${configMaps.length} ConfigMaps rendered`)
    const secrets = secretValues(objects)
    for (const cm of configMaps) {
      const data = { ...(cm.data ?? {}), ...(cm.binaryData ?? {}) } as Record<string, string>
      const text = JSON.stringify(data)
      t.same(Object.keys(data).filter((k) => SECRET_KEY.test(k)), [], `ConfigMap/${cm.metadata.name}: no Secret-backed key`)
      t.notMatch(text, /ci-only-/, `ConfigMap/${cm.metadata.name}: no ci credential value`)
      for (const v of secrets) t.notOk(text.includes(v), `ConfigMap/${cm.metadata.name}: holds no value of a rendered Secret`)
    }
    // Every credential a container reads comes from a Secret, never a literal value.
    for (const pod of podTemplates(objects)) {
      for (const c of allContainers(pod.spec)) {
        for (const e of (c.env ?? []) as { name: string; value?: string; valueFrom?: { secretKeyRef?: unknown } }[]) {
          if (CREDENTIAL_ENV.includes(e.name) || SECRET_KEY.test(e.name)) {
            t.ok(e.valueFrom?.secretKeyRef, `${pod.owner} ${c.name}: ${e.name} from a secretKeyRef`)
          }
        }
      }
    }
  })
}

/** The env entry `name` of the container `container` of the pod template `owner` (Kind/name). */
function envOf(objects: K8sObject[], owner: string, container: string, name: string): { value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } } | undefined {
  const pod = podTemplates(objects).find((p) => p.owner === owner)
  const c = pod && allContainers(pod.spec).find((x: { name: string }) => x.name === container)
  return (c?.env ?? []).find((e: { name: string }) => e.name === name)
}

const APP_CONTAINERS: [string, string][] = [
  ['Deployment/bagisto', 'bagisto'], ['Deployment/bagisto-worker', 'worker'], ['Deployment/bagisto-scheduler', 'scheduler'],
  ['Job/bagisto-migrate', 'migrate'],
]

t.test('mail: SMTP settings in the ConfigMap, the password from the chart Secret in every app container', async (t) => {
  const { objects } = render({ values: ['mail-values.yaml'] })
  const env = get(objects, 'ConfigMap', 'bagisto-env').data
  t.match(env, { MAIL_MAILER: 'smtp', MAIL_HOST: 'smtp.relay.acme.example', MAIL_PORT: '587', MAIL_ENCRYPTION: 'tls', MAIL_USERNAME: 'postmaster@shop.acme.example', MAIL_FROM_NAME: 'ACME Shop' })
  t.equal(Buffer.from(get(objects, 'Secret', 'bagisto').data.MAIL_PASSWORD, 'base64').toString(), 'ci-only-smtp-password')
  for (const [owner, c] of APP_CONTAINERS) {
    t.same(envOf(objects, owner, c, 'MAIL_PASSWORD')?.valueFrom?.secretKeyRef, { name: 'bagisto', key: 'MAIL_PASSWORD' }, `${owner}: MAIL_PASSWORD`)
  }
  t.match(renderError({ set: { 'mail.mailer': 'smtp' } }), /mail\.host: required/)
  t.match(renderError({ set: { 'mail.mailer': 'smtp', 'mail.host': 'smtp', 'mail.username': 'u' } }), /mail\.password: required for MAIL_PASSWORD/)
  const theirs = render({ set: { 'mail.mailer': 'smtp', 'mail.host': 'smtp', 'mail.username': 'u', 'mail.existingSecret': 'smtp-creds', 'mail.existingSecretPasswordKey': 'pw' } }).objects
  t.same(envOf(theirs, 'Deployment/bagisto', 'bagisto', 'MAIL_PASSWORD')?.valueFrom?.secretKeyRef, { name: 'smtp-creds', key: 'pw' }, 'mail.existingSecret')
  t.notOk(get(theirs, 'Secret', 'bagisto').data.MAIL_PASSWORD, 'the chart Secret then holds no SMTP password')
})

t.test('extra env from Secrets and ConfigMaps, app-wide and per workload, through one helper', async (t) => {
  const { objects } = render({ values: ['mail-values.yaml'] })
  const envFrom = (owner: string, c: string): unknown[] => {
    const pod = podTemplates(objects).find((p) => p.owner === owner)!
    return allContainers(pod.spec).find((x: { name: string }) => x.name === c).envFrom ?? []
  }
  for (const [owner, c] of APP_CONTAINERS) {
    t.ok(envFrom(owner, c).some((e) => (e as { secretRef?: { name: string } }).secretRef?.name === 'acme-bagisto-extra'), `${owner}: app.extraEnvVarsSecret`)
    t.same(envOf(objects, owner, c, 'STRIPE_SECRET')?.valueFrom?.secretKeyRef, { name: 'acme-payments', key: 'secret' }, `${owner}: app.extraEnvVars`)
  }
  t.same(envFrom('Deployment/bagisto', 'bagisto'), [{ configMapRef: { name: 'bagisto-env' } }, { secretRef: { name: 'acme-bagisto-extra' } }], 'storefront: the ConfigMap first, then the Secret')
  t.same(envFrom('Deployment/bagisto-worker', 'worker').slice(2), [{ secretRef: { name: 'acme-worker-extra' }, prefix: 'WORKER_' }], 'worker.extraEnvFrom')
  t.same(envFrom('Job/bagisto-migrate', 'migrate'), [{ secretRef: { name: 'acme-bagisto-extra' } }, { secretRef: { name: 'acme-migration-extra' } }], 'migration: no ConfigMap (inline env), its own Secret')
  t.same(envFrom('Deployment/bagisto-scheduler', 'scheduler').slice(2), [{ configMapRef: { name: 'acme-scheduler-settings' } }], 'scheduler.extraEnvVarsCM')
})

t.test('search: external URL parsed into the ConfigMap, the password from the named Secret', async (t) => {
  const { objects } = render({ values: ['search-values.yaml'] })
  t.match(get(objects, 'ConfigMap', 'bagisto-env').data, { ELASTICSEARCH_HOST: 'search.acme.example', ELASTICSEARCH_PORT: '9243', ELASTICSEARCH_SCHEME: 'https', ELASTICSEARCH_USER: 'bagisto' })
  for (const [owner, c] of APP_CONTAINERS) {
    t.same(envOf(objects, owner, c, 'ELASTICSEARCH_PASS')?.valueFrom?.secretKeyRef, { name: 'acme-search', key: 'password' }, `${owner}: ELASTICSEARCH_PASS`)
  }
  const local = render({ values: ['opensearch-values.yaml'] }).objects
  t.match(get(local, 'ConfigMap', 'bagisto-env').data, { ELASTICSEARCH_HOST: 'bagisto-opensearch', ELASTICSEARCH_PORT: '9200', ELASTICSEARCH_SCHEME: 'http', MAIL_HOST: 'bagisto-mailpit', MAIL_PORT: '1025' })
  t.notOk(envOf(local, 'Deployment/bagisto', 'bagisto', 'ELASTICSEARCH_PASS'), 'no password without a user')
  t.ok(get(local, 'StatefulSet', 'bagisto-opensearch'), 'the in-chart OpenSearch')
  t.ok(get(local, 'Deployment', 'bagisto-mailpit'), 'the in-chart Mailpit')
  t.match(renderError({ set: { 'search.engine': 'elasticsearch' } }), /search\.url: required/)
  t.match(renderError({ set: { 'opensearch.enabled': 'true' } }), /opensearch\.enabled: set search\.engine to opensearch/)
})

t.test('S3 media: disk, bucket and endpoint in the ConfigMap, keys from the chart Secret', async (t) => {
  const { objects } = render({ values: ['s3-values.yaml'] })
  t.match(get(objects, 'ConfigMap', 'bagisto-env').data, {
    FILESYSTEM_DISK: 's3', AWS_BUCKET: 'acme-media', AWS_DEFAULT_REGION: 'eu-west-1', AWS_ENDPOINT: 'http://minio.storage.svc.cluster.local:9000',
    AWS_URL: 'https://media.shop.acme.example', AWS_USE_PATH_STYLE_ENDPOINT: 'true',
  })
  const secret = get(objects, 'Secret', 'bagisto').data
  t.equal(Buffer.from(secret.AWS_SECRET_ACCESS_KEY, 'base64').toString(), 'ci-only-s3-secret-key')
  for (const [owner, c] of APP_CONTAINERS) {
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
      t.same(envOf(objects, owner, c, key)?.valueFrom?.secretKeyRef, { name: 'bagisto', key }, `${owner}: ${key}`)
    }
  }
  // The storage claim stays: the storefront is still the shape the webhook requires.
  const storefront = podTemplates(objects).find((p) => p.owner === 'Deployment/bagisto')!
  t.same(storefront.spec.volumes.find((v: { name: string }) => v.name === 'bagisto-storage').persistentVolumeClaim, { claimName: 'bagisto-storage' })
  t.match(renderError({ set: { 'media.disk': 's3' } }), /media\.s3\.bucket: required/)
  t.match(renderError({ set: { 'media.disk': 's3', 'media.s3.bucket': 'b' } }), /media\.s3\.accessKeyId: required/)
  const theirs = render({ set: { 'media.disk': 's3', 'media.s3.bucket': 'b', 'media.s3.existingSecret': 's3-keys' } }).objects
  t.same(envOf(theirs, 'Deployment/bagisto', 'bagisto', 'AWS_ACCESS_KEY_ID')?.valueFrom?.secretKeyRef, { name: 's3-keys', key: 'AWS_ACCESS_KEY_ID' })
  t.notOk(get(theirs, 'Secret', 'bagisto').data.AWS_ACCESS_KEY_ID, 'the chart Secret then holds no S3 key')
})

t.test('with the chart-wide existingSecret, service credentials are read from it under their configured keys', async (t) => {
  const { objects } = render({ set: { existingSecret: 'acme-creds', 'mail.mailer': 'smtp', 'mail.host': 'smtp', 'mail.username': 'u', 'media.disk': 's3', 'media.s3.bucket': 'b' } })
  t.notOk(objects.some((o) => o.kind === 'Secret'), 'no Secret rendered')
  t.same(envOf(objects, 'Deployment/bagisto', 'bagisto', 'MAIL_PASSWORD')?.valueFrom?.secretKeyRef, { name: 'acme-creds', key: 'MAIL_PASSWORD' })
  t.same(envOf(objects, 'Deployment/bagisto', 'bagisto', 'AWS_SECRET_ACCESS_KEY')?.valueFrom?.secretKeyRef, { name: 'acme-creds', key: 'AWS_SECRET_ACCESS_KEY' })
})
