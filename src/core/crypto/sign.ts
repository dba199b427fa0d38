// Ed25519 detached signatures. Verification answers false on anything malformed, so untrusted
// input from the network can be checked without try/catch at every call site.
import { fromBase64Url, toBase64Url } from '../../shared/encoding'
import { expectBytes } from './assert'
import { readySodium } from './sodium'

export const SIGN_PUBLIC_KEY_BYTES = 32
export const SIGN_SECRET_KEY_BYTES = 64
export const SIGNATURE_BYTES = 64

export function sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  expectBytes(secretKey, SIGN_SECRET_KEY_BYTES, 'signing secret key')
  return readySodium().crypto_sign_detached(message, secretKey)
}

export function verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_BYTES) return false
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== SIGN_PUBLIC_KEY_BYTES) return false
  if (!(message instanceof Uint8Array)) return false
  try {
    return readySodium().crypto_sign_verify_detached(signature, message, publicKey)
  } catch {
    return false
  }
}

/** Signs a payload (e.g. from shared/protocol/payloads) and returns the wire form. */
export function signPayloadB64(payload: Uint8Array, secretKey: Uint8Array): string {
  return toBase64Url(sign(payload, secretKey))
}

/** Verifies a wire-form signature against a wire-form public key; false on any bad input. */
export function verifyPayloadB64(
  signature: string,
  payload: Uint8Array,
  publicKey: string,
): boolean {
  try {
    return verify(fromBase64Url(signature), payload, fromBase64Url(publicKey))
  } catch {
    return false
  }
}
