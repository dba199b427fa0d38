// Turning what the network and crypto layers throw into the ParacordError codes the UI knows.
import { ParacordError } from '../../shared/api'
import { EMBEDDED_ACCESS_DENIED_MESSAGE } from '../net/embedded-access'
import { ApiError, ServerUnreachableError } from '../net/errors'

export const WRONG_CREDENTIALS = 'Wrong name or password'
export const WRONG_PASSWORD = 'Wrong password'

export const lockedError = () => new ParacordError('locked', 'The app is locked: unlock it first')
export const signedOutError = () => new ParacordError('signed_out', 'No account is signed in')
/** The server offered an older vault than this device has seen, or passed one off as newer. */
export const vaultRollbackError = (message: string) => new ParacordError('vault_rollback', message)

export function isApiError(error: unknown, code: ApiError['code']): error is ApiError {
  return error instanceof ApiError && error.code === code
}

/**
 * The user-facing form of a failure: ParacordErrors pass through, an unreachable server is
 * `server_unreachable`, rate limiting is `rate_limited`, everything else is `internal` with
 * `what` saying which step failed.
 */
export function toParacordError(error: unknown, what: string): ParacordError {
  if (error instanceof ParacordError) return error
  if (error instanceof ServerUnreachableError)
    return new ParacordError('server_unreachable', `The server cannot be reached (${error.reason})`)
  if (error instanceof ApiError) {
    if (error.code === 'rate_limited')
      return new ParacordError('rate_limited', 'Too many requests: try again in a minute')
    if (error.code === 'unavailable')
      return new ParacordError('server_unreachable', 'The server is unavailable right now')
    if (error.code === 'embedded_access_denied')
      return new ParacordError('server_unreachable', EMBEDDED_ACCESS_DENIED_MESSAGE)
    if (error.code === 'forbidden' || error.code === 'invalid_signature')
      return new ParacordError('forbidden', `${what}: the server refused (${error.message})`)
    if (error.code === 'not_found') return new ParacordError('not_found', `${what}: not found`)
  }
  const detail = error instanceof Error ? error.message : String(error)
  return new ParacordError('internal', `${what} failed: ${detail}`)
}
