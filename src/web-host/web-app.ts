// One command, a working app: a paracord-server (the one given, or a local one on SQLite in the
// data folder), the client core on that folder, and the web host serving it.
import type { EmbeddedBackend } from '../core/backend-process'
import { startLocalBackend, type CoreFactory } from '../core/local-backend'
import type { WebHostOptions } from './options'
import { startWebHost, type RunningWebHost } from './web-host'

export type { ClosableApi, CoreFactory } from '../core/local-backend'

export interface WebAppConfig extends WebHostOptions {
  readonly rendererDir: string
  readonly createCore: CoreFactory
  readonly onInternalError?: (method: string, error: unknown) => void
  /** The local server's own output (its warnings), when one is started. */
  readonly onBackendOutput?: (text: string) => void
}

export interface RunningWebApp {
  readonly host: RunningWebHost
  readonly serverUrl: string
  /** The local server's process, started because none was given; null when one was. */
  readonly embeddedServer: EmbeddedBackend | null
  /** Stops in order: the bridge (no new calls), the core, the embedded server. Safe to repeat. */
  close(): Promise<void>
}

export async function startWebApp(config: WebAppConfig): Promise<RunningWebApp> {
  const backend = await startLocalBackend({
    dataDir: config.dataDir,
    serverUrl: config.serverUrl,
    createCore: config.createCore,
    onError: config.onInternalError,
    onBackendOutput: config.onBackendOutput,
  })
  try {
    const host = await startWebHost({
      api: backend.core,
      rendererDir: config.rendererDir,
      port: config.port,
      ...(config.onInternalError ? { onInternalError: config.onInternalError } : {}),
    })
    backend.onClose(() => host.close())
    const { serverUrl, embeddedServer } = backend
    return { host, serverUrl, embeddedServer, close: () => backend.close() }
  } catch (error) {
    await backend.close()
    throw error
  }
}
