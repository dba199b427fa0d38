// The backend together with the voice relay it runs itself: coturn starts first (the server
// hands out its secret and address), and closing the server stops it too.
import { DEFAULT_CONFIG } from '../config'
import { startServer, type RunningServer } from '../index'
import { createLogger } from '../logger'
import { findTurnserver, startManagedCoturn, type ManagedCoturn } from './managed-coturn'

export interface ServerWithRelay extends RunningServer {
  /** The relay this server runs; null when it runs none. */
  readonly relay: ManagedCoturn | null
}

type ServerOptions = Parameters<typeof startServer>[0]

const relayLog = (options: ServerOptions) =>
  createLogger(options.logLevel ?? DEFAULT_CONFIG.logLevel).child({ component: 'turn' })

const startRelay = (options: ServerOptions, turnserver: string, startTimeoutMs?: number) =>
  startManagedCoturn({
    turnserver,
    host: options.host ?? DEFAULT_CONFIG.host,
    log: relayLog(options),
    startTimeoutMs,
  })

/** Short enough that a relay failing each of its tries still leaves the host's start timeout. */
const OPTIONAL_RELAY_START_TIMEOUT_MS = 5000

/** The server with a managed relay from `turnserver`; fails when the relay cannot start. */
export async function startServerWithManagedTurn(
  options: ServerOptions,
  turnserver: string,
): Promise<ServerWithRelay> {
  return serveWith(options, await startRelay(options, turnserver))
}

/**
 * The server with a managed relay when coturn is installed and starts; otherwise (saying why in
 * the log) the server alone, whose calls then have no relay. For the embedded backend, which
 * must open on whatever the machine has.
 */
export async function startServerWithTurnIfInstalled(
  options: ServerOptions,
  env: Readonly<Record<string, string | undefined>>,
): Promise<ServerWithRelay> {
  const turnserver = findTurnserver(env)
  let relay: ManagedCoturn | null = null
  if (turnserver !== null) {
    try {
      relay = await startRelay(options, turnserver, OPTIONAL_RELAY_START_TIMEOUT_MS)
    } catch (error) {
      relayLog(options).warn({ err: error }, 'voice relay (coturn) could not start; no relay')
    }
  }
  if (relay === null) return { ...(await startServer(options)), relay: null }
  return serveWith(options, relay)
}

async function serveWith(options: ServerOptions, relay: ManagedCoturn): Promise<ServerWithRelay> {
  let server: RunningServer
  try {
    server = await startServer({ ...options, turnSecret: relay.secret, turnUrls: relay.urls })
  } catch (error) {
    await relay.close()
    throw error
  }
  let closing: Promise<void> | null = null
  return {
    ...server,
    relay,
    close: () => (closing ??= server.close().finally(() => relay.close())),
  }
}
