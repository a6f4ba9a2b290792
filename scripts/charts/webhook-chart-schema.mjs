#!/usr/bin/env node
// Writes schemas/policy.schema.json into charts/store-admission/values.schema.json: the policy
// schema becomes properties.policy and its definitions the root's definitions (its $refs point
// at #/definitions/...), so `helm lint` and `helm install` refuse a policy the webhook would refuse.
// The rest of values.schema.json is maintained by hand. `--check` exits 1 when the file is stale.
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const target = join(root, 'charts', 'store-admission', 'values.schema.json')
const policy = JSON.parse(readFileSync(join(root, 'schemas', 'policy.schema.json'), 'utf8'))
const values = JSON.parse(readFileSync(target, 'utf8'))

const { $schema: _schema, $id: _id, definitions, ...policyProperty } = policy
values.properties.policy = policyProperty
values.definitions = definitions
const text = `${JSON.stringify(values, null, 2)}\n`

if (process.argv.includes('--check')) {
  if (readFileSync(target, 'utf8') !== text) {
    console.error('charts/store-admission/values.schema.json is stale: run `make webhook-chart-docs`')
    process.exit(1)
  }
} else {
  writeFileSync(target, text)
}
