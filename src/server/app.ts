// The fastify HTTPS application: routes, error mapping and per-review logging/metrics.
import type { Server } from 'node:https'
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import type { Webhook } from '../pipeline/types.js'
import { type AdmissionReviewBody, readReview, reviewAnswer, reviewRouteSchema, schemaErrorMessage } from './admission.js'
import { ByteBudget } from './byte-budget.js'
import { jsonOutOfBounds } from './json-bounds.js'
import { kindLabel, operationLabel } from './metric-labels.js'
import type { Metrics } from './metrics.js'
import { type ReviewContext, review } from './review.js'
import { type Turn, TurnEnded, Turns } from './turns.js'

export interface AppOptions {
  key: string
  cert: string
  bodyLimit: number
  logger: Logger
  metrics: Metrics
  review: ReviewContext
  /** What /readyz still waits for; empty when ready. */
  pending(): string[]
  /** True once shutdown began: every answer then closes its connection. */
  draining(): boolean
}

export type App = FastifyInstance<Server>

export const TLS_MIN_VERSION = 'TLSv1.2'
/** TLS 1.3's suites (all AEAD) and TLS 1.2's ECDHE AEAD suites: no CBC, no SHA-1 MAC, no static RSA. */
export const TLS_CIPHERS = [
  'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305',
].join(':')

/** The TLS settings of a serving pair, at start and for every later setSecureContext. */
export function secureContextOptions(pair: { key: string; cert: string }): { key: string; cert: string; minVersion: 'TLSv1.2'; ciphers: string; honorCipherOrder: true } {
  return { key: pair.key, cert: pair.cert, minVersion: TLS_MIN_VERSION, ciphers: TLS_CIPHERS, honorCipherOrder: true }
}

// The API server waits at most 5 s for a webhook: a request that has not arrived whole by then is
// lost anyway, and its connection must not hold memory or shutdown.
const REQUEST_TIMEOUT_MS = 3000
const HEADERS_TIMEOUT_MS = 2000
/** Kubernetes objects nest a few dozen levels; parsing a hostile million is a stack overflow. */
export const MAX_JSON_DEPTH = 64
/**
 * One object or array allowed per this many bytes of --body-limit (196,608 at 3 MiB): a pod with
 * its managedFields holds one per 23 bytes, its spec alone one per 52; a hostile body of `[]`s one
 * per 2, which costs a second of CPU and a hundred MB of heap to parse at 3 MiB.
 */
const BYTES_PER_CONTAINER = 16
/** Request bodies read at once: four 3 MiB reviews, or thousands of ordinary ones. */
const BODY_BUDGET_BYTES = 12 * 1024 * 1024
const BODY_BUDGET_WAIT_MS = 2000
/** Ordinary reviews (a pod is a few KiB) never wait behind large ones. */
const SMALL_BODY_BYTES = 64 * 1024

