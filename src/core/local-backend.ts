// The client core on a data folder and, when no server is configured, a paracord-server on
// SQLite inside that folder (127.0.0.1 only, a free port) in a process of its own (see
// backend-process.ts): what the desktop window and the web host both run, so `npm start` and
// `npm run web` each give a working app with one command.
import { mkdir } from 'node:fs/promises'
import type { ParacordApi } from '../shared/api'
import { startEmbeddedBackend, type EmbeddedBackend, type LaunchBackend } from './backend-process'
import type { EmbeddedBackendAccess } from './net/embedded-access'

/** The client core as its hosts see it: the API, and a way to close it. */
export interface ClosableApi extends ParacordApi {
  close(): Promise<void>
}

export type CoreFactory = (options: {
  readonly dataDir: string
  readonly serverUrl: string
  /** The local server started here, whose secret the core's requests to it must carry. */
  readonly embeddedBackend: EmbeddedBackendAccess | null
}) => Promise<ClosableApi>

export interface LocalBackendConfig {
  readonly dataDir: string
  /** null: start a local server. */
  readonly serverUrl: string | null
  readonly createCore: CoreFactory
  /** How the local server's process is started; default a Node child process. */
  readonly launchBackend?: LaunchBackend
  /** Shutdown failures, and the local server's crashes (EmbeddedBackendError). */
  readonly onError?: (what: string, error: unknown) => void
  /** The local server's own output (its warnings); dropped by default. */
  readonly onBackendOutput?: (text: string) => void
}

export interface LocalBackend {
  readonly core: ClosableApi
  readonly serverUrl: string
  /** The local server's process, when one was started. */
  readonly embeddedServer: EmbeddedBackend | null
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
    let embeddedServer: EmbeddedBackend | null = null
    if (config.serverUrl === null) {
      const server = await startEmbeddedBackend({
        dataDir: config.dataDir,
        launch: config.launchBackend,
        onError: config.onError,
        onOutput: config.onBackendOutput,
      })
      embeddedServer = server
      cleanups.push(() => server.close())
    }
    const serverUrl = config.serverUrl ?? (embeddedServer as EmbeddedBackend).url
    const core = await config.createCore({
      dataDir: config.dataDir,
      serverUrl,
      embeddedBackend: embeddedServer?.access ?? null,
    })
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
