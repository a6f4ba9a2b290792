// store-admission CLI: check | mutate | serve | help | --version.
import { VERSION } from '../version.js'

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv
  if (command === '--version') { process.stdout.write(`${VERSION}\n`); return 0 }
  if (command === 'serve') {
    const serveModule: string = '../server/serve-command.js'
    const { serveCommand } = (await import(serveModule)) as { serveCommand(args: string[]): Promise<number> }
    return serveCommand(args)
  }
  process.stdout.write('usage: store-admission check|mutate|serve|help\n')
  return command === undefined || command === 'help' || command === '--help' ? 0 : 2
}
