// Making, hashing and verifying single spine entries. The signature covers the entry's
// fields in the tagged encoding of shared/signing (encodeFields); the chain hash covers the
// same fields plus the signature, so a hash names one exact signed entry.
import sodium from 'libsodium-wrappers-sumo'
import { canonicalJson } from '../../shared/canonical-json'
import { fromBase64Url, toBase64Url } from '../../shared/encoding'
import { encodeFields } from '../../shared/signing'
import { bodyShapeProblem } from './shape'
import { SPINE_VERSION, type SpineAuthor, type SpineBody, type SpineEntry } from './types'

/** Labels of the two encodings; distinct from every shared/signing domain. */
export const SPINE_SIGN_LABEL = 'paracord-spine-v1:sign'
export const SPINE_HASH_LABEL = 'paracord-spine-v1:entry'
const HASH_BYTES = 32

export class SpineEntryError extends Error {}

/** Resolves once libsodium is initialised; await it before calling anything else here. */
export function spineReady(): Promise<void> {
  return sodium.ready
}

export { canonicalJson }

type UnsignedEntry = Omit<SpineEntry, 'sig'>

/** The bytes the author signs. */
export function entrySigningBytes(entry: UnsignedEntry): Uint8Array {
  return encodeFields(SPINE_SIGN_LABEL, [
    entry.v,
    entry.prev,
    entry.at,
    entry.author,
    entry.authorKey,
    canonicalJson(entry.body),
  ])
}

/** The entry's canonical bytes, which the next entry's `prev` hashes. */
export function entryCanonicalBytes(entry: SpineEntry): Uint8Array {
  return encodeFields(SPINE_HASH_LABEL, [
    entry.v,
    entry.prev,
    entry.at,
    entry.author,
    entry.authorKey,
    canonicalJson(entry.body),
    fromBase64Url(entry.sig),
  ])
}

/** base64url BLAKE2b-256 of the entry's canonical bytes. Throws on a malformed `sig`. */
export function entryHash(entry: SpineEntry): string {
  return toBase64Url(sodium.crypto_generichash(HASH_BYTES, entryCanonicalBytes(entry), null))
}

/** Whether `sig` is the author key's signature over the entry; false for any malformed part. */
export function hasValidSignature(entry: SpineEntry): boolean {
  try {
    return sodium.crypto_sign_verify_detached(
      fromBase64Url(entry.sig),
      entrySigningBytes(entry),
      fromBase64Url(entry.authorKey),
    )
  } catch {
    return false
  }
}

/**
 * Signs `body` as the next entry after `prev` (null for genesis). Checks the body's shape so a
 * client never publishes an entry every peer would reject; authority is the caller's to check
 * (hasAuthority) since it depends on the folded state.
 */
export function createEntry(
  prev: SpineEntry | null,
  body: SpineBody,
  author: SpineAuthor,
  at: number,
): SpineEntry {
  // Dropping undefined fields here keeps the signed bytes equal to what survives JSON transport.
  const cleanBody = JSON.parse(canonicalJson(body)) as SpineBody
  const problem = bodyShapeProblem(cleanBody)
  if (problem) throw new SpineEntryError(problem)
  if (!Number.isSafeInteger(at) || at < 0) throw new SpineEntryError('at must be a time in ms')
  const unsigned: UnsignedEntry = {
    v: SPINE_VERSION,
    prev: prev === null ? null : entryHash(prev),
    at,
    author: author.userId,
    authorKey: toBase64Url(author.signKey.publicKey),
    body: cleanBody,
  }
  const sig = sodium.crypto_sign_detached(entrySigningBytes(unsigned), author.signKey.privateKey)
  return { ...unsigned, sig: toBase64Url(sig) }
}

/**
 * The time to stamp on a new entry: now, but never before the head, since the fold rejects
 * entries that go back in time.
 */
export function nextEntryTime(head: SpineEntry | null, now: number): number {
  return head === null ? now : Math.max(now, head.at)
}
