// What can go wrong talking to the store, as classes the UI can tell apart: the server cannot
// be reached, the server refused (a stable code), or the server answered nonsense.
import type { ErrorCode } from '../../shared/protocol'

/** Base of every network-layer failure. */
export class NetError extends Error {
  override name = 'NetError'
}

/** Why a server could not be reached. */
export type UnreachableReason = 'refused' | 'dns' | 'timeout' | 'reset' | 'network'

/** Connection refused, name not found, timed out or dropped: nothing (complete) came back. */
export class ServerUnreachableError extends NetError {
  override name = 'ServerUnreachableError'
  constructor(
    readonly reason: UnreachableReason,
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(`server unreachable (${reason}): ${url}`, options)
  }
}

/** The server refused the request with one of the protocol's stable error codes. */
export class ApiError extends NetError {
  override name = 'ApiError'
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    /** With version_conflict: the version the server holds now. */
    readonly currentVersion?: number,
    /** With rate_limited or unavailable: how long the server asked to wait (Retry-After). */
    readonly retryAfterMs?: number,
  ) {
    super(message)
  }
}

/** The server answered, but not with what the protocol allows; nothing of it is used. */
export class ProtocolError extends NetError {
  override name = 'ProtocolError'
  readonly code = 'bad_response'
  constructor(
    readonly status: number,
    message: string,
    /** Where the answer broke the schema, for logs. */
    readonly problems: readonly string[] = [],
  ) {
    super(message)
  }
}

/** The caller's own request breaks the protocol; it was not sent. */
export class InvalidRequestError extends NetError {
  override name = 'InvalidRequestError'
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(message)
  }
}
