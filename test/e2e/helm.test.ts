// `helm install bagisto ./charts/bagisto --wait` with Helm 3 and Helm 4 into a store namespace that
// enforces Pod Security "restricted", through the webhook: the migration hook Job completes (kwok
// finishes Job pods), `helm upgrade` keeps the generated secrets, `helm uninstall` removes the release.
import t from 'tap'
import { join } from 'node:path'
import {
  MUTATED_BY, ROOT, TENANT_LABEL, requireControlPlane, getJson, helm, kubectl, namespace, storeLabels, waitFor, webhookLive,
} from './fixtures/k8s.js'

requireControlPlane()
const chart = join(ROOT, 'charts', 'bagisto')
const selector = 'app.kubernetes.io/instance=bagisto'

for (const v of [3, 4] as const) {
  t.test(`Helm ${v}: install, upgrade, uninstall`, async (t) => {
    const ns = `e2e-helm${v}`
    // the chart's tenant defaults to the release namespace (values.tenant): name the namespace after its tenant
    const tenant = ns
    t.teardown(namespace(ns, storeLabels(tenant, { restricted: true })))
    await webhookLive(ns)

    const version = helm(v, ['version', '--short'])
    t.match(version.stdout, new RegExp(`^v${v}\\.`), `helm ${version.stdout.trim()}`)

    const install = helm(v, ['install', 'bagisto', chart, '-n', ns, '--wait', '--timeout', '5m'])
    t.equal(install.code, 0, `helm install --wait succeeded:\n${install.out}`)
    if (install.code !== 0) {
      t.comment(kubectl(['-n', ns, 'get', 'all,pvc,events', '-o', 'wide']).out)
      return
    }
    t.match(install.stdout, /STATUS: deployed/)

    // what the chart created is up, with pods the webhook mutated and Pod Security admitted
    const deployments = getJson(['-n', ns, 'get', 'deployments', '-l', selector]).items
    t.ok(deployments.length >= 1, `deployments: ${deployments.map((d: any) => d.metadata.name).join(', ')}`)
    for (const d of deployments) t.equal(d.status.readyReplicas ?? 0, d.spec.replicas, `${d.metadata.name} ready`)
    const statefulsets = getJson(['-n', ns, 'get', 'statefulsets', '-l', selector]).items
    for (const s of statefulsets) t.equal(s.status.readyReplicas ?? 0, s.spec.replicas, `${s.metadata.name} ready`)
    const pods = getJson(['-n', ns, 'get', 'pods']).items.filter((p: any) => p.status.phase === 'Running')
    t.ok(pods.length >= 1, 'running pods')
    for (const p of pods) {
      t.equal(p.metadata.labels[TENANT_LABEL], tenant, `${p.metadata.name}: tenant ${tenant}`)
      // The chart's pods are what the webhook would make them: it answers with an empty patch.
      t.equal(p.metadata.annotations?.[MUTATED_BY], undefined, `${p.metadata.name}: a fixed point of the mutating webhook (no mutated-by stamp)`)
    }
    const storefront = pods.filter((p: any) => p.metadata.labels['store.platform.io/role'] === 'storefront')
    t.ok(storefront.length >= 1, 'storefront pods running')
    for (const p of storefront) t.equal(p.spec.initContainers[0].name, 'copy-public-files')
    const pvcs = getJson(['-n', ns, 'get', 'pvc']).items
    t.ok(pvcs.length >= 1 && pvcs.every((p: any) => p.status.phase === 'Bound'), `PVCs bound: ${pvcs.map((p: any) => `${p.metadata.name}=${p.status.phase}`).join(', ')}`)

    // the migration hook ran to completion (post-install)
    // (the Job may already be gone when its hook-delete-policy includes hook-succeeded: then its events tell)
    const jobs = getJson(['-n', ns, 'get', 'jobs']).items
    const migration = jobs.find((j: any) => j.metadata.annotations?.['helm.sh/hook']?.includes('post-install'))
    if (migration) {
      t.ok((migration.status.succeeded ?? 0) >= 1, `migration Job ${migration.metadata.name} succeeded`)
    } else {
      const events = getJson(['-n', ns, 'get', 'events', '--field-selector', 'involvedObject.kind=Job,reason=Completed']).items
      t.ok(events.some((e: any) => /migrat/.test(e.involvedObject.name)), `migration Job completed: ${events.map((e: any) => e.involvedObject.name).join(', ')}`)
    }

    const secretsBefore = getJson(['-n', ns, 'get', 'secret', 'bagisto']).data
    t.ok(secretsBefore.APP_KEY, 'APP_KEY generated')

    const upgrade = helm(v, ['upgrade', 'bagisto', chart, '-n', ns, '--wait', '--timeout', '5m'])
    t.equal(upgrade.code, 0, `helm upgrade --wait succeeded:\n${upgrade.out}`)
    t.match(upgrade.stdout, /REVISION: 2/)
    const secretsAfter = getJson(['-n', ns, 'get', 'secret', 'bagisto']).data
    t.same(secretsAfter, secretsBefore, 'generated secrets kept across the upgrade')
    const status = helm(v, ['status', 'bagisto', '-n', ns])
    t.match(status.stdout, /STATUS: deployed/)

    const uninstall = helm(v, ['uninstall', 'bagisto', '-n', ns, '--wait', '--timeout', '90s'])
    t.equal(uninstall.code, 0, `helm uninstall succeeded:\n${uninstall.out}`)
    await waitFor('release objects gone', () => {
      const left = getJson(['-n', ns, 'get', 'deployments,statefulsets,services,configmaps', '-l', selector]).items
      return left.length === 0
    }, 60_000)
    t.pass('deployments, statefulsets, services and configmaps of the release removed')
    // the credentials outlive the release (helm.sh/resource-policy: keep), like the MySQL volume
    t.same(getJson(['-n', ns, 'get', 'secret', 'bagisto']).data, secretsBefore, 'the Secret is kept, unchanged')
    // a pod that still references the storage PVC (even a Completed hook pod) keeps it Terminating
    const podsLeft = getJson(['-n', ns, 'get', 'pods', '-l', selector]).items.map((p: any) => `${p.metadata.name} (${p.status.phase})`)
    t.same(podsLeft, [], 'no pod of the release left (hook Jobs included)')
    const storage = await waitFor('storage PVC deleted', () => kubectl(['-n', ns, 'get', 'pvc', 'bagisto-storage']).code !== 0, 30_000).catch(() => false)
    t.ok(storage, 'the storage PVC (persistence.keep: false) removed')
    t.equal(helm(v, ['status', 'bagisto', '-n', ns]).code === 0, false, 'release gone')
  })
}
