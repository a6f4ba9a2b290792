// The fastify HTTPS application: routes, error mapping and per-review logging/metrics.
import type { Server } from 'node:https'
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import type { Webhook } from '../pipeline/types.js'
import { type AdmissionReviewBody, readReview, reviewAnswer, reviewRouteSchema, schemaErrorMessage } from './admission.js'
import type { Metrics } from './metrics.js'
import { type ReviewContext, review } from './review.js'

export interface AppOptions {
  key: string
  cert: string
  bodyLimit: number
  logger: Logger
  metrics: Metrics
  review: ReviewContext
  /** What /readyz still waits for; empty when ready. */
  pending(): string[]
}

export type App = FastifyInstance<Server>

export const TLS_MIN_VERSION = 'TLSv1.2'

export function buildApp(opts: AppOptions): App {
  const { logger, metrics } = opts
  // fastify's own request logger would allocate a child logger per request; we log one line per review.
  const app = Fastify({
    https: { key: opts.key, cert: opts.cert, minVersion: TLS_MIN_VERSION },
    bodyLimit: opts.bodyLimit,
    logger: false,
    return503OnClosing: true,
    // A review is taken as sent: no value coerced to the type the schema asks for; a refused value
    // is named in the 400 (verbose).
    ajv: { customOptions: { coerceTypes: false, verbose: true } },
    schemaErrorFormatter: (errors) => new Error(schemaErrorMessage(errors)),
  }) as unknown as App

  app.removeContentTypeParser('text/plain')
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
    const started = performance.now()
    const parsed = readReview(request.body)
    const outcome = await review(webhook, parsed, opts.review)
    const seconds = (performance.now() - started) / 1000
    metrics.requests.inc({ webhook, operation: parsed.operation, kind: parsed.kind, decision: outcome.decision })
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
  if (err.validation !== undefined) return err.message
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
