// Hostile inputs for the webhook, from a seeded generator (a failing case is replayed by its seed
// and index). Each case says what the server must do with it: `kind` decides the oracle in run.ts.
import { admissionReview, fixtureJson } from '../unit/server/fixtures/harness.js'
import { rng } from '../fixtures/random.js'

export type Expect =
  /** A body with a `__proto__` (or constructor.prototype) key or nested deeper than 64: refused with 400. */
  | { kind: 'refused' }
  /** A well-formed review: 200 with response.uid; a patch, if any, applies to the object. */
  | { kind: 'answer'; uid: string; object: unknown; webhook: 'mutate' | 'validate' }
  /** A well-formed review of a pod that breaks a deny rule: 200, allowed false. */
  | { kind: 'deny'; uid: string; webhook: 'validate' }
  /** Anything else: any status below 500. */
  | { kind: 'no-5xx' }

export interface FuzzCase {
  name: string
  method: string
  path: string
  headers: Record<string, string>
  body: string | undefined
  /** Send the body in this many pieces, this many ms apart (a slow client). */
  slow?: { pieces: number; gapMs: number }
  expect: Expect
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

const STOREFRONT = fixtureJson('storefront-pod.json') as { [k: string]: Json }
const NAMESPACES = ['acme', 'shared-stores', 'plain', 'missing', 'store-admission', '']
const OPERATIONS = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT']
const KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Namespace', 'Secret', 'Widget']
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', '__defineGetter__']
const STRINGS = ['', ' ', 'a', '\u0000', '\ud800', '\udfff', '💥', 'é', '\u202e', 'x'.repeat(300), 'latest', 'nginx', 'bagisto', '../..', '{}', '[]', 'null', '0', '-1', 'true', '\n', '"', '\\']
/** Stands in for a deeply nested value until the text is made (JSON.stringify would overflow). */
const DEEP = '\u0001deep\u0001'
const VIOLATIONS: ((pod: { [k: string]: Json }) => void)[] = [
  (p) => { container(p).securityContext = { privileged: true } },
  (p) => { spec(p).hostPID = true },
  (p) => { spec(p).hostNetwork = true },
  (p) => { container(p).ports = [{ containerPort: 80, hostPort: 8080 }] },
  (p) => { spec(p).volumes = [...((spec(p).volumes as Json[] | undefined) ?? []), { name: 'host', hostPath: { path: '/' } }] },
  (p) => { container(p).securityContext = { runAsUser: 0, runAsNonRoot: false } },
  (p) => { container(p).securityContext = { capabilities: { add: ['SYS_ADMIN'] } } },
  (p) => { container(p).image = 'ghcr.io/example/app:latest' },
]

/** Nesting depth of a JSON value (objects and arrays count one level each). */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0
  const children: unknown[] = Array.isArray(value) ? value : Object.values(value)
  return 1 + children.reduce<number>((max, child) => Math.max(max, depthOf(child)), 0)
}

