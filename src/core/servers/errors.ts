// Failures of the servers, messages and sync services as the API's ParacordError codes.
import { ParacordError } from '../../shared/api'
import { EMBEDDED_ACCESS_DENIED_MESSAGE } from '../net/embedded-access'
import { ApiError, ServerUnreachableError } from '../net/errors'

export function forbidden(message: string): ParacordError {
  return new ParacordError('forbidden', message)
}

export function notFound(message: string): ParacordError {
  return new ParacordError('not_found', message)
}

export function inviteInvalid(reason: string): ParacordError {
  return new ParacordError('invite_invalid', `This invite cannot be used: ${reason}.`)
}

/** Whether the failure means the backend could not be reached (the call may be retried later). */
export function isUnreachable(error: unknown): boolean {
  return error instanceof ServerUnreachableError
}

export function isApiCode(error: unknown, ...codes: string[]): error is ApiError {
  return error instanceof ApiError && codes.includes(error.code)
}

/** Maps anything a service call threw to a ParacordError the UI can word. */
export function toParacordError(error: unknown): ParacordError {
  if (error instanceof ParacordError) return error
  if (error instanceof ServerUnreachableError)
    return new ParacordError('server_unreachable', 'The server cannot be reached right now.')
  if (error instanceof ApiError) {
    switch (error.code) {
      case 'forbidden':
      case 'invalid_signature':
        return new ParacordError('forbidden', `The server refused: ${error.message}`)
      case 'not_found':
        return new ParacordError('not_found', `Not found on the server: ${error.message}`)
      case 'version_conflict':
      case 'already_exists':
      case 'id_conflict':
        return new ParacordError('conflict', error.message)
      case 'rate_limited':
        return new ParacordError('rate_limited', 'Too many requests; try again in a moment.')
      case 'embedded_access_denied':
        return new ParacordError('server_unreachable', EMBEDDED_ACCESS_DENIED_MESSAGE)
      default:
        return new ParacordError('internal', `The server refused: ${error.message}`)
    }
  }
  const message = error instanceof Error ? error.message : String(error)
  return new ParacordError('internal', message)
}
