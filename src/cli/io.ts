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

export const processIO: CliIO = {
  stdout: (text) => { process.stdout.write(text) },
  stderr: (text) => { process.stderr.write(text) },
  readStdin: () => readAll(process.stdin),
}

/** Bad input or usage: the CLI exits 2 with this message. */
export class UsageError extends Error {
  override name = 'UsageError'
}
