// Telling "the database is not there right now" apart from every other failure: the first is
// answered 503 `unavailable` (retry later; nothing unacknowledged was stored), the rest 500.

/** The store cannot reach its database; the request may be retried once it is back. */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the database is unavailable', { cause })
    this.name = 'StoreUnavailableError'
  }
}

export function isStoreUnavailable(error: unknown): error is StoreUnavailableError {
  return error instanceof StoreUnavailableError
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
])

// SQLSTATE 57P01-57P03: the server is shutting down, crashed or still starting; class 08:
// connection exceptions; 53300: too many connections.
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300'])

/** True when `error` says the connection to PostgreSQL failed, not that a statement did. */
export function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.has(code) || code.startsWith('08'))
      return true
  }
  // The driver reports a dropped socket or a pool that cannot connect only in its message.
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable|Client was closed/i.test(
    error.message,
  )
}

/** `error` as a StoreUnavailableError when it is a connection failure, else unchanged. */
export function classifyStoreError(error: unknown): unknown {
  return isConnectionFailure(error) && !isStoreUnavailable(error)
    ? new StoreUnavailableError(error)
    : error
}
