// The login name never leaves the device: the server only sees its hash, the handle.
import { encodeFields } from '../../shared/signing'
import { toBase64Url } from '../../shared/encoding'
import { LoginNameError } from './errors'
import { readySodium } from './sodium'

export const LOGIN_NAME_MIN = 3
export const LOGIN_NAME_MAX = 32
const HANDLE_LABEL = 'paracord-handle-v1'
const ALLOWED = /^[\p{L}\p{M}\p{N}._-]+$/u

/** NFKC, trimmed, lower case: "Alice " and "alice" are the same account. */
export function normaliseLoginName(name: string): string {
  return name.normalize('NFKC').trim().toLowerCase().normalize('NFKC')
}

/** Returns the normalised name, or throws a `LoginNameError` saying what to fix. */
export function validateLoginName(name: string): string {
  const normalised = normaliseLoginName(name)
  const length = [...normalised].length
  if (length < LOGIN_NAME_MIN)
    throw new LoginNameError(
      'too_short',
      `login name must be at least ${LOGIN_NAME_MIN} characters`,
    )
  if (length > LOGIN_NAME_MAX)
    throw new LoginNameError('too_long', `login name must be at most ${LOGIN_NAME_MAX} characters`)
  if (!ALLOWED.test(normalised))
    throw new LoginNameError(
      'invalid_character',
      'login name may contain only letters, digits, ".", "_" and "-"',
    )
  return normalised
}

/** BLAKE2b-256 of the validated, normalised name under a fixed label, base64url (43 chars). */
export function loginHandle(name: string): string {
  const normalised = validateLoginName(name)
  const digest = readySodium().crypto_generichash(
    32,
    encodeFields(HANDLE_LABEL, [normalised]),
    null,
  )
  return toBase64Url(digest)
}