export function buildApp(opts: AppOptions): App {
  const { logger, metrics } = opts
  // fastify's own request logger would allocate a child logger per request; we log one line per review.
  const app = Fastify({
    // connectionsCheckingInterval: how often node enforces the two timeouts (default 30 s).
    https: { ...secureContextOptions(opts), headersTimeout: HEADERS_TIMEOUT_MS, connectionsCheckingInterval: 500 },
    requestTimeout: REQUEST_TIMEOUT_MS,
    bodyLimit: opts.bodyLimit,
    logger: false,
    // During shutdown, reviews on connections still open are answered, not refused.
    return503OnClosing: false,
    // A review is taken as sent: no value coerced to the type the schema asks for; a refused value
    // is named in the 400 (verbose).
    ajv: { customOptions: { coerceTypes: false, verbose: true } },
    schemaErrorFormatter: (errors) => new Error(schemaErrorMessage(errors)),
  }) as unknown as App

  // Large bodies are read side by side (within the byte budget) but parsed and judged one at a
  // time, in turns: the turn lasts until the answer is sent, and pauses between scan, parse and
  // judgment so small reviews are answered in between.
  const turns = new Turns()
  const turnOf = new WeakMap<FastifyRequest, Turn>()
  const bounds = { maxDepth: MAX_JSON_DEPTH, maxContainers: Math.floor(opts.bodyLimit / BYTES_PER_CONTAINER) }
  app.removeContentTypeParser(['text/plain', 'application/json'])
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, async (request: FastifyRequest, body: Buffer) => {
    const turn = turnOf.get(request)
    await turn?.wait()
    const outOfBounds = jsonOutOfBounds(body, bounds)
    if (outOfBounds !== undefined) throw new BadBody(outOfBounds)
    await turn?.pause()
    return new Promise((resolve, reject) => {
      void parseJson(request, body.toString('utf8'), (err, parsed) => (err ? reject(err) : resolve(parsed)))
    })
  })

  const budget = new ByteBudget(BODY_BUDGET_BYTES)
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST') return
    const length = Number(request.headers['content-length'])
    const bytes = Number.isSafeInteger(length) && length >= 0 ? Math.min(length, opts.bodyLimit) : opts.bodyLimit
    if (bytes <= SMALL_BODY_BYTES) return
    try {
      reply.raw.once('close', await budget.acquire(bytes, BODY_BUDGET_WAIT_MS))
      const turn = turns.turn()
      turnOf.set(request, turn)
      reply.raw.once('close', turn.end)
    } catch (err) {
      logger.warn({ path: request.url, error: (err as Error).message }, 'busy')
      return reply.code(429).header('retry-after', '1').send({ error: `too many large requests in flight: ${(err as Error).message}` })
    }
  })
  app.addHook('onSend', async (_request, reply) => {
    if (opts.draining()) reply.header('connection', 'close')
  })
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const message = clientError(err, opts.bodyLimit)
    if (message !== undefined) {
      logger.warn({ path: request.url, error: message }, 'bad request')
      return reply.code(400).send({ error: message })
    }
    logger.error({ err, path: request.url }, 'request failed')
    return reply.code(500).send({ error: `internal error: ${err.message}` })
  })
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: `no route ${request.method} ${request.url}` }))

  const handler = (webhook: Webhook) => async (request: FastifyRequest<{ Body: AdmissionReviewBody }>) => {
    // A large body was just parsed: the judgment is the next phase of its turn.
    await turnOf.get(request)?.pause()
    const started = performance.now()
    const parsed = readReview(request.body)
    const outcome = await review(webhook, parsed, opts.review)
    const seconds = (performance.now() - started) / 1000
    metrics.requests.inc({ webhook, operation: operationLabel(parsed.operation), kind: kindLabel(parsed.kind), decision: outcome.decision })
    metrics.duration.observe({ webhook }, seconds)
    for (const rule of outcome.rules) metrics.violations.inc({ rule })
    logger.info(
      {
        uid: parsed.uid,
        webhook,
        namespace: parsed.namespace,
        tenant: outcome.tenant,
        kind: parsed.kind,
        operation: parsed.operation,
        decision: outcome.decision,
        duration_ms: Math.round(seconds * 1e6) / 1000,
        ...(outcome.rules.length > 0 ? { rules: outcome.rules } : {}),
      },
      'review',
    )
    return reviewAnswer(outcome.response)
  }
  app.post('/mutate', { schema: reviewRouteSchema }, handler('mutate'))
  app.post('/validate', { schema: reviewRouteSchema }, handler('validate'))

  app.get('/healthz', (_request, reply) => reply.send({ status: 'ok' }))
  app.get('/readyz', (_request, reply) => {
    const pending = opts.pending()
    if (pending.length === 0) return reply.send({ status: 'ready' })
    return reply.code(503).send({ status: 'not ready', waitingFor: pending })
  })
  app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()))
  return app
}

/** The 400 message for input errors (body parsing and the request schema), undefined for server faults. */
function clientError(err: FastifyError, bodyLimit: number): string | undefined {
  if (err.validation !== undefined || err instanceof BadBody || err instanceof TurnEnded) return err.message
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'request body is not valid JSON (or has a __proto__ or constructor.prototype key)'
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'request body is empty; expected an AdmissionReview'
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `request body is larger than the limit of ${bodyLimit} bytes`
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Content-Type must be application/json (an AdmissionReview)'
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'request body length does not match Content-Length'
  }
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) return err.message
  return undefined
}

/** A body refused before parsing. */
class BadBody extends Error {}
