#!/usr/bin/env node
// Prints the webhook configurations of manifests/webhook/ (rendered by `kubectl kustomize`) for the
// local control plane: same names, rules, selectors and failure policies; only clientConfig changes
// from the in-cluster Service to a URL on 127.0.0.1 (the Service's path kept), with the given CA.
// Usage: node webhook-config.mjs --url https://127.0.0.1:PORT [--ca-file ca.crt] [--rbac]
//   --rbac also prints the Namespace, ServiceAccount, (Cluster)Roles and their bindings, and the
//   PolicyReport CRD, so the webhook running outside the cluster with the service account's
//   identity gets exactly that RBAC, and its background audit somewhere to write.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { parseAllDocuments, stringify } from 'yaml'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const { values } = parseArgs({ options: { url: { type: 'string' }, 'ca-file': { type: 'string' }, rbac: { type: 'boolean' }, kubectl: { type: 'string' } } })
if (!values.url) throw new Error('--url is required')
const base = values.url.replace(/\/+$/, '')
const caBundle = values['ca-file'] ? Buffer.from(readFileSync(values['ca-file'])).toString('base64') : undefined
const kubectl = values.kubectl ?? join(root, '.testenv', 'bin', 'kubectl')

const rendered = execFileSync(kubectl, ['kustomize', join(root, 'manifests', 'webhook')], { encoding: 'utf8' })
const docs = parseAllDocuments(rendered).map((d) => d.toJS())
const out = []
for (const doc of docs) {
  if (doc.kind === 'MutatingWebhookConfiguration' || doc.kind === 'ValidatingWebhookConfiguration') {
    for (const w of doc.webhooks) {
      const path = w.clientConfig?.service?.path ?? ''
      w.clientConfig = { url: `${base}${path}`, ...(caBundle ? { caBundle } : {}) }
    }
    out.push(doc)
  } else if (values.rbac && ['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'CustomResourceDefinition'].includes(doc.kind)) {
    out.push(doc)
  }
}
if (!out.some((d) => d.kind === 'MutatingWebhookConfiguration') || !out.some((d) => d.kind === 'ValidatingWebhookConfiguration')) {
  throw new Error('manifests/webhook does not render both webhook configurations')
}
process.stdout.write(out.map((d) => stringify(d)).join('---\n'))
