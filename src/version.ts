// The package version, read once from package.json (one level above both src/ and dist/).
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const pkg = require('../package.json') as { version: string }

export const VERSION: string = pkg.version
/** Value of the `store.platform.io/mutated-by` annotation. */
export const MUTATED_BY = `store-admission/${VERSION}`
