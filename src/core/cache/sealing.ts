// Column encryption for the local cache: XChaCha20-Poly1305-IETF with a random 24-byte nonce
// prepended to the ciphertext. Associated data names the row a blob belongs to, so a blob
// moved to another row, or a row whose clear columns were edited, no longer opens.
import sodium from 'libsodium-wrappers-sumo'
import { encodeFields, type SignedField } from '../../shared/signing'
import { fromUtf8, utf8 } from '../../shared/encoding'

export const CACHE_KEY_BYTES = 32

// Labels for associated data; "paracord-cache-v1:" can never collide with the signing prefix.
const AD_PREFIX = 'paracord-cache-v1:'
// Separate subkeys, so the same key is never used by two primitives.
const KDF_CONTEXT = 'pcache01'
const SUBKEY_SEAL = 1
const SUBKEY_NAMES = 2

export interface CacheSealer {
  /** Seals a JSON-serialisable value for the row named by `table` and `fields`. */
  sealJson(table: string, fields: readonly SignedField[], value: unknown): Uint8Array
  /** Opens a blob sealed for that row; null when it was made for another row or key. */
  openJson(
    table: string,
    fields: readonly SignedField[],
    blob: Uint8Array,
  ): { value: unknown } | null
  /** A tag that authenticates the row's clear columns alone (no secret content). */
  tag(table: string, fields: readonly SignedField[]): Uint8Array
  /** Whether `blob` is the tag of that row under this key. */
  checkTag(table: string, fields: readonly SignedField[], blob: Uint8Array): boolean
  /** Keyed BLAKE2b of a name, so stored names reveal nothing without the key. */
  hashName(name: string): Uint8Array
  /** Zeroes the subkeys held in memory; the sealer is unusable afterwards. */
  wipe(): void
}

export async function createSealer(cacheKey: Uint8Array): Promise<CacheSealer> {
  if (!(cacheKey instanceof Uint8Array) || cacheKey.length !== CACHE_KEY_BYTES)
    throw new TypeError(`the cache key must be ${CACHE_KEY_BYTES} bytes`)
  await sodium.ready
  const sealKey = sodium.crypto_kdf_derive_from_key(
    CACHE_KEY_BYTES,
    SUBKEY_SEAL,
    KDF_CONTEXT,
    cacheKey,
  )
  const nameKey = sodium.crypto_kdf_derive_from_key(
    CACHE_KEY_BYTES,
    SUBKEY_NAMES,
    KDF_CONTEXT,
    cacheKey,
  )
  let wiped = false
  const live = (): void => {
    if (wiped) throw new Error('the cache sealer was wiped')
  }
  const ad = (table: string, fields: readonly SignedField[]) =>
    encodeFields(AD_PREFIX + table, fields)

  const seal = (table: string, fields: readonly SignedField[], plaintext: Uint8Array) => {
    live()
    const nonce = sodium.randombytes_buf(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
    const sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
      plaintext,
      ad(table, fields),
      null,
      nonce,
      sealKey,
    )
    const out = new Uint8Array(nonce.length + sealed.length)
    out.set(nonce)
    out.set(sealed, nonce.length)
    return out
  }

  const open = (table: string, fields: readonly SignedField[], blob: Uint8Array) => {
    live()
    const nonceBytes = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
    if (blob.length < nonceBytes + sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES) return null
    try {
      return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
        null,
        blob.subarray(nonceBytes),
        ad(table, fields),
        blob.subarray(0, nonceBytes),
        sealKey,
      )
    } catch {
      return null
    }
  }

  return {
    sealJson(table, fields, value) {
      const json = JSON.stringify(value)
      if (json === undefined) throw new TypeError('the value must be JSON-serialisable')
      return seal(table, fields, utf8(json))
    },
    openJson(table, fields, blob) {
      const plaintext = open(table, fields, blob)
      if (plaintext === null) return null
      try {
        return { value: JSON.parse(fromUtf8(plaintext)) as unknown }
      } finally {
        sodium.memzero(plaintext)
      }
    },
    tag: (table, fields) => seal(table, fields, new Uint8Array(0)),
    checkTag: (table, fields, blob) => open(table, fields, blob)?.length === 0,
    hashName(name) {
      live()
      return sodium.crypto_generichash(32, utf8(name), nameKey)
    },
    wipe() {
      sodium.memzero(sealKey)
      sodium.memzero(nameKey)
      wiped = true
    },
  }
}
