// Turns ParacordApi failures into plain words a person can act on.
import { isApiErrorCode, type ApiErrorCode } from '../../../shared/api-errors'

/** The error's code, whether it arrived as a ParacordError or as a plain { code, message }. */
export function errorCode(error: unknown): ApiErrorCode | null {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = error.code
    if (isApiErrorCode(code)) return code
  }
  return null
}

function errorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const message = error.message
    if (typeof message === 'string') return message.trim()
  }
  return ''
}

const WORDS: Readonly<Record<ApiErrorCode, string>> = {
  invalid_input: 'Check what you entered and try again.',
  wrong_password: 'That password is not right.',
  unknown_account: 'There is no account with that name.',
  name_taken: 'That name is taken. Try another one.',
  server_unreachable: "Can't reach the server. Check your connection.",
  signed_out: 'You are signed out. Log in again.',
  locked: 'paracord is locked. Unlock it to continue.',
  not_found: 'That no longer exists. It may have been deleted.',
  forbidden: "You don't have permission to do that.",
  conflict: 'Someone changed this at the same moment. Try again.',
  invite_invalid: 'This invite cannot be used. Ask for a new one.',
  rate_limited: 'Too many tries. Wait a minute, then try again.',
  internal: 'Something went wrong. Try again.',
}

/** Plain words for any failure; invite errors keep their own explanation, which says why. */
export function describeError(error: unknown): string {
  const code = errorCode(error)
  if (code === null) return WORDS.internal
  if (code === 'invite_invalid') {
    const message = errorMessage(error)
    return message.length > 0 ? message : WORDS.invite_invalid
  }
  return WORDS[code]
}
