import { readFileSync } from 'node:fs'
import { Agent, request } from 'node:https'
const T = '.testenv/'
const state = Object.fromEntries(readFileSync(T + 'run/state.env', 'utf8').trim().split('\n').map((l) => l.split('=')))
const hookPid = readFileSync(T + 'run/pids/webhook.pid', 'utf8').trim()
const cpu = () => { const f = readFileSync(`/proc/${hookPid}/stat`, 'utf8').split(') ')[1].split(' '); return (+f[11] + +f[12]) * 10 }
const apiAgent = new Agent({ keepAlive: true, ca: readFileSync(T + 'pki/ca.crt'), cert: readFileSync(T + 'pki/admin.crt'), key: readFileSync(T + 'pki/admin.key') })
const hookAgent = new Agent({ keepAlive: true, maxSockets: Number(process.argv[3] ?? 1), ca: readFileSync(T + 'pki/ca.crt') })
const call = (agent, port, path, body) => new Promise((res, rej) => {
  const r = request({ host: '127.0.0.1', port, method: 'POST', path, agent, headers: { 'content-type': 'application/json' } }, (m) => { let t = ''; m.on('data', (c) => t += c); m.on('end', () => res(t)) })
  r.on('error', rej); r.end(body)
})
const podName = process.argv[2] ?? 'minimal'
const pods = {
  minimal: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'm', labels: { 'store.platform.io/role': 'storefront' }, annotations: { 'store.platform.io/storage-claim': 'x' } }, spec: { containers: [{ name: 'bagisto', image: 'r.example.com/b:1' }, { name: 'nginx', image: 'r.example.com/n:1' }] } },
}
const pod = pods.minimal
const review = (uid, webhook) => JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid, kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, namespace: 'bench-store', operation: 'CREATE', userInfo: { username: 'admin', groups: ['system:masters'] }, object: { ...pod, metadata: { ...pod.metadata, namespace: 'bench-store' } }, oldObject: null, dryRun: true } })
for (const path of ['/mutate', '/validate']) {
  for (let i = 0; i < 100; i++) await call(hookAgent, state.WEBHOOK_PORT, path, review(`w${i}`))
  const c0 = cpu(); const t0 = performance.now(); const N = 1000
  let next = 0
  await Promise.all(Array.from({ length: Number(process.argv[3] ?? 1) }, async () => { while (next++ < N) await call(hookAgent, state.WEBHOOK_PORT, path, review(`u${next}`)) }))
  console.log(podName, path, 'webhook CPU per review ms', ((cpu() - c0) / N).toFixed(3), 'req/s', (N / ((performance.now() - t0) / 1000)).toFixed(0))
}
hookAgent.destroy(); apiAgent.destroy()
