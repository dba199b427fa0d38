// The errors of ParacordApi: stable codes the UI maps to plain words. No runtime dependencies,
// so the sandboxed preload can import it.

/** Stable codes the UI maps to plain words; every transport carries { code, message }. */
export const API_ERROR_CODES = [
  'invalid_input',
  /** A new password (registration, password change) is too easy to guess; the message says why. */
  'weak_password',
  'wrong_password',
  'unknown_account',
  'name_taken',
  'server_unreachable',
  /** The chosen server cannot be used (not paracord, another protocol version, http:// to another machine); the message says why. */
  'server_unsuitable',
  'signed_out',
  'locked',
  'not_found',
  'forbidden',
  'conflict',
  'invite_invalid',
  'rate_limited',
  /** The backend offered an older vault than this device has seen, or one relabelled; refused. */
  'vault_rollback',
  'internal',
] as const
export type ApiErrorCode = (typeof API_ERROR_CODES)[number]

export class ParacordError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'ParacordError'
  }
}

/** What crosses a transport for a failed call. */
export interface ApiFailure {
  readonly code: ApiErrorCode
  readonly message: string
}

export function isApiErrorCode(value: unknown): value is ApiErrorCode {
  return typeof value === 'string' && (API_ERROR_CODES as readonly string[]).includes(value)
}
