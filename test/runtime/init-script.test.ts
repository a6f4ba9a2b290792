// The copy-public-files init container, run for real: the script and env come from
// `helm template charts/bagisto`, the image and volumes are temp dirs, the user is the pod's.
import t, { type Test } from 'tap'
import * as fs from 'node:fs'
import * as path from 'node:path'
import {
  PodFs, buildImage, extractStorefront, files, freePorts, giveToPod, helmTemplate, hostInitEnv,
  initEnvNames, isRoot, onSignals, makeTempRoot, makeVolumes, podUid, removeTree, runInitScript, seedStorage,
  snapshotTree, asPodUser, type StorefrontPod,
} from './fixtures/pod.js'
import { spawnSync } from 'node:child_process'

const root = makeTempRoot('runtime-init')
t.teardown(() => removeTree(root))
onSignals(() => removeTree(root))
const pod = new PodFs(root)

const [nginxPort, fpmPort, statusPort] = await freePorts(3)
const rendered = helmTemplate({ appRoot: pod.appRoot, nginxPort: nginxPort!, fpmPort: fpmPort!, statusPort: statusPort!, clientMaxBodySize: '1m' })
const sp: StorefrontPod = extractStorefront(rendered.objects)

/** the storefront's own files in the emptyDir (the storage tree and the symlink aside) */
const publicTree = (dir: string): Record<string, string> => {
  const s = snapshotTree(dir)
  delete s.storage
  return s
}

t.test('the rendered init container is wired to the pod volumes as the app and nginx see them', async (t) => {
  t.same(Object.keys(sp.initEnv).filter((n) => (initEnvNames as readonly string[]).includes(n)).sort(), [...initEnvNames].sort(),
    'copy-public-files env sets PUBLIC_SOURCE, PUBLIC_TARGET, STORAGE_TARGET, STORAGE_LINK_TARGET')
  const mountOf = (c: typeof sp.init, vol: string) => c.volumeMounts?.find((m) => m.name === vol)?.mountPath
  t.equal(sp.initEnv.PUBLIC_TARGET?.replace(/\/+$/, ''), mountOf(sp.init, 'bagisto-public')?.replace(/\/+$/, ''),
    'PUBLIC_TARGET is where the init container mounts the bagisto-public emptyDir')
  t.equal(sp.initEnv.STORAGE_TARGET?.replace(/\/+$/, ''), mountOf(sp.init, 'bagisto-storage')?.replace(/\/+$/, ''),
    'STORAGE_TARGET is where the init container mounts the bagisto-storage PVC')
  t.equal(sp.initEnv.PUBLIC_SOURCE, `${pod.appRoot}/public`, 'PUBLIC_SOURCE is the image\'s <appRoot>/public (moved with storefront.appRoot)')
  t.equal(sp.initEnv.STORAGE_LINK_TARGET, `${pod.appRoot}/storage/app/public`, 'STORAGE_LINK_TARGET is <appRoot>/storage/app/public')
  for (const c of [sp.app, sp.nginx]) {
    t.equal(mountOf(c, 'bagisto-public'), `${pod.appRoot}/public`, `${c.name} mounts bagisto-public at <appRoot>/public`)
    t.equal(mountOf(c, 'bagisto-storage'), `${pod.appRoot}/storage`, `${c.name} mounts bagisto-storage at <appRoot>/storage`)
  }
  const env = hostInitEnv(pod, sp)
  t.equal(env.PUBLIC_SOURCE, pod.imagePublic(), 'PUBLIC_SOURCE is outside the init container\'s volumes: the image\'s own files')
  t.not(env.PUBLIC_SOURCE, env.PUBLIC_TARGET, 'source and target differ')
})

