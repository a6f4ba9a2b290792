// AdmissionReview v1 on the wire: the route schemas fastify checks requests and writes answers
// with, and the review as the pipeline takes it.
import type { FastifySchema } from 'fastify'
import type { FastifySchemaValidationError } from 'fastify/types/schema.js'
import type { AdmissionRequestInfo } from '../pipeline/types.js'

export interface AdmissionResponse {
  uid: string
  allowed: boolean
  patchType?: 'JSONPatch'
  patch?: string
  warnings?: string[]
  status?: { code: number; message: string }
}

type Operation = AdmissionRequestInfo['operation']
const OPERATIONS: Operation[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT']

/** What the request schema lets through: the fields read here, as typed. */
export interface AdmissionReviewBody {
  apiVersion: 'admission.k8s.io/v1'
  kind: 'AdmissionReview'
  request: {
    uid: string
    kind: { kind: string }
    operation: Operation
    namespace?: string
    subResource?: string
    /** Required (an object) for CREATE and UPDATE; DELETE and CONNECT carry none to judge. */
    object?: AdmissionRequestInfo['object'] | null
    oldObject?: AdmissionRequestInfo['object'] | null
    userInfo?: { username?: string; groups?: string[] }
  }
}

const requestSchema = {
  type: 'object',
  required: ['uid', 'kind', 'operation'],
  properties: {
    uid: { type: 'string', minLength: 1 },
    kind: { type: 'object', required: ['kind'], properties: { kind: { type: 'string', minLength: 1 } } },
    operation: { enum: OPERATIONS },
    namespace: { type: 'string' },
    subResource: { type: 'string' },
    object: { type: ['object', 'null'] },
    oldObject: { type: ['object', 'null'] },
    userInfo: {
      type: 'object',
      properties: { username: { type: 'string' }, groups: { type: 'array', items: { type: 'string' } } },
    },
  },
  if: { properties: { operation: { enum: ['CREATE', 'UPDATE'] } } },
  then: { required: ['object'], properties: { object: { type: 'object' } } },
} as const

const errorSchema = { type: 'object', properties: { error: { type: 'string' } } } as const

export const reviewRouteSchema: FastifySchema = {
  // In this order, so that what is not an AdmissionReview v1 at all is told so first.
  body: {
    type: 'object',
    allOf: [
      {
        required: ['apiVersion', 'kind'],
        properties: { apiVersion: { const: 'admission.k8s.io/v1' }, kind: { const: 'AdmissionReview' } },
      },
      { required: ['request'], properties: { request: requestSchema } },
    ],
  },
  response: {
    200: {
      type: 'object',
      required: ['apiVersion', 'kind', 'response'],
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        response: {
          type: 'object',
          required: ['uid', 'allowed'],
          properties: {
            uid: { type: 'string' },
            allowed: { type: 'boolean' },
            patchType: { type: 'string' },
            // Base64 never needs JSON escaping: written as it is, not scanned (17 µs of a 6 KB patch).
            patch: { type: 'string', format: 'unsafe' },
            warnings: { type: 'array', items: { type: 'string' } },
            status: { type: 'object', properties: { code: { type: 'integer' }, message: { type: 'string' } } },
          },
        },
      },
    },
    '4xx': errorSchema,
    '5xx': errorSchema,
  },
}

/** The answer to a review, as the response schema writes it. */
export function reviewAnswer(response: AdmissionResponse): { apiVersion: string; kind: string; response: AdmissionResponse } {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }
}

/**
 * The 400 message for the first way a body fails the request schema, naming the field as a dotted
 * path (`request.uid is missing`) and, for a wrong value, the value sent.
 */
export function schemaErrorMessage(errors: FastifySchemaValidationError[]): string {
  const err = errors[0]
  if (err === undefined) return 'request body is not an AdmissionReview'
  const at = err.instancePath.split('/').filter(Boolean).join('.')
  // ajv's verbose errors carry the value refused.
  const { data } = err as { data?: unknown }
  const got = data === undefined ? '' : `, got ${shortJson(data)}`
  const params = err.params as { missingProperty?: string; allowedValues?: unknown[]; allowedValue?: unknown; type?: unknown }
  switch (err.keyword) {
    case 'required':
      if (at === '' && params.missingProperty === 'request') return 'AdmissionReview has no request'
      return `${at === '' ? '' : `${at}.`}${params.missingProperty ?? '?'} is missing`
    case 'const':
      return `expected apiVersion admission.k8s.io/v1 and kind AdmissionReview; ${at} must be ${JSON.stringify(params.allowedValue)}${got}`
    case 'enum':
      return `${at} must be ${oneOf(params.allowedValues ?? [])}${got}`
    case 'type':
      if (at === '' && (data === undefined || data === null)) return 'request body is empty (or null); expected an AdmissionReview'
      if (at === '') return 'request body must be a JSON object (an admission.k8s.io/v1 AdmissionReview)'
      return `${at} must be of type ${String(params.type)}${got}`
    default:
      return `${at === '' ? 'request body' : at} ${err.message ?? 'is invalid'}`
  }
}

/** A refused value as JSON, cut to a length a log line and a 400 can carry. */
function shortJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length <= 200 ? text : `${text.slice(0, 200)}... (${text.length} characters)`
}

const oneOf = (values: unknown[]): string => values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${String(values.at(-1))}`

export interface ParsedReview {
  uid: string
  operation: Operation
  kind: string
  /** The request's namespace, or the object's when the request names none. */
  namespace: string
  /** Absent for DELETE / CONNECT, which carry no object to judge. */
  info?: AdmissionRequestInfo
}

/** The review as the pipeline takes it, from a body the request schema passed. */
export function readReview(body: AdmissionReviewBody): ParsedReview {
  const req = body.request
  const { uid, operation } = req
  const kind = req.kind.kind
  const object = req.object ?? undefined
  const objectNs = object?.metadata?.namespace
  const namespace = req.namespace !== undefined && req.namespace !== '' ? req.namespace : objectNs ?? ''
  const parsed: ParsedReview = { uid, operation, kind, namespace }
  if (object === undefined || operation === 'DELETE' || operation === 'CONNECT') return parsed
  parsed.info = { operation, kind, namespace, object }
  if (req.subResource !== undefined && req.subResource !== '') parsed.info.subResource = req.subResource
  if (req.oldObject) parsed.info.oldObject = req.oldObject
  // Always set: someone asked, and a review that does not say who is judged as no one in particular.
  parsed.info.userInfo = req.userInfo ?? {}
  return parsed
}
