// The bytes every signature covers. A signed payload starts with a domain-separation prefix,
// so a signature made for one purpose can never be accepted for another, then each field is
// tagged and length-prefixed, so no two field lists encode to the same bytes.
import { utf8 } from './encoding'

export const SIGNING_DOMAINS = {
  /** Login challenge response, by the account's login key. */
  login: 'login',
  /** Account deletion, by the account's login key over a fresh challenge. */
  accountDelete: 'account-delete',
  /** Possession of the new login key during a password change. */
  passwordChange: 'password-change',
  /** Enclave create or update, by the enclave's current owner key. */
  enclaveWrite: 'enclave-write',
  /** Enclave deletion, by the owner key. */
  enclaveDelete: 'enclave-delete',
  /** Stream creation, by the stream's admin key. */
  streamCreate: 'stream-create',
  /** Stream key rotation, by the stream's current admin key. */
  streamRotate: 'stream-rotate',
  /** A shard post, by the stream's post key. */
  shard: 'shard',
  /** A read proof for fetch and subscribe, by the stream's read key. */
  read: 'read',
  /** Proof of holding one of a stream's read keys, to see its key history. */
  streamInfo: 'stream-info',
} as const
export type SigningDomain = (typeof SIGNING_DOMAINS)[keyof typeof SIGNING_DOMAINS]

export type SignedField = Uint8Array | string | number | boolean | null

const PREFIX = 'paracord-v1:'
const TAG_NULL = 0
const TAG_BYTES = 1
const TAG_STRING = 2
const TAG_INTEGER = 3
const TAG_BOOLEAN = 4

/** Encodes `domain` and `fields` into the exact bytes that are signed and verified. */
export function signingPayload(domain: SigningDomain, fields: readonly SignedField[]): Uint8Array {
  return encodeFields(PREFIX + domain, fields)
}

/**
 * The unambiguous tagged encoding under a label; also used for associated data, under labels
 * that can never collide with the signing prefix.
 */
export function encodeFields(label: string, fields: readonly SignedField[]): Uint8Array {
  const parts: Uint8Array[] = [utf8(label), Uint8Array.of(0)]
  for (const field of fields) {
    if (field === null) parts.push(Uint8Array.of(TAG_NULL))
    else if (field instanceof Uint8Array)
      parts.push(Uint8Array.of(TAG_BYTES), u32(field.length), field)
    else if (typeof field === 'string') {
      const bytes = utf8(field)
      parts.push(Uint8Array.of(TAG_STRING), u32(bytes.length), bytes)
    } else if (typeof field === 'number') {
      if (!Number.isSafeInteger(field))
        throw new RangeError('signed integers must be safe integers')
      parts.push(Uint8Array.of(TAG_INTEGER), i64(field))
    } else parts.push(Uint8Array.of(TAG_BOOLEAN, field ? 1 : 0))
  }
  return concat(parts)
}

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, n)
  return out
}

function i64(n: number): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigInt64(0, BigInt(n))
  return out
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0))
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}
