// One command, a working app: a paracord-server (the one given, or a local one on SQLite in the
// data folder), the client core on that folder, and the web host serving it.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { ParacordApi } from '../../shared/api'
import { startServer, type RunningServer } from '../../server'
import type { WebHostOptions } from './options'
import { startWebHost, type RunningWebHost } from './web-host'

/** What the web host needs of the client core: the API, and a way to close it. */
export interface ClosableApi extends ParacordApi {
  close(): Promise<void>
}

export type CoreFactory = (options: {
  readonly dataDir: string
  readonly serverUrl: string
}) => Promise<ClosableApi>

export interface WebAppConfig extends WebHostOptions {
  readonly rendererDir: string
  readonly createCore: CoreFactory
  readonly onInternalError?: (method: string, error: unknown) => void
}

export interface RunningWebApp {
  readonly host: RunningWebHost
  readonly serverUrl: string
  /** The local server started because none was given; null when one was. */
  readonly embeddedServer: RunningServer | null
  /** Stops in order: the bridge (no new calls), the core, the embedded server. Safe to repeat. */
  close(): Promise<void>
}

export async function startWebApp(config: WebAppConfig): Promise<RunningWebApp> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 })
  const cleanups: (() => Promise<void>)[] = []
  const closeAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => config.onInternalError?.('shutdown', error))
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

    const host = await startWebHost({
      api: core,
      rendererDir: config.rendererDir,
      port: config.port,
      ...(config.onInternalError ? { onInternalError: config.onInternalError } : {}),
    })
    cleanups.push(() => host.close())

    let closing: Promise<void> | null = null
    return { host, serverUrl, embeddedServer, close: () => (closing ??= closeAll()) }
  } catch (error) {
    await closeAll()
    throw error
  }
}
