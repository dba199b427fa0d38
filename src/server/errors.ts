// The refusals the server makes on purpose. The central error handler (app.ts) turns these,
// and every other failure, into one JSON shape: { error, message[, currentVersion] }.
import type { ErrorCode } from '../shared/protocol'

export const STATUS_OF: Readonly<Record<ErrorCode, number>> = {
  bad_request: 400,
  unauthorized: 401,
  embedded_access_denied: 401,
  invalid_credentials: 401,
  expired: 401,
  invalid_signature: 403,
  forbidden: 403,
  not_found: 404,
  already_exists: 409,
  version_conflict: 409,
  id_conflict: 409,
  payload_too_large: 413,
  burn_out_of_policy: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
}

export class ApiError extends Error {
  readonly statusCode: number

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly currentVersion?: number,
  ) {
    super(message)
    this.statusCode = STATUS_OF[code]
  }
}

export const notFound = (what: string) => new ApiError('not_found', `${what} not found`)
export const badSignature = (what: string) =>
  new ApiError('invalid_signature', `the signature does not verify: ${what}`)
export const versionConflict = (currentVersion: number) =>
  new ApiError(
    'version_conflict',
    `stale version; the current version is ${currentVersion}`,
    currentVersion,
  )

/** The error code a plain HTTP status stands for, for failures raised outside our routes. */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 401:
      return 'unauthorized'
    case 403:
      return 'forbidden'
    case 404:
      return 'not_found'
    case 413:
      return 'payload_too_large'
    case 429:
      return 'rate_limited'
    case 503:
      return 'unavailable'
    default:
      return status >= 500 ? 'internal' : 'bad_request'
  }
}
