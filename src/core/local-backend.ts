// The client core on a data folder and, when no server is configured, a paracord-server on
// SQLite inside that folder (127.0.0.1 only, a free port): what the desktop window and the web
// host both run, so `npm start` and `npm run web` each give a working app with one command.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { ParacordApi } from '../shared/api'
import { startServer, type RunningServer } from '../server'

/** The client core as its hosts see it: the API, and a way to close it. */
export interface ClosableApi extends ParacordApi {
  close(): Promise<void>
}

export type CoreFactory = (options: {
  readonly dataDir: string
  readonly serverUrl: string
}) => Promise<ClosableApi>

export interface LocalBackendConfig {
  readonly dataDir: string
  /** null: start a local server. */
  readonly serverUrl: string | null
  readonly createCore: CoreFactory
  readonly onError?: (what: string, error: unknown) => void
}

export interface LocalBackend {
  readonly core: ClosableApi
  readonly serverUrl: string
  readonly embeddedServer: RunningServer | null
  /** Adds something to stop first on close (what was started on top of the core). */
  onClose(cleanup: () => Promise<void>): void
  /** Closes in reverse order of start: what was added, the core, the embedded server. Safe to repeat. */
  close(): Promise<void>
}

export async function startLocalBackend(config: LocalBackendConfig): Promise<LocalBackend> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 })
  const cleanups: (() => Promise<void>)[] = []
  const closeAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => config.onError?.('shutdown', error))
    }
  }

  try {
    let embeddedServer: RunningServer | null = null
    if (config.serverUrl === null) {
      const server = await startServer({
        db: `sqlite:${join(config.dataDir, 'server.db')}`,
        host: '127.0.0.1',
        port: 0,
        logLevel: 'warn',
      })
      embeddedServer = server
      cleanups.push(() => server.close())
    }
    const serverUrl = config.serverUrl ?? (embeddedServer as RunningServer).url
    const core = await config.createCore({ dataDir: config.dataDir, serverUrl })
    cleanups.push(() => core.close())

    let closing: Promise<void> | null = null
    return {
      core,
      serverUrl,
      embeddedServer,
      onClose: (cleanup) => cleanups.push(cleanup),
      close: () => (closing ??= closeAll()),
    }
  } catch (error) {
    await closeAll()
    throw error
  }
}
