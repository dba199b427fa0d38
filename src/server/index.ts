// Embedding the server: the CLI, the web host, the desktop shell and tests all start it here.
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app'
import { DEFAULT_CONFIG, type ServerConfig } from './config'
import { createLogger } from './logger'
import { openBackend } from './open-store'

export type { ServerConfig } from './config'
export type { LiveEvent, LiveNotifier } from './live/notifier'

export interface RunningServer {
  /** http(s)://host:port, no trailing slash. */
  readonly url: string
  readonly port: number
  /** Where /metrics is served when --metrics-port is set: http(s)://host:port/metrics. */
  readonly metricsUrl: string | null
  /** Stops accepting, finishes in-flight requests, closes sockets (1001) and the store. */
  close(): Promise<void>
  readonly app: FastifyInstance
}

export interface StartOptions extends Partial<ServerConfig> {
  readonly db: string
  /** Only for the apps' embedded backend (src/server/embedded.ts): see embedded-access.ts. */
  readonly embeddedSecret?: string
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { embeddedSecret, ...settings } = options
  const config: ServerConfig = { ...DEFAULT_CONFIG, ...settings }
  const logger = createLogger(config.logLevel)
  const backend = await openBackend(config.db, { log: logger })
  const { store } = backend
  try {
    const { app, metricsApp } = await buildApp({
      store,
      config,
      logger,
      notifier: backend.notifier ?? undefined,
      sweepEveryMs: backend.sweepEveryMs ?? undefined,
      embeddedSecret,
    })
    const scheme = config.tlsCert === null ? 'http' : 'https'
    const host = config.host.includes(':') ? `[${config.host}]` : config.host
    const listen = async (target: FastifyInstance, port: number) => {
      await target.listen({ host: config.host, port })
      const address = target.server.address()
      return typeof address === 'object' && address !== null ? address.port : port
    }
    const port = await listen(app, config.port)
    let metricsUrl: string | null = null
    try {
      if (metricsApp !== null && config.metricsPort !== null)
        metricsUrl = `${scheme}://${host}:${await listen(metricsApp, config.metricsPort)}/metrics`
    } catch (error) {
      await app.close()
      throw error
    }
    let closing: Promise<void> | null = null
    return {
      url: `${scheme}://${host}:${port}`,
      port,
      metricsUrl,
      app,
      close: () =>
        (closing ??= (async () => {
          try {
            await metricsApp?.close()
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