t.test('copy-public-files prepares the volumes, idempotently, from a read-only source', async (t) => {
  buildImage(pod)
  makeVolumes(pod)
  const banner = seedStorage(pod) // the PVC already holds an upload from an earlier pod
  giveToPod(pod.volumes['bagisto-storage']!)
  const env = hostInitEnv(pod, sp)
  const pub = env.PUBLIC_TARGET!
  const storage = env.STORAGE_TARGET!
  const imageTree = publicTree(pod.imagePublic())

  const check = (t: Test, label: string) => {
    t.same(publicTree(pub), imageTree, `${label}: public/ holds exactly the image's public files`)
    const link = path.join(pub, 'storage')
    const st = fs.lstatSync(link, { throwIfNoEntry: false })
    t.ok(st?.isSymbolicLink(), `${label}: public/storage is a symlink`)
    if (st?.isSymbolicLink()) t.equal(fs.readlinkSync(link), env.STORAGE_LINK_TARGET, `${label}: public/storage -> STORAGE_LINK_TARGET`)
    const real = (p: string): string => { try { return fs.realpathSync(p) } catch (e) { return `unresolvable: ${(e as Error).message}` } }
    t.equal(real(link), real(path.join(storage, 'app/public')), `${label}: the link resolves into the storage volume's app/public`)
    for (const d of ['app/public', 'framework/cache', 'framework/sessions', 'framework/views', 'logs']) {
      t.ok(fs.statSync(path.join(storage, d), { throwIfNoEntry: false })?.isDirectory(), `${label}: storage/${d} exists`)
    }
    t.same(fs.readFileSync(banner), files.banner, `${label}: the upload already on the PVC is untouched`)
    const viaLink = path.join(pub, 'storage/theme/1/banner.webp')
    t.equal(fs.existsSync(viaLink) ? fs.readFileSync(viaLink).toString('latin1') : `missing: ${viaLink}`, files.banner.toString('latin1'),
      `${label}: the upload is reachable through public/storage`)
  }

  const run1 = runInitScript(sp.initScript, env)
  t.equal(run1.code, 0, `first run exits 0${run1.code ? `: ${run1.stderr}` : ''}`)
  check(t, 'first run')
  const afterFirst = { pub: snapshotTree(pub), storage: snapshotTree(storage) }

  const run2 = runInitScript(sp.initScript, env)
  t.equal(run2.code, 0, `second run on the same volumes exits 0${run2.code ? `: ${run2.stderr}` : ''}`)
  check(t, 'second run')
  t.same(snapshotTree(pub), afterFirst.pub, 'second run: the public volume is exactly as after the first run')
  t.same(snapshotTree(storage), afterFirst.storage, 'second run: the storage volume is exactly as after the first run (no link created inside the link target)')

  // the app (same user) must be able to write its storage tree
  const w = spawnSync('/bin/sh', ['-ec', 'for d in "$1/logs" "$1/framework/cache" "$1/framework/sessions" "$1/framework/views" "$1/app/public"; do echo x > "$d/.write-probe" && rm "$d/.write-probe"; done', 'sh', storage],
    { encoding: 'utf8', ...asPodUser() })
  t.equal(w.status, 0, `the pod user (uid ${podUid}) can write the storage tree${w.status ? `: ${w.stderr}` : ''}`)

  // a read-only image (and a read-only root file system): nothing of the source may be written
  const ro = spawnSync('chmod', ['-R', 'a-w', pod.imagePublic()])
  t.equal(ro.status, 0, 'source made read-only')
  const run3 = runInitScript(sp.initScript, env)
  t.equal(run3.code, 0, `third run, read-only source, same volumes, exits 0${run3.code ? `: ${run3.stderr}` : ''}`)
  check(t, 'read-only source, same volumes')
  t.same(publicTree(pod.imagePublic()), imageTree, 'the source is unchanged')
  t.equal(fs.readlinkSync(path.join(pod.imagePublic(), 'storage')), path.join(pod.imageStorage(), 'app/public'),
    'the image\'s own public/storage symlink is unchanged')

  // a new pod on the same PVC: fresh emptyDir, read-only source, storage tree already there
  fs.rmSync(pub, { recursive: true, force: true })
  fs.mkdirSync(pub)
  giveToPod(pub)
  const run4 = runInitScript(sp.initScript, env)
  t.equal(run4.code, 0, `fourth run, read-only source, fresh emptyDir, existing PVC, exits 0${run4.code ? `: ${run4.stderr}` : ''}`)
  check(t, 'fresh emptyDir, existing PVC')
  t.same(snapshotTree(storage), afterFirst.storage, 'fresh emptyDir: the storage volume is as after the first run')

  // then the same pod restarting its init container with the read-only copy in place
  const run5 = runInitScript(sp.initScript, env)
  t.equal(run5.code, 0, `fifth run over files copied from the read-only source exits 0${run5.code ? `: ${run5.stderr}` : ''}`)
  check(t, 'rerun over a copy of a read-only source')
})

t.test('the init script fails loudly rather than half-preparing the pod', async (t) => {
  // the script runs under `sh -e`: a source that does not exist must fail the container, not
  // start nginx over an empty document root
  const env = hostInitEnv(pod, sp)
  const bad = { ...env, PUBLIC_SOURCE: path.join(root, 'no-such-image-dir') }
  const r = runInitScript(sp.initScript, bad)
  t.not(r.code, 0, 'a missing PUBLIC_SOURCE makes the init container fail')
})

t.test('runs as the pod user, not root', async (t) => {
  const r = spawnSync('id', ['-u'], { encoding: 'utf8', ...asPodUser() })
  t.equal(Number(r.stdout.trim()), podUid, isRoot ? 'root test run: pod processes run as uid 33 (www-data)' : 'pod processes run as the invoking user')
})
