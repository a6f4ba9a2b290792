// AdmissionReview v1 on the wire: checking what the API server sent and wrapping our answer.
import type { AdmissionRequestInfo } from '../pipeline/types.js'

/** Input we refuse with HTTP 400; the message says what is wrong. */
export class BadRequest extends Error {}

export interface AdmissionResponse {
  uid: string
  allowed: boolean
  patchType?: 'JSONPatch'
  patch?: string
  warnings?: string[]
  status?: { code: number; message: string }
}

export interface ParsedReview {
  uid: string
  operation: AdmissionRequestInfo['operation']
  kind: string
  namespace: string
  /** Absent for DELETE / CONNECT, which carry no object to judge. */
  info?: AdmissionRequestInfo
}

const OPERATIONS = new Set(['CREATE', 'UPDATE', 'DELETE', 'CONNECT'])

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** An AdmissionReview from the request body's text. */
export function parseReviewText(text: string): ParsedReview {
  if (text === '') throw new BadRequest('request body is empty; expected an AdmissionReview')
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (err) {
    throw new BadRequest(`request body is not valid JSON: ${(err as Error).message}`)
  }
  return readReview(body)
}

function readReview(body: unknown): ParsedReview {
  if (!isRecord(body)) throw new BadRequest('request body must be a JSON object (an admission.k8s.io/v1 AdmissionReview)')
  if (body.apiVersion !== 'admission.k8s.io/v1' || body.kind !== 'AdmissionReview') {
    throw new BadRequest(
      `expected apiVersion admission.k8s.io/v1 and kind AdmissionReview, got apiVersion ${JSON.stringify(body.apiVersion)} kind ${JSON.stringify(body.kind)}`,
    )
  }
  const req = body.request
  if (!isRecord(req)) throw new BadRequest('AdmissionReview has no request')
  if (typeof req.uid !== 'string' || req.uid === '') throw new BadRequest('request.uid is missing')
  const kind = isRecord(req.kind) ? req.kind.kind : undefined
  if (typeof kind !== 'string' || kind === '') throw new BadRequest('request.kind.kind is missing')
  const operation = req.operation
  if (typeof operation !== 'string' || !OPERATIONS.has(operation)) {
    throw new BadRequest(`request.operation must be CREATE, UPDATE, DELETE or CONNECT, got ${JSON.stringify(operation)}`)
  }
  const op = operation as AdmissionRequestInfo['operation']
  const object = req.object
  const objectNs = isRecord(object) && isRecord(object.metadata) ? object.metadata.namespace : undefined
  const namespace = typeof req.namespace === 'string' && req.namespace !== '' ? req.namespace : typeof objectNs === 'string' ? objectNs : ''
  const parsed: ParsedReview = { uid: req.uid, operation: op, kind, namespace }
  if (op === 'DELETE' || op === 'CONNECT') return parsed
  if (!isRecord(object)) throw new BadRequest(`request.object is missing (required for ${op})`)
  parsed.info = { operation: op, kind, namespace, object: object }
  if (typeof req.subResource === 'string' && req.subResource !== '') parsed.info.subResource = req.subResource
  if (isRecord(req.oldObject)) parsed.info.oldObject = req.oldObject
  // Always set: someone asked, and a review that does not say who is judged as no one in particular.
  const user = isRecord(req.userInfo) ? req.userInfo : {}
  parsed.info.userInfo = {
    ...(typeof user.username === 'string' ? { username: user.username } : {}),
    ...(Array.isArray(user.groups) ? { groups: user.groups.filter((g): g is string => typeof g === 'string') } : {}),
  }
  return parsed
}

/**
 * The AdmissionReview answer as JSON text. The base64 patch is spliced in as it is: it needs no
 * escaping, and JSON.stringify would scan its kilobytes once more.
 */
export function reviewJson(response: AdmissionResponse): string {
  const { patch, ...rest } = response
  const json = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: rest })
  return patch === undefined ? json : `${json.slice(0, -2)},"patch":"${patch}"}}`
}
