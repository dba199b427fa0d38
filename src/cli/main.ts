// `paracord`: the command-line client. Wires the process (argv, env, stdio, signals) to runCli.
import { mkdirSync } from 'node:fs'
import { createInterface } from 'node:readline'
import type { EmbeddedBackend } from '../core/backend-process'
import { LOCAL_SERVER } from './commands'
import { describeError } from './errors'
import { hasPasswordSource, readPassword } from './password'
import { runCli } from './run'

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array))
  return Buffer.concat(chunks).toString('utf8')
}

function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}

/** `--server local`: started for the command, stopped once runCli has closed the core. */
let localBackend = null as EmbeddedBackend | null

const exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  openCore: async ({ dataDir, serverUrl }) => {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    // Loaded only when a command needs it, so `--help` and usage errors answer at once.
    const { createParacordCore } = await import('../core/paracord-core')
    if (serverUrl === LOCAL_SERVER) {
      const { startEmbeddedBackend } = await import('../core/backend-process')
      localBackend = await startEmbeddedBackend({
        dataDir,
        onError: (_, error) =>
          process.stderr.write(`paracord: ${describeError(error, { dataDir, serverUrl })}\n`),
      })
    }
    return createParacordCore({
      dataDir,
      serverUrl: localBackend?.url ?? serverUrl,
      embeddedBackend: localBackend?.access ?? null,
      // Work no command awaits (a retry, a reconnect) may fail; say so on one line.
      onError: (error) =>
        process.stderr.write(
          `paracord: background: ${describeError(error, { dataDir, serverUrl })}\n`,
        ),
    })
  },
  readPassword: ({ confirm }) =>
    readPassword({ env: process.env, input: process.stdin, prompt: process.stderr }, { confirm }),
  hasPasswordSource: () => hasPasswordSource({ env: process.env, input: process.stdin }),
  readStdin: readAllStdin,
  stdinLines: () => createInterface({ input: process.stdin, crlfDelay: Infinity }),
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  now: () => Date.now(),
  untilInterrupted,
})

await localBackend?.close()

// Exit explicitly once the output is flushed: the core is closed, and a stray timer elsewhere
// must not keep a finished command alive.
process.stdout.write('', () => process.stderr.write('', () => process.exit(exitCode)))
