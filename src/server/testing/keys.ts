// Ed25519 keys for tests, with node:crypto, in the wire's raw base64url form.
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto'
import { toBase64Url } from '../../shared/encoding'

export interface TestKeyPair {
  /** Raw 32-byte public key, base64url. */
  readonly publicKey: string
  /** Ed25519 signature over `payload`, base64url. */
  sign(payload: Uint8Array): string
}

export function newKeyPair(): TestKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const jwk = publicKey.export({ format: 'jwk' })
  if (typeof jwk.x !== 'string') throw new Error('no Ed25519 public key')
  return {
    publicKey: jwk.x, // a JWK's x is already the raw key in base64url
    sign: (payload) => toBase64Url(sign(null, payload, privateKey)),
  }
}

/** `n` random bytes, base64url: ids, handles, bodies. */
export const randomB64 = (n: number): string => toBase64Url(randomBytes(n))
