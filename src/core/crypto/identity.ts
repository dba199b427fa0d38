// A user's long-term identity: a random user id, an Ed25519 key that signs everything the user
// authors, and an X25519 key that other members seal keys to. The public half is published as
// a self-signed bundle, so a server cannot pair someone's user id with a key of its choosing.
import { fromBase64Url, toBase64Url } from '../../shared/encoding'
import { encodeFields } from '../../shared/signing'
import { expectBytes } from './assert'
import { InvalidInputError } from './errors'
import { sign, verify, SIGN_PUBLIC_KEY_BYTES, SIGN_SECRET_KEY_BYTES } from './sign'
import { readySodium } from './sodium'
import type { KeyPair } from './types'

export const USER_ID_BYTES = 16
const BOX_KEY_BYTES = 32
const IDENTITY_LABEL = 'paracord-id-v1'

export interface Identity {
  /** 16 random bytes, base64url. */
  readonly userId: string
  readonly signing: KeyPair
  readonly box: KeyPair
}

/** What everyone may see; every field base64url. */
export interface PublicIdentity {
  readonly userId: string
  readonly signKey: string
  readonly boxKey: string
  /** By signKey over (userId, signKey, boxKey). */
  readonly signature: string
}

/** The identity as stored inside the vault (JSON-safe, base64url). */
export interface StoredIdentity {
  readonly userId: string
  readonly signSecretKey: string
  readonly boxSecretKey: string
}

export function generateIdentity(): Identity {
  const sodium = readySodium()
  const signing = sodium.crypto_sign_keypair()
  const box = sodium.crypto_box_keypair()
  return {
    userId: toBase64Url(sodium.randombytes_buf(USER_ID_BYTES)),
    signing: { publicKey: signing.publicKey, privateKey: signing.privateKey },
    box: { publicKey: box.publicKey, privateKey: box.privateKey },
  }
}

const bundleBytes = (userId: Uint8Array, signKey: Uint8Array, boxKey: Uint8Array) =>
  encodeFields(IDENTITY_LABEL, [userId, signKey, boxKey])

/** The self-signed public bundle of `identity`. */
export function publicIdentity(identity: Identity): PublicIdentity {
  const userId = expectBytes(fromBase64Url(identity.userId), USER_ID_BYTES, 'user id')
  const signature = sign(
    bundleBytes(userId, identity.signing.publicKey, identity.box.publicKey),
    identity.signing.privateKey,
  )
  return {
    userId: identity.userId,
    signKey: toBase64Url(identity.signing.publicKey),
    boxKey: toBase64Url(identity.box.publicKey),
    signature: toBase64Url(signature),
  }
}

/** True only for a well-formed bundle whose signature by its own signKey holds; never throws. */
export function verifyPublicIdentity(bundle: PublicIdentity): boolean {
  try {
    const userId = fromBase64Url(bundle.userId)
    const signKey = fromBase64Url(bundle.signKey)
    const boxKey = fromBase64Url(bundle.boxKey)
    if (userId.length !== USER_ID_BYTES || boxKey.length !== BOX_KEY_BYTES) return false
    if (signKey.length !== SIGN_PUBLIC_KEY_BYTES) return false
    return verify(fromBase64Url(bundle.signature), bundleBytes(userId, signKey, boxKey), signKey)
  } catch {
    return false
  }
}

export function exportIdentity(identity: Identity): StoredIdentity {
  return {
    userId: identity.userId,
    signSecretKey: toBase64Url(identity.signing.privateKey),
    boxSecretKey: toBase64Url(identity.box.privateKey),
  }
}

/** Rebuilds an identity from the vault, recomputing the public keys from the secret ones. */
export function importIdentity(stored: StoredIdentity): Identity {
  const sodium = readySodium()
  try {
    expectBytes(fromBase64Url(stored.userId), USER_ID_BYTES, 'user id')
    const signSecret = expectBytes(
      fromBase64Url(stored.signSecretKey),
      SIGN_SECRET_KEY_BYTES,
      'signing secret key',
    )
    const boxSecret = expectBytes(
      fromBase64Url(stored.boxSecretKey),
      BOX_KEY_BYTES,
      'box secret key',
    )
    // An Ed25519 secret key embeds its public key; check it against the one the seed gives.
    const seed = sodium.crypto_sign_ed25519_sk_to_seed(signSecret)
    const signing = sodium.crypto_sign_seed_keypair(seed)
    sodium.memzero(seed)
    if (!sodium.memcmp(signing.privateKey, signSecret))
      throw new InvalidInputError('stored signing key is inconsistent')
    return {
      userId: stored.userId,
      signing: { publicKey: signing.publicKey, privateKey: signing.privateKey },
      box: { publicKey: sodium.crypto_scalarmult_base(boxSecret), privateKey: boxSecret },
    }
  } catch (error) {
    if (error instanceof InvalidInputError) throw error
    throw new InvalidInputError('stored identity is malformed')
  }
}
