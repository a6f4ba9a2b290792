// Runs the CLI in this process with its own stdin/stdout/stderr.
import { fileURLToPath } from 'node:url'
import { main } from '../../../src/cli/main.js'
import type { CliIO } from '../../../src/cli/io.js'

export const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url))
/** Real `helm template bagisto ./charts/bagisto -n store-acme` output (see its first line). */
export const HELM_RENDER = fixture('cli/bagisto-helm-template.yaml')

export async function run(argv: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const io: CliIO = { stdout: (s) => { out += s }, stderr: (s) => { err += s }, readStdin: async () => stdin }
  const code = await main(argv, io)
  return { code, out, err }
}
