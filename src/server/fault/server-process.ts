// `paracord-server` as a child process, the way operators run it: for crash tests (SIGKILL)
// and benchmarks (the server on its own core, the load generator on the other).
import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import { fileURLToPath } from 'node:url'

export const SERVER_BIN = fileURLToPath(new URL('../../../bin/paracord-server.js', import.meta.url))

export interface ServerProcess {
  readonly url: string
  readonly child: ChildProcess
  /** Resolves with the exit code (or signal name) once the process is gone. */
  readonly exited: Promise<number | string>
  /** SIGKILL: no shutdown of any kind. */
  kill(): Promise<number | string>
  /** SIGTERM: the graceful shutdown. */
  stop(): Promise<number | string>
}

export interface SpawnOptions {
  /** Default: a free port. */
  readonly port?: number
  /** Default warn: benchmarks must not pay for a log line per request. */
  readonly logLevel?: string
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Starts the server with `args` on 127.0.0.1; resolves once /healthz answers 200. */
export async function spawnServer(
  args: readonly string[],
  options: SpawnOptions = {},
): Promise<ServerProcess> {
  const port = options.port ?? (await freePort())
  const child = spawn(
    process.execPath,
    [
      SERVER_BIN,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--log-level',
      options.logLevel ?? 'warn',
      ...args,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  // Not narrowed to null here: the exit listener sets it while the loop below waits.
  let exitedEarly = null as number | string | null
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      exitedEarly = code ?? signal ?? -1
      resolve(exitedEarly)
    }),
  )
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const url = `http://127.0.0.1:${port}`
  for (let attempt = 0; ; attempt++) {
    if (exitedEarly !== null)
      throw new Error(`server exited (${exitedEarly}) before listening: ${stderr}`)
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) break
    } catch {
      // not listening yet
    }
    if (attempt > 600) throw new Error('server did not start within 30 s')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    url,
    child,
    exited,
    kill: () => {
      child.kill('SIGKILL')
      return exited
    },
    stop: () => {
      child.kill('SIGTERM')
      return exited
    },
  }
}
