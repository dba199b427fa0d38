// Deterministic keys from shared secrets. Every holder of a channel key derives the same
// post/read/admin key pairs, which is how the server checks membership without learning it.
import { encodeFields } from '../../shared/signing'
import { expectBytes } from './assert'
import { InvalidInputError } from './errors'
import type { KeyPair } from './types'
import { readySodium } from './sodium'

export const SECRET_BYTES = 32
export const STREAM_KEY_PURPOSES = ['post', 'read', 'admin'] as const
export type StreamKeyPurpose = (typeof STREAM_KEY_PURPOSES)[number]

const SUBKEY_LABEL = 'paracord-subkey-v1'
const STREAM_SEED_LABEL = 'paracord-stream-key-v1'

/** A fresh random 32-byte symmetric key. */
export function randomKey(): Uint8Array {
  return readySodium().randombytes_buf(SECRET_BYTES)
}

/** A 32-byte subkey of `secret` for one purpose and context (BLAKE2b keyed with the secret). */
export function deriveKey(secret: Uint8Array, purpose: string, context: string): Uint8Array {
  expectBytes(secret, SECRET_BYTES, 'secret')
  return keyedHash(secret, encodeFields(SUBKEY_LABEL, [purpose, context]))
}

/** The Ed25519 key pair for one role on one stream, the same for every holder of `secret`. */
export function streamKeys(
  secret: Uint8Array,
  purpose: StreamKeyPurpose,
  context: string,
): KeyPair {
  expectBytes(secret, SECRET_BYTES, 'secret')
  if (!STREAM_KEY_PURPOSES.includes(purpose))
    throw new InvalidInputError(
      `stream key purpose must be one of ${STREAM_KEY_PURPOSES.join(', ')}`,
    )
  const sodium = readySodium()
  const seed = keyedHash(secret, encodeFields(STREAM_SEED_LABEL, [purpose, context]))
  try {
    const { publicKey, privateKey } = sodium.crypto_sign_seed_keypair(seed)
    return { publicKey, privateKey }
  } finally {
    sodium.memzero(seed)
  }
}

function keyedHash(key: Uint8Array, message: Uint8Array): Uint8Array {
  return readySodium().crypto_generichash(32, message, key)
}
