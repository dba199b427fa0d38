// Symmetric encryption of every stored body: XChaCha20-Poly1305-IETF with a random 24-byte
// nonce (safe to pick at random at this size) and associated data that binds where the
// ciphertext lives, so a server that moves it or edits its metadata is caught on decryption.
import { concat, encodeFields } from '../../shared/signing'
import { expectBytes } from './assert'
import { DecryptionError } from './errors'
import { readySodium } from './sodium'

export const KEY_BYTES = 32
export const NONCE_BYTES = 24
export const TAG_BYTES = 16

/** Returns nonce || ciphertext. */
export function encrypt(key: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array {
  const sodium = readySodium()
  expectBytes(key, KEY_BYTES, 'key')
  const nonce = sodium.randombytes_buf(NONCE_BYTES)
  const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    plaintext,
    ad,
    null,
    nonce,
    key,
  )
  return concat([nonce, ciphertext])
}

/** Opens nonce || ciphertext; throws `DecryptionError` on any mismatch of key, AD or bytes. */
export function decrypt(key: Uint8Array, sealed: Uint8Array, ad: Uint8Array): Uint8Array {
  const sodium = readySodium()
  expectBytes(key, KEY_BYTES, 'key')
  if (!(sealed instanceof Uint8Array) || sealed.length < NONCE_BYTES + TAG_BYTES)
    throw new DecryptionError('ciphertext is too short to be valid')
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      sealed.subarray(NONCE_BYTES),
      ad,
      sealed.subarray(0, NONCE_BYTES),
      key,
    )
  } catch {
    throw new DecryptionError()
  }
}

// Labels for associated data. They all start with 'paracord-ad-v1:', which no signed payload
// ('paracord-v1:…') can start with, so AD bytes can never double as a signed message.
export const AD_LABELS = {
  vault: 'paracord-ad-v1:vault',
  shard: 'paracord-ad-v1:shard',
  enclave: 'paracord-ad-v1:enclave',
  cache: 'paracord-ad-v1:cache',
} as const

/**
 * Binds the user vault to its owner's handle and to the enclave version it is written as, so a
 * server can neither hand one account another's vault nor pass an old vault off as a new one.
 */
export const vaultAd = (handle: string, version: number): Uint8Array =>
  encodeFields(AD_LABELS.vault, [handle, version])

/** Binds a shard body to its stream, its id, its burn time and the key epoch it was sealed in. */
export const shardAd = (p: {
  stream: string
  shardId: string
  burnAt: number | null
  epoch: number
}): Uint8Array => encodeFields(AD_LABELS.shard, [p.stream, p.shardId, p.burnAt, p.epoch])

/** Binds an encrypted enclave body (e.g. an invite) to its id and kind. */
export const enclaveAd = (p: { id: string; kind: string }): Uint8Array =>
  encodeFields(AD_LABELS.enclave, [p.id, p.kind])

/** Binds an encrypted local-cache cell to its table, row and column. */
export const cacheAd = (p: { table: string; rowId: string; column: string }): Uint8Array =>
  encodeFields(AD_LABELS.cache, [p.table, p.rowId, p.column])
