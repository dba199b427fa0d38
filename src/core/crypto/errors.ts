// Typed failures, so callers can tell a wrong password from tampering from a programming error.

export type CryptoErrorCode =
  | 'sodium_not_loaded'
  | 'invalid_input'
  | 'invalid_login_name'
  | 'weak_kdf'
  | 'decryption_failed'
  | 'wrong_password'

export class CryptoError extends Error {
  constructor(
    readonly code: CryptoErrorCode,
    message: string,
  ) {
    super(message)
    this.name = new.target.name
  }
}

export class SodiumNotLoadedError extends CryptoError {
  constructor() {
    super('sodium_not_loaded', 'libsodium is not loaded yet: await loadSodium() first')
  }
}

/** A key, salt or other argument of the wrong shape: a bug in the caller, never user data. */
export class InvalidInputError extends CryptoError {
  constructor(message: string) {
    super('invalid_input', message)
  }
}

export type LoginNameProblem = 'too_short' | 'too_long' | 'invalid_character'

export class LoginNameError extends CryptoError {
  constructor(
    readonly problem: LoginNameProblem,
    message: string,
  ) {
    super('invalid_login_name', message)
  }
}

export class WeakKdfError extends CryptoError {
  constructor(message: string) {
    super('weak_kdf', message)
  }
}

/** The ciphertext does not authenticate under this key and associated data, or is malformed. */
export class DecryptionError extends CryptoError {
  constructor(message = 'decryption failed: wrong key, or the data was altered or moved') {
    super('decryption_failed', message)
  }
}

/** The vault does not open: almost always a wrong password (tampering looks the same). */
export class WrongPasswordError extends CryptoError {
  constructor() {
    super('wrong_password', 'wrong password, or the stored vault was altered')
  }
}
