// Safety numbers as Signal computes them: each party's identity key and user id are hashed
// many times into 30 digits; the two halves are sorted so both sides see the same 60 digits.
import { fromBase64Url } from '../../shared/encoding'
import { concat } from '../../shared/signing'
import { expectBytes } from './assert'
import { USER_ID_BYTES } from './identity'
import { SIGN_PUBLIC_KEY_BYTES } from './sign'
import { readySodium } from './sodium'

const VERSION = Uint8Array.of(0, 0)
const ITERATIONS = 5200
const CHUNKS = 6
const CHUNK_BYTES = 5

export interface SafetyParty {
  /** base64url user id (16 bytes). */
  readonly userId: string
  /** The Ed25519 identity signing key. */
  readonly signKey: Uint8Array
}

export interface SafetyNumber {
  /** 60 digits. */
  readonly digits: string
  /** The digits in 12 groups of 5, for display. */
  readonly groups: readonly string[]
}

export function safetyNumber(a: SafetyParty, b: SafetyParty): SafetyNumber {
  const halves = [partyDigits(a), partyDigits(b)].sort()
  const digits = halves.join('')
  const groups = digits.match(/\d{5}/g) ?? []
  return { digits, groups }
}

/** 30 digits for one party. */
function partyDigits(party: SafetyParty): string {
  const sodium = readySodium()
  const userId = expectBytes(fromBase64Url(party.userId), USER_ID_BYTES, 'user id')
  const signKey = expectBytes(party.signKey, SIGN_PUBLIC_KEY_BYTES, 'identity key')
  // 1. Start from version || key || user id.
  let hash = concat([VERSION, signKey, userId])
  // 2. Iterate SHA-512 over the previous hash followed by the key.
  for (let i = 0; i < ITERATIONS; i++) hash = sodium.crypto_hash_sha512(concat([hash, signKey]))
  // 3. Six 5-byte big-endian chunks, each reduced to a 5-digit number.
  let out = ''
  for (let c = 0; c < CHUNKS; c++) {
    let value = 0
    for (let j = 0; j < CHUNK_BYTES; j++) value = value * 256 + hash[c * CHUNK_BYTES + j]!
    out += String(value % 100000).padStart(5, '0')
  }
  return out
}
