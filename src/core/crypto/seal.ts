// Anonymous sealed boxes (X25519 + XSalsa20-Poly1305): hand a key to one member, readable only
// with that member's box secret key.
import { expectBytes } from './assert'
import { DecryptionError } from './errors'
import type { KeyPair } from './types'
import { readySodium } from './sodium'

export const BOX_KEY_BYTES = 32

export function sealTo(boxPublicKey: Uint8Array, plaintext: Uint8Array): Uint8Array {
  expectBytes(boxPublicKey, BOX_KEY_BYTES, 'box public key')
  return readySodium().crypto_box_seal(plaintext, boxPublicKey)
}

/** Throws `DecryptionError` when the box was sealed to another key or altered. */
export function openSealed(boxKeyPair: KeyPair, sealed: Uint8Array): Uint8Array {
  expectBytes(boxKeyPair.publicKey, BOX_KEY_BYTES, 'box public key')
  expectBytes(boxKeyPair.privateKey, BOX_KEY_BYTES, 'box secret key')
  const sodium = readySodium()
  if (!(sealed instanceof Uint8Array) || sealed.length < sodium.crypto_box_SEALBYTES)
    throw new DecryptionError('sealed box is too short to be valid')
  try {
    return sodium.crypto_box_seal_open(sealed, boxKeyPair.publicKey, boxKeyPair.privateKey)
  } catch {
    throw new DecryptionError('sealed box does not open with this key, or was altered')
  }
}
