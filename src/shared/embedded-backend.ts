// The embedded backend runs in a process of its own (src/server/embedded.ts); its host's
// supervisor (src/core/backend-process.ts) starts it with the environment below and the two
// exchange these messages over the process's IPC channel (Node's `process.send` or Electron's
// `parentPort`). The per-launch secret travels only over that channel: a command line or an
// environment is readable by other processes of the same user (/proc on Linux).

/** The environment the backend's process is started with. */
export const EMBEDDED_BACKEND_ENV = {
  /** The folder whose server.db it serves (absolute). */
  dataDir: 'PARACORD_EMBEDDED_DATA',
  /** The port to listen on, 127.0.0.1 only; 0 for a free one. */
  port: 'PARACORD_EMBEDDED_PORT',
} as const

/** From the backend to its host: where it listens, or why it could not start. */
export type EmbeddedBackendReport =
  | { readonly type: 'listening'; readonly url: string; readonly port: number }
  | { readonly type: 'failed'; readonly message: string }

/**
 * The header every request and WebSocket upgrade to the embedded backend carries: the secret
 * its host made for this launch, so no other program on the machine (nor a web page reaching
 * 127.0.0.1 through DNS rebinding) can use it.
 */
export const EMBEDDED_SECRET_HEADER = 'x-paracord-embedded-secret'

/** 32 random bytes in base64url. */
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/

export function isEmbeddedSecret(value: unknown): value is string {
  return typeof value === 'string' && SECRET_PATTERN.test(value)
}

/**
 * From the host to the backend: `start` (sent once, at launch) hands it the secret to require;
 * `stop` asks it to finish what is in flight, close the store and exit.
 */
export type EmbeddedBackendCommand =
  { readonly type: 'start'; readonly secret: string } | { readonly type: 'stop' }

export function parseEmbeddedBackendReport(value: unknown): EmbeddedBackendReport | null {
  if (typeof value !== 'object' || value === null) return null
  const message = value as Record<string, unknown>
  if (
    message.type === 'listening' &&
    typeof message.url === 'string' &&
    typeof message.port === 'number' &&
    Number.isInteger(message.port) &&
    message.port > 0 &&
    message.port < 65_536 &&
    message.url === `http://127.0.0.1:${message.port}`
  ) {
    return { type: 'listening', url: message.url, port: message.port }
  }
  if (message.type === 'failed' && typeof message.message === 'string') {
    return { type: 'failed', message: message.message }
  }
  return null
}

export function parseEmbeddedBackendCommand(value: unknown): EmbeddedBackendCommand | null {
  if (typeof value !== 'object' || value === null) return null
  const message = value as Record<string, unknown>
  if (message.type === 'start' && isEmbeddedSecret(message.secret)) {
    return { type: 'start', secret: message.secret }
  }
  if (message.type === 'stop') return { type: 'stop' }
  return null
}
