// What the desktop window talks to: the client core on the data folder, and, when no server is
// configured, a paracord-server on SQLite inside that folder, started the way the web host
// starts its own (same options: 127.0.0.1 only, a free port). No Electron here.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { startServer, type RunningServer } from '../../server'
import type { ClosableApi, CoreFactory } from '../web-host/web-app'

export interface DesktopBackendConfig {
  readonly dataDir: string
  /** null: start a local server. */
  readonly serverUrl: string | null
  readonly createCore: CoreFactory
  readonly onError?: (what: string, error: unknown) => void
}

export interface DesktopBackend {
  readonly core: ClosableApi
  readonly serverUrl: string
  readonly embeddedServer: RunningServer | null
  /** Closes the core, then the embedded server. Safe to repeat. */
  close(): Promise<void>
}

export async function startDesktopBackend(config: DesktopBackendConfig): Promise<DesktopBackend> {
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
    return { core, serverUrl, embeddedServer, close: () => (closing ??= closeAll()) }
  } catch (error) {
    await closeAll()
    throw error
  }
}
