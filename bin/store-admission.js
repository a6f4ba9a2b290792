#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/ (compiled from src/cli).
import { main } from '../dist/cli/main.js'

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code },
  (err) => { console.error(`store-admission: ${err instanceof Error ? err.message : String(err)}`); process.exitCode = 2 },
)
