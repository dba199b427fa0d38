// The paracord-server of one test, running in the test process on SQLite in a temporary
// folder. It can be stopped and started again on the same port with the same database, so
// the web hosts — which were given its URL once — see an outage and a recovery, not a new
// backend.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer, type RunningServer, type ServerConfig } from '../../src/server'

/** What a test may set beyond the defaults: the TURN relay it started, for calls. */
export type BackendOptions = Partial<Pick<ServerConfig, 'turnSecret' | 'turnUrls'>>

export interface Backend {
  /** http://127.0.0.1:port; stays the same across restarts. */
  readonly url: string
  readonly port: number
  /** The SQLite file, for tests that check what the server stores. */
  readonly dbFile: string
  /** Graceful shutdown, as on SIGTERM: sockets close with "going away". */
  stop(): Promise<void>
  /** Starts again on the same port and database; refuses if already running. */
  restart(): Promise<void>
  /** Stops it if running and removes its folder. */
  dispose(): Promise<void>
}

export async function startBackend(options: BackendOptions = {}): Promise<Backend> {
  const dir = await mkdtemp(join(tmpdir(), 'paracord-e2e-server-'))
  const dbFile = join(dir, 'store.db')
  const db = `sqlite:${dbFile}`
  let running: RunningServer | null = await startServer({
    ...options,
    db,
    host: '127.0.0.1',
    port: 0,
    logLevel: 'warn',
  })
  const { url, port } = running

  return {
    url,
    port,
    dbFile,
    stop: async () => {
      if (!running) throw new Error('the backend is not running')
      const server = running
      running = null
      await server.close()
    },
    restart: async () => {
      if (running) throw new Error('the backend is already running')
      running = await startServer({ ...options, db, host: '127.0.0.1', port, logLevel: 'warn' })
    },
    dispose: async () => {
      const server = running
      running = null
      try {
        await server?.close()
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    },
  }
}
