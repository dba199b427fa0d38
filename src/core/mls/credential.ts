// A device's MLS credential: which user and device a leaf is, signed by the user's account
// identity key over the leaf's signature key. Each device of an account has its own leaf and
// its own leaf signature key per server (RFC 9420 wants them unique); the identity key ties
// them to one person, and the server state pins that key per user (server-state.ts).
import type { AuthenticationService, Credential, LeafNode } from 'ts-mls'
import { canonicalJson } from '../../shared/canonical-json'
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../../shared/encoding'
import { encodeFields } from '../../shared/signing'
import { sign, verify } from '../crypto'
import type { KeyPair } from '../crypto'
import type { JoinProof } from './invite-keys'

const DEVICE_LABEL = 'paracord-mls-device-v1'

export interface DeviceCredential {
  readonly v: 1
  readonly userId: string
  readonly deviceId: string
  readonly identityKey: string
  /** By the identity key over (userId, deviceId, leaf signature key). */
  readonly signature: string
  /** A joiner's proof of the invite they joined with (invite-keys.ts); absent otherwise. */
  readonly join?: JoinProof
}

/** Who a leaf is, once its credential checked out. */
export interface LeafIdentity {
  readonly userId: string
  readonly deviceId: string
  readonly identityKey: string
  readonly joinProof: JoinProof | null
}

export interface DeviceSigner {
  readonly userId: string
  readonly deviceId: string
  readonly identity: KeyPair
}

function deviceBytes(userId: string, deviceId: string, leafSignatureKey: Uint8Array) {
  return encodeFields(DEVICE_LABEL, [userId, deviceId, leafSignatureKey])
}

export function makeCredential(
  signer: DeviceSigner,
  leafSignatureKey: Uint8Array,
  join?: JoinProof,
): Credential {
  const body: DeviceCredential = {
    v: 1,
    userId: signer.userId,
    deviceId: signer.deviceId,
    identityKey: toBase64Url(signer.identity.publicKey),
    signature: toBase64Url(
      sign(
        deviceBytes(signer.userId, signer.deviceId, leafSignatureKey),
        signer.identity.privateKey,
      ),
    ),
    ...(join ? { join } : {}),
  }
  return { credentialType: 'basic', identity: utf8(canonicalJson(body)) }
}

/** The identity a credential proves for `leafSignatureKey`, or null when it does not. */
export function readCredential(
  credential: Credential,
  leafSignatureKey: Uint8Array,
): LeafIdentity | null {
  if (credential.credentialType !== 'basic') return null
  let body: Partial<DeviceCredential>
  try {
    body = JSON.parse(fromUtf8(credential.identity)) as Partial<DeviceCredential>
  } catch {
    return null
  }
  const { userId, deviceId, identityKey, signature } = body
  if (body.v !== 1 || typeof userId !== 'string' || typeof deviceId !== 'string') return null
  if (typeof identityKey !== 'string' || typeof signature !== 'string') return null
  try {
    const ok = verify(
      fromBase64Url(signature),
      deviceBytes(userId, deviceId, leafSignatureKey),
      fromBase64Url(identityKey),
    )
    return ok ? { userId, deviceId, identityKey, joinProof: joinProofOf(body.join) } : null
  } catch {
    return null
  }
}

function joinProofOf(value: unknown): JoinProof | null {
  if (typeof value !== 'object' || value === null) return null
  const { inviteId, signature } = value as Partial<JoinProof>
  return typeof inviteId === 'string' && typeof signature === 'string'
    ? { inviteId, signature }
    : null
}

export function leafIdentity(leaf: LeafNode): LeafIdentity | null {
  return readCredential(leaf.credential, leaf.signaturePublicKey)
}

/** Makes the library refuse any leaf whose credential does not check out. */
export const paracordAuthService: AuthenticationService = {
  validateCredential(credential, signaturePublicKey) {
    return Promise.resolve(readCredential(credential, signaturePublicKey) !== null)
  },
}
