// Embedding the server: the CLI, the web host, the desktop shell and tests all start it here.
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app'
import { DEFAULT_CONFIG, type ServerConfig } from './config'
import { createLogger } from './logger'
import { openBackend } from './open-store'

export type { ServerConfig } from './config'
export type { LiveEvent, LiveNotifier } from './live/notifier'

export interface RunningServer {
  /** http://host:port, no trailing slash. */
  readonly url: string
  readonly port: number
  /** Stops accepting, finishes in-flight requests, closes sockets (1001) and the store. */
  close(): Promise<void>
  readonly app: FastifyInstance
}

export async function startServer(
  options: Partial<ServerConfig> & { db: string },
): Promise<RunningServer> {
  const config: ServerConfig = { ...DEFAULT_CONFIG, ...options }
  const logger = createLogger(config.logLevel)
  const backend = await openBackend(config.db, { log: logger })
  const { store } = backend
  try {
    const { app } = await buildApp({
      store,
      config,
      logger,
      notifier: backend.notifier ?? undefined,
      sweepEveryMs: backend.sweepEveryMs ?? undefined,
    })
    await app.listen({ host: config.host, port: config.port })
    const address = app.server.address()
    const port = typeof address === 'object' && address !== null ? address.port : config.port
    const host = config.host.includes(':') ? `[${config.host}]` : config.host
    let closing: Promise<void> | null = null
    return {
      url: `http://${host}:${port}`,
      port,
      app,
      close: () =>
        (closing ??= (async () => {
          try {
            await app.close()
          } finally {
            await backend.close()
          }
        })()),
    }
  } catch (error) {
    await backend.close()
    throw error
  }
}
