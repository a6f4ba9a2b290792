// Pod Security "restricted" on every rendered pod of every ci scenario, requests + memory limits on
// every container, probes on long-running containers, pinned images (no latest).
import t from 'tap'
import * as path from 'node:path'
import { allContainers, ciValuesFiles, podTemplates, render } from './fixtures/helm.js'

const ALLOWED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']
const scenarios = [...ciValuesFiles(), path.join(path.dirname(ciValuesFiles()[0]!), '../values-local.yaml'), path.join(path.dirname(ciValuesFiles()[0]!), '../values-prod.yaml')]

for (const file of scenarios) {
  t.test(path.basename(file), async (t) => {
    const { objects } = render({ values: [file], set: { 'scheduler.kind': file.includes('autoscaling') ? 'CronJob' : 'Deployment' } })
    const pods = podTemplates(objects)
    t.ok(pods.length >= 2, 'renders pods')
    for (const pod of pods) {
      const s = pod.spec
      const psc = s.securityContext ?? {}
      t.equal(psc.runAsNonRoot, true, `${pod.owner}: runAsNonRoot`)
      t.ok(Number.isInteger(psc.runAsUser) && psc.runAsUser > 0, `${pod.owner}: numeric non-root runAsUser`)
      t.ok(Number.isInteger(psc.runAsGroup) && psc.runAsGroup > 0, `${pod.owner}: numeric runAsGroup`)
      t.ok(Number.isInteger(psc.fsGroup), `${pod.owner}: fsGroup`)
      t.equal(psc.fsGroupChangePolicy, 'OnRootMismatch', `${pod.owner}: fsGroupChangePolicy`)
      t.equal(psc.seccompProfile?.type, 'RuntimeDefault', `${pod.owner}: seccomp RuntimeDefault`)
      t.equal(s.automountServiceAccountToken, false, `${pod.owner}: no service account token`)
      t.notOk(s.hostNetwork || s.hostPID || s.hostIPC, `${pod.owner}: no host namespaces`)
      for (const v of s.volumes ?? []) {
        const type = Object.keys(v).find((k) => k !== 'name')
        t.ok(type && ALLOWED_VOLUMES.includes(type), `${pod.owner}: volume ${v.name} (${type}) allowed by restricted`)
      }
      t.ok(pod.metadata.labels?.['store.platform.io/tenant'], `${pod.owner}: tenant label`)
      // The role label names the store's own parts (DESIGN: storefront, worker, scheduler, migration,
      // database, cache); the optional local services and the `helm test` pod are none of them.
      const component = pod.metadata.labels?.['app.kubernetes.io/component'] ?? ''
      if (!['mailpit', 'opensearch', 'test'].includes(component)) t.ok(pod.metadata.labels?.['store.platform.io/role'], `${pod.owner}: role label`)
      const isJob = pod.owner.startsWith('Job/') || pod.owner.startsWith('CronJob/')
      for (const c of allContainers(s)) {
        const id = `${pod.owner} ${c.name}`
        const sc = c.securityContext ?? {}
        t.equal(sc.allowPrivilegeEscalation, false, `${id}: allowPrivilegeEscalation false`)
        t.same(sc.capabilities?.drop, ['ALL'], `${id}: drop ALL`)
        t.notOk(sc.capabilities?.add, `${id}: adds no capability`)
        t.not(sc.privileged, true, `${id}: not privileged`)
        // OpenSearch writes its keystore and config at start; restricted does not require a read-only root.
        if (component !== 'opensearch') t.equal(sc.readOnlyRootFilesystem, true, `${id}: read-only root filesystem`)
        t.not(sc.runAsUser, 0, `${id}: not root`)
        t.notOk((c.ports ?? []).some((p: { hostPort?: number }) => p.hostPort), `${id}: no hostPort`)
        t.ok(c.resources?.requests?.cpu && c.resources?.requests?.memory, `${id}: cpu + memory requests`)
        t.ok(c.resources?.limits?.memory, `${id}: memory limit`)
        t.match(c.image, /^[^\s]+(:[\w][\w.-]*|@sha256:[a-f0-9]{64})$/, `${id}: image pinned (${c.image})`)
        t.notMatch(c.image, /:latest$/, `${id}: not latest`)
        const isInit = (s.initContainers ?? []).includes(c)
        if (!isInit && !isJob) t.ok(c.livenessProbe && c.readinessProbe !== undefined || c.livenessProbe, `${id}: long-running container has probes`)
      }
    }
  })
}

t.test('servers carry readiness and liveness probes', async (t) => {
  const pods = podTemplates(render().objects)
  for (const pod of pods.filter((p) => /bagisto$|mysql|redis/.test(p.owner))) {
    for (const c of pod.spec.containers) {
      t.ok(c.readinessProbe, `${pod.owner} ${c.name}: readiness`)
      t.ok(c.livenessProbe, `${pod.owner} ${c.name}: liveness`)
    }
  }
})

t.test('no image reference anywhere is unpinned or latest', async (t) => {
  for (const file of scenarios) {
    const { text } = render({ values: [file] })
    const images = [...text.matchAll(/^\s*image:\s*"?([^"\s]+)"?\s*$/gm)].map((m) => m[1]!)
    t.ok(images.length > 0)
    t.notOk(images.some((i) => /:latest$/.test(i) || !/[:@]/.test(i.split('/').pop()!)), `${path.basename(file)}: ${[...new Set(images)].join(', ')}`)
  }
})