/** What the server must do with a well-formed review, unless a prototype key or nesting past 64 levels makes it refuse it. */
function unlessProto(body: string, expect: Expect): Expect {
  const refused = body.includes('"__proto__"') || /"constructor":\{[^{}]*"prototype"/.test(body) || depthOf(JSON.parse(body)) > 64
  return refused ? { kind: 'refused' } : expect
}

function spec(pod: { [k: string]: Json }): { [k: string]: Json } {
  return pod.spec as { [k: string]: Json }
}
function container(pod: { [k: string]: Json }): { [k: string]: Json } {
  return (spec(pod).containers as { [k: string]: Json }[])[0] as { [k: string]: Json }
}

export function generator(seed: number): (i: number) => FuzzCase {
  const random = rng(seed)
  const int = (n: number): number => Math.floor(random() * n)
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T
  const chance = (p: number): boolean => random() < p

  const anyValue = (depth = 0): Json => {
    switch (int(depth > 3 ? 4 : 7)) {
      case 0: return null
      case 1: return chance(0.5)
      case 2: return pick([0, -1, 1e308, -0, 3.5, Number.MAX_SAFE_INTEGER + 2])
      case 3: return pick(STRINGS)
      case 4: return Array.from({ length: int(4) }, () => anyValue(depth + 1))
      case 5: return Object.fromEntries(Array.from({ length: int(4) }, () => [pick([...STRINGS, ...PROTO_KEYS]), anyValue(depth + 1)]))
      default: return nested(int(200) + 1, anyValue(depth + 1))
    }
  }
  const nested = (depth: number, leaf: Json): Json => {
    let v = leaf
    for (let d = 0; d < depth; d++) v = chance(0.5) ? [v] : { a: v }
    return v
  }
  const deepText = (depth: number): string => (chance(0.5) ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth))

  const review = (object: Json, opts: { operation?: string; kind?: string; namespace?: string } = {}): { uid: string; review: { [k: string]: Json } } => {
    const { uid, review: r } = admissionReview(object, { kind: 'Pod', namespace: 'acme', ...opts })
    return { uid, review: r as { [k: string]: Json } }
  }
  const pod = (): { [k: string]: Json } => JSON.parse(JSON.stringify(STOREFRONT)) as { [k: string]: Json }
  const json = { 'content-type': 'application/json' }

  // Randomly reshapes a well-formed pod without making the review malformed.
  const oddPod = (reshapeSpec = true): { [k: string]: Json } => {
    const p = pod()
    const meta = p.metadata as { [k: string]: Json }
    if (chance(0.5)) meta.labels = { ...(meta.labels as { [k: string]: Json }), [pick([...PROTO_KEYS, ...STRINGS])]: pick(STRINGS) }
    if (chance(0.3)) meta.annotations = Object.fromEntries(PROTO_KEYS.map((k) => [k, pick(STRINGS)]))
    if (reshapeSpec && chance(0.3)) container(p)[pick(['securityContext', 'resources', 'image', 'volumeMounts', 'name', 'ports'])] = anyValue()
    if (reshapeSpec && chance(0.3)) spec(p)[pick(['containers', 'initContainers', 'volumes', 'securityContext', 'nodeSelector'])] = anyValue()
    if (chance(0.2)) p[pick(PROTO_KEYS)] = anyValue()
    return p
  }

  const cases: ((i: number) => FuzzCase)[] = [
    // A well-formed review of an odd pod, kind or operation: answered, patch applies.
    () => {
      const webhook = chance(0.5) ? 'mutate' : 'validate'
      const object = chance(0.7) ? oddPod() : anyValue()
      const { uid, review: r } = review(object, { operation: pick(OPERATIONS), kind: pick(KINDS), namespace: chance(0.5) ? 'acme' : pick(NAMESPACES) })
      const notObject = object !== null && (typeof object !== 'object' || Array.isArray(object))
      const malformedObject = notObject || (object === null && ['CREATE', 'UPDATE'].includes((r.request as { operation: string }).operation))
      const body = JSON.stringify(r)
      return { name: 'odd review', method: 'POST', path: `/${webhook}`, headers: json, body, expect: malformedObject ? { kind: 'no-5xx' } : unlessProto(body, { kind: 'answer', uid, object, webhook }) }
    },
    // A pod that breaks a deny rule: /validate denies it, whatever else it carries.
    () => {
      const p = oddPod(false)
      pick(VIOLATIONS)(p)
      const { uid, review: r } = review(p)
      const body = JSON.stringify(r)
      return { name: 'must-deny pod', method: 'POST', path: '/validate', headers: json, body, expect: unlessProto(body, { kind: 'deny', uid, webhook: 'validate' }) }
    },
    // Wrong types or deep nesting at each field of the review.
    () => {
      const { review: r } = review(pod())
      const req = r.request as { [k: string]: Json }
      const deep = chance(0.5)
      const value = deep ? DEEP : anyValue()
      const field = pick(['apiVersion', 'kind', 'request', 'request.uid', 'request.kind', 'request.kind.kind', 'request.operation', 'request.namespace', 'request.object', 'request.userInfo', 'request.oldObject', 'request.subResource'])
      if (field.startsWith('request.kind.')) (req.kind as { [k: string]: Json }).kind = value
      else if (field.startsWith('request.')) req[field.slice(8)] = value
      else r[field] = value
      const text = JSON.stringify(r)
      const body = deep ? text.replace(JSON.stringify(DEEP), deepText(pick([70, 1000, 50_000]))) : text
      return { name: `${deep ? 'deep' : 'bad'} ${field}`, method: 'POST', path: pick(['/mutate', '/validate']), headers: json, body, expect: { kind: 'no-5xx' } }
    },
    // Raw text: truncated reviews, deep nesting, duplicate keys, prototype keys, unicode, garbage.
    () => {
      const text = JSON.stringify(review(pod()).review)
      const raw = pick([
        () => text.slice(0, int(text.length)),
        () => deepText(pick([65, 1000, 10_000, 200_000])),
        () => `{"apiVersion":${deepText(pick([65, 1000, 50_000]))},"kind":"AdmissionReview"}`,
        () => text.replace('"operation":"CREATE"', `"operation":${deepText(pick([65, 1000, 50_000]))}`),
        () => text.replace('"uid":', '"uid":"dup","uid":'),
        () => text.replace('{"apiVersion"', '{"__proto__":{"allowed":true},"constructor":{"prototype":{}},"apiVersion"'),
        () => text.replace('"request":{', '"request":{"__proto__":{"uid":"p","operation":"CREATE"},'),
        () => text.replace(/"acme"/g, '"\\ud800\\u0000"'),
        () => Array.from({ length: int(2000) }, () => String.fromCharCode(int(0x10000))).join(''),
        () => '\ufeff' + text,
        () => text + '  \n' + (chance(0.5) ? '' : 'trailing'),
      ])()
      return { name: 'raw text', method: 'POST', path: pick(['/mutate', '/validate']), headers: json, body: raw, expect: { kind: 'no-5xx' } }
    },
    // Sizes: padding up to and past the body limit.
    () => {
      const p = pod()
      ;(p.metadata as { [k: string]: Json }).annotations = { pad: 'x'.repeat(pick([1000, 100_000, 1_000_000, 2_900_000, 3_200_000])) }
      const { uid, review: r } = review(p)
      const body = JSON.stringify(r)
      const within = Buffer.byteLength(body) <= 3 * 1024 * 1024
      return { name: 'large body', method: 'POST', path: '/validate', headers: json, body, expect: within ? { kind: 'answer', uid, object: p, webhook: 'validate' } : { kind: 'no-5xx' } }
    },
    // Methods and content types.
    () => {
      const body = JSON.stringify(review(pod()).review)
      const method = pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'POST'])
      const type = pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/yaml', 'application/json', ''])
      return { name: `${method} ${type || '(none)'}`, method, path: pick(['/mutate', '/validate', '/readyz', '/metrics', '/nope', '/mutate?x=1', '//validate']), headers: type ? { 'content-type': type } : ({} as Record<string, string>), body: method === 'GET' || method === 'HEAD' ? undefined : body, expect: { kind: 'no-5xx' } }
    },
    // A slow body: a review trickled in pieces; still answered.
    () => {
      const { uid, review: r } = review(pod())
      return { name: 'slow body', method: 'POST', path: '/mutate', headers: json, body: JSON.stringify(r), slow: { pieces: int(4) + 2, gapMs: int(150) + 20 }, expect: { kind: 'answer', uid, object: r.request && (r.request as { object: Json }).object, webhook: 'mutate' } }
    },
  ]
  const weights = [30, 20, 20, 20, 2, 7, 1]
  const total = weights.reduce((a, b) => a + b, 0)
  return (i: number) => {
    let roll = int(total)
    for (const [k, w] of weights.entries()) {
      if (roll < w) return { ...(cases[k] as (i: number) => FuzzCase)(i) }
      roll -= w
    }
    throw new Error('unreachable')
  }
}
