// Ed25519 verification with node:crypto (native, the hot path of every post and read proof).
// Keys arrive as raw 32-byte public keys; node wants SPKI, so the fixed DER prefix is prepended.
// Parsed KeyObjects are kept in a small LRU: a busy stream's post and read keys recur.
import { createPublicKey, verify, type KeyObject } from 'node:crypto'
import { fromBase64Url } from '../shared/encoding'

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
const CACHE_SIZE = 1024
const keyCache = new Map<string, KeyObject>()

function keyObject(publicKey: string): KeyObject {
  const cached = keyCache.get(publicKey)
  if (cached) {
    // Re-insert so Map order is least-recently-used first.
    keyCache.delete(publicKey)
    keyCache.set(publicKey, cached)
    return cached
  }
  const raw = fromBase64Url(publicKey)
  if (raw.length !== 32) throw new RangeError('an Ed25519 public key is 32 bytes')
  const key = createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, raw]),
    format: 'der',
    type: 'spki',
  })
  keyCache.set(publicKey, key)
  if (keyCache.size > CACHE_SIZE) keyCache.delete(keyCache.keys().next().value!)
  return key
}

/**
 * True only if `signature` (base64url) is `publicKey`'s Ed25519 signature over `payload`.
 * Malformed keys or signatures verify as false; a non-canonical base64url string throws
 * EncodingError, which the error handler answers with 400.
 */
export function verifySignature(
  publicKey: string,
  payload: Uint8Array,
  signature: string,
): boolean {
  const sig = fromBase64Url(signature)
  if (sig.length !== 64) return false
  let key: KeyObject
  try {
    key = keyObject(publicKey)
  } catch (error) {
    if (error instanceof RangeError) return false
    // createPublicKey rejects bytes that are not a curve point.
    if (error instanceof Error && 'code' in error) return false
    throw error
  }
  return verify(null, payload, key, sig)
}
