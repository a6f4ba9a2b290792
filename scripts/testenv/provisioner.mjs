#!/usr/bin/env node
// A tiny dynamic volume provisioner for the local control plane (there is no kubelet and no CSI
// driver: pods are faked by kwok). It serves the StorageClass `standard`
// (provisioner testenv.store.platform.io/hostpath): every Pending PVC of that class gets a hostPath
// PV (directory under .testenv/run/pv/) bound to it through claimRef, with the PVC's access modes
// (ReadWriteMany included) and size; PVs it made are deleted once Released (reclaimPolicy Delete).
// The PV binder in kube-controller-manager does the binding, as with any external provisioner.
// Usage: KUBECONFIG=... node provisioner.mjs <pv-root-dir>
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import * as k8s from '@kubernetes/client-node'

const PROVISIONER = 'testenv.store.platform.io/hostpath'
const root = process.argv[2] ?? '.testenv/run/pv'
const kc = new k8s.KubeConfig()
kc.loadFromDefault()
const core = kc.makeApiClient(k8s.CoreV1Api)
const storage = kc.makeApiClient(k8s.StorageV1Api)
const log = (msg) => console.log(`${new Date().toISOString()} provisioner: ${msg}`)

async function ourClasses() {
  const list = await storage.listStorageClass()
  const ours = new Set()
  let dflt
  for (const sc of list.items) {
    if (sc.provisioner !== PROVISIONER) continue
    ours.add(sc.metadata.name)
    if (sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true') dflt = sc
  }
  return { ours, list: list.items, dflt }
}

async function provision(pvc, sc) {
  const name = `pvc-${pvc.metadata.uid}`
  const dir = join(root, `${pvc.metadata.namespace}-${pvc.metadata.name}-${pvc.metadata.uid.slice(0, 8)}`)
  mkdirSync(dir, { recursive: true })
  const body = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': PROVISIONER }, labels: { 'testenv.store.platform.io/provisioned': 'true' } },
    spec: {
      capacity: { storage: pvc.spec.resources?.requests?.storage ?? '1Gi' },
      accessModes: pvc.spec.accessModes?.length ? pvc.spec.accessModes : ['ReadWriteOnce'],
      volumeMode: pvc.spec.volumeMode ?? 'Filesystem',
      persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
      storageClassName: sc.metadata.name,
      hostPath: { path: dir, type: 'DirectoryOrCreate' },
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid },
    },
  }
  try {
    await core.createPersistentVolume({ body })
    log(`provisioned ${name} for ${pvc.metadata.namespace}/${pvc.metadata.name} (${body.spec.accessModes.join(',')}, ${body.spec.capacity.storage})`)
  } catch (err) {
    if (err?.code !== 409) throw err
  }
}

async function tick() {
  const { ours } = await ourClasses()
  const pvcs = await core.listPersistentVolumeClaimForAllNamespaces()
  const classes = new Map((await storage.listStorageClass()).items.map((sc) => [sc.metadata.name, sc]))
  for (const pvc of pvcs.items) {
    if (pvc.status?.phase !== 'Pending' || pvc.spec.volumeName || pvc.metadata.deletionTimestamp) continue
    const cls = pvc.spec.storageClassName
    if (!cls || !ours.has(cls)) continue
    if (pvc.spec.selector || pvc.spec.dataSource) continue
    await provision(pvc, classes.get(cls))
  }
  const pvs = await core.listPersistentVolume({ labelSelector: 'testenv.store.platform.io/provisioned=true' })
  for (const pv of pvs.items) {
    const released = pv.status?.phase === 'Released' || pv.status?.phase === 'Failed'
    if (!released || pv.spec.persistentVolumeReclaimPolicy !== 'Delete') continue
    try {
      rmSync(pv.spec.hostPath.path, { recursive: true, force: true })
      await core.deletePersistentVolume({ name: pv.metadata.name })
      log(`deleted ${pv.metadata.name} (claim ${pv.spec.claimRef?.namespace}/${pv.spec.claimRef?.name} released)`)
    } catch (err) {
      if (err?.code !== 404) throw err
    }
  }
}

let stopping = false
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { stopping = true })
log(`serving StorageClasses with provisioner ${PROVISIONER}; volumes under ${root}`)
while (!stopping) {
  try {
    await tick()
  } catch (err) {
    log(`error: ${err?.message ?? err}`)
  }
  await new Promise((r) => setTimeout(r, 1000))
}
log('stopped')
