// `{"results":[{"kind","name","namespace","allowed","violations","warnings"}]}`, the webhook's
// paths verbatim (a template's start at the object: `Deployment/x: spec.template...`).
import type { Format } from './result.js'

export const json: Format = (results) => `${JSON.stringify({
  results: results.map(({ kind, name, namespace, allowed, violations, warnings }) => ({ kind, name, namespace, allowed, violations, warnings })),
}, null, 2)}\n`
