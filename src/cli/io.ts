// Where the CLI reads and writes; tests pass their own.
export interface CliIO {
  stdout(text: string): void
  stderr(text: string): void
  readStdin(): Promise<string>
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  return Buffer.concat(chunks).toString('utf8')
}

// A reader that stopped reading (`check ... | head`) is no error: the rest of the output is
// dropped and the run ends with its own exit status, without a stack trace.
let stdoutState: 'unwatched' | 'open' | 'closed' = 'unwatched'
function writeStdout(text: string): void {
  if (stdoutState === 'unwatched') {
    stdoutState = 'open'
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (stdoutState !== 'closed' && err.code !== 'EPIPE') {
        process.stderr.write(`store-admission: cannot write the output: ${err.message}\n`)
        process.exitCode = 2
      }
      stdoutState = 'closed'
    })
  }
  if (stdoutState === 'open') process.stdout.write(text)
}

export const processIO: CliIO = {
  stdout: writeStdout,
  stderr: (text) => { process.stderr.write(text) },
  readStdin: () => readAll(process.stdin),
}

/** Bad input or usage: the CLI exits 2 with this message. */
export class UsageError extends Error {
  override name = 'UsageError'
}
