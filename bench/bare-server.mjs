// The baselines for `make bench`: a bare fastify HTTPS server that parses the JSON body and answers
// a fixed allow (/readyz counts the reviews). Whatever the real webhook costs beyond this is our overhead. Given PATCH_FILE, it
// answers /mutate with that (base64) patch as well, to show what an answer of that size costs alone.
// Usage: node bench/bare-server.mjs PORT CERT_FILE KEY_FILE [PATCH_FILE]
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'

const [port, certFile, keyFile, patchFile] = process.argv.slice(2)
const patch = patchFile === undefined ? undefined : readFileSync(patchFile, 'utf8')
const app = Fastify({
  https: { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), minVersion: 'TLSv1.2' },
  bodyLimit: 3 * 1024 * 1024,
})
let reviews = 0
const allow = async (request) => {
  reviews++
  return {
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  response: { uid: request.body.request.uid, allowed: true },
  }
}
// The patch spliced into the answer's text, as the real server does, not scanned by JSON.stringify.
app.post('/mutate', patch === undefined ? allow : async (request, reply) => {
  const answer = JSON.stringify(await allow(request))
  return reply.type('application/json; charset=utf-8').send(`${answer.slice(0, -2)},"patchType":"JSONPatch","patch":"${patch}"}}`)
})
app.post('/validate', allow)
app.get('/readyz', async () => ({ status: 'ready', reviews }))
await app.listen({ port: Number(port), host: '127.0.0.1' })
process.on('SIGTERM', () => app.close().then(() => process.exit(0)))
