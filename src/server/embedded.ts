// The embedded backend's own process: what the desktop app (through Electron's utilityProcess),
// the web host and `paracord --server local` (through child_process.fork) run when no server is
// configured, so SQLite's fsyncs, group commits and burn sweeps never stall the event loop of
// the process holding the keys. It serves server.db in the folder it is given, on 127.0.0.1,
// only to requests carrying the secret its parent sends first (src/server/embedded-access.ts),
// reports its address to its parent, and exits when told to, on SIGTERM, or when the parent
// goes away. Started any other way it refuses (see src/core/backend-process.ts).
import { isAbsolute, join } from 'node:path'
import {
  EMBEDDED_BACKEND_ENV,
  parseEmbeddedBackendCommand,
  type EmbeddedBackendReport,
} from '../shared/embedded-backend'
import type { RunningServer } from './index'
import { startServerWithTurnIfInstalled } from './turn/server-with-turn'

interface ParentChannel {
  send(report: EmbeddedBackendReport): void
  onMessage(listener: (message: unknown) => void): void
  /** Node's IPC channel closes when the parent exits; Electron ends a utility process itself. */
  onGone(listener: () => void): void
}

/** Electron's `process.parentPort` in a utility process. */
interface ParentPort {
  postMessage(message: unknown): void
  on(event: 'message', listener: (event: { data: unknown }) => void): void
}

function parentChannel(): ParentChannel | null {
  const port = Reflect.get(process, 'parentPort') as ParentPort | null | undefined
  if (port) {
    return {
      send: (report) => port.postMessage(report),
      onMessage: (listener) => port.on('message', (event) => listener(event.data)),
      onGone: () => {},
    }
  }
  if (process.send && process.connected) {
    return {
      send: (report) => process.send?.(report),
      onMessage: (listener) => process.on('message', listener),
      onGone: (listener) => process.once('disconnect', listener),
    }
  }
  return null
}

function fail(message: string, parent: ParentChannel | null): never {
  parent?.send({ type: 'failed', message })
  process.stderr.write(`paracord embedded backend: ${message}\n`)
  process.exit(1)
}

async function main(): Promise<void> {
  const parent = parentChannel()
  if (!parent) {
    process.stderr.write(
      'paracord embedded backend: started without a parent; run `paracord-server` instead\n',
    )
    process.exit(2)
  }
  const dataDir = process.env[EMBEDDED_BACKEND_ENV.dataDir] ?? ''
  const port = Number(process.env[EMBEDDED_BACKEND_ENV.port] ?? '0')
  if (!isAbsolute(dataDir)) fail(`${EMBEDDED_BACKEND_ENV.dataDir} must be an absolute path`, parent)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    fail(`${EMBEDDED_BACKEND_ENV.port} must be a port number`, parent)
  }

  // 1. Stop requests may come while the store is still opening: remember them. Before it opens
  //    (still waiting for the secret) there is nothing to finish.
  let server: RunningServer | null = null
  let opening = false
  let stopRequested = false
  let stopping: Promise<void> | null = null
  const stop = () => {
    stopRequested = true
    if (!server && !opening) process.exit(0)
    if (!server || stopping) return
    const running = server
    stopping = running.close().then(
      () => process.exit(0),
      (error: unknown) => fail(`shutdown failed: ${String(error)}`, null),
    )
  }
  let receiveSecret: (secret: string) => void = () => {}
  const secretReceived = new Promise<string>((resolve) => (receiveSecret = resolve))
  parent.onMessage((message) => {
    const command = parseEmbeddedBackendCommand(message)
    if (command === null) fail('the host sent a message that is not a command', parent)
    if (command.type === 'start') receiveSecret(command.secret)
    else stop()
  })
  parent.onGone(stop)
  process.on('SIGTERM', stop)
  // Ctrl-C in a terminal reaches the whole process group: the host stops us in order (after the
  // core it serves), so the signal itself is ignored here.
  process.on('SIGINT', () => {})

  // 2. The secret the host requires of every request; the host's start timeout bounds the wait.
  const embeddedSecret = await secretReceived

  // 3. The server, as the in-process one always was: SQLite in the folder, 127.0.0.1; with a
  //    voice relay of its own when coturn is installed, so calls connect out of the box.
  opening = true
  try {
    server = await startServerWithTurnIfInstalled(
      {
        db: `sqlite:${join(dataDir, 'server.db')}`,
        host: '127.0.0.1',
        port,
        logLevel: 'warn',
        embeddedSecret,
      },
      process.env,
    )
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error), parent)
  }

  // 4. Tell the parent where we listen (it checks /healthz before using us).
  parent.send({ type: 'listening', url: server.url, port: server.port })
  if (stopRequested) stop()
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error), null))
