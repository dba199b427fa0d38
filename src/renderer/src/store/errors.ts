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
  weak_password: 'That password is too easy to guess. Try a few unrelated words.',
  wrong_password: 'That password is not right.',
  unknown_account: 'There is no account with that name.',
  name_taken: 'That name is taken. Try another one.',
  server_unreachable: "Can't reach the server. Check your connection.",
  server_unsuitable: 'That server cannot be used. Check its address.',
  signed_out: 'You are signed out. Log in again.',
  locked: 'paracord is locked. Unlock it to continue.',
  not_found: 'That no longer exists. It may have been deleted.',
  forbidden: "You don't have permission to do that.",
  conflict: 'Someone changed this at the same moment. Try again.',
  invite_invalid: 'This invite cannot be used. Ask for a new one.',
  rate_limited: 'Too many tries. Wait a minute, then try again.',
  vault_rollback:
    'The server sent an older copy of your account data. paracord refused it and kept yours.',
  internal: 'Something went wrong. Try again.',
}

/** Codes whose core message is written for people and says why (the same words on every host). */
const OWN_WORDS: ReadonlySet<ApiErrorCode> = new Set([
  'invite_invalid',
  'weak_password',
  'server_unsuitable',
])

/** Plain words for any failure; invite, password and server refusals keep their own explanation. */
export function describeError(error: unknown): string {
  const code = errorCode(error)
  if (code === null) return WORDS.internal
  if (OWN_WORDS.has(code)) {
    const message = errorMessage(error)
    return message.length > 0 ? message : WORDS[code]
  }
  return WORDS[code]
}

/**
 * Words for a failed log-in: the backend refuses an unknown name and a wrong password alike (so
 * names cannot be listed), and the message says so instead of blaming the password.
 */
export const WRONG_NAME_OR_PASSWORD = 'Wrong name or password.'

export function describeSignInError(error: unknown): string {
  const code = errorCode(error)
  return code === 'wrong_password' || code === 'unknown_account'
    ? WRONG_NAME_OR_PASSWORD
    : describeError(error)
}
