// What an invite secret gives: the invite's id, an Ed25519 key that signs a joiner's proof and
// an X25519 key the group's join key is sealed to. Only the public halves enter the server
// state, so members who never saw the code can still check a join made with it.
import { fromBase64Url, toBase64Url } from '../../shared/encoding'
import { encodeFields } from '../../shared/signing'
import { deriveKey, sign, verify, wipe } from '../crypto'
import type { KeyPair } from '../crypto'
import { readySodium } from '../crypto/sodium'

const JOIN_LABEL = 'paracord-mls-join-v1'
export const INVITE_SECRET_BYTES = 32

export interface InviteKeys {
  readonly inviteId: string
  readonly sign: KeyPair
  readonly box: KeyPair
}

export function inviteKeys(secret: Uint8Array): InviteKeys {
  const sodium = readySodium()
  const idBytes = deriveKey(secret, 'invite-id', '').slice(0, 16)
  const signSeed = deriveKey(secret, 'invite-sign', '')
  const boxSeed = deriveKey(secret, 'invite-box', '')
  try {
    const s = sodium.crypto_sign_seed_keypair(signSeed)
    const b = sodium.crypto_box_seed_keypair(boxSeed)
    return {
      inviteId: toBase64Url(idBytes),
      sign: { publicKey: s.publicKey, privateKey: s.privateKey },
      box: { publicKey: b.publicKey, privateKey: b.privateKey },
    }
  } finally {
    wipe(signSeed)
    wipe(boxSeed)
  }
}

export interface JoinProof {
  readonly inviteId: string
  readonly signature: string
}

/** What a joiner's proof signs: the group, the epoch it joins at and the leaf it joins as. */
function joinBytes(groupId: string, epoch: number, userId: string, leafSignatureKey: Uint8Array) {
  return encodeFields(JOIN_LABEL, [groupId, epoch, userId, leafSignatureKey])
}

export function makeJoinProof(
  keys: InviteKeys,
  groupId: string,
  epoch: number,
  userId: string,
  leafSignatureKey: Uint8Array,
): JoinProof {
  const bytes = joinBytes(groupId, epoch, userId, leafSignatureKey)
  return { inviteId: keys.inviteId, signature: toBase64Url(sign(bytes, keys.sign.privateKey)) }
}

export function checkJoinProof(
  proof: JoinProof,
  inviteSignKey: string,
  groupId: string,
  epoch: number,
  userId: string,
  leafSignatureKey: Uint8Array,
): boolean {
  try {
    return verify(
      fromBase64Url(proof.signature),
      joinBytes(groupId, epoch, userId, leafSignatureKey),
      fromBase64Url(inviteSignKey),
    )
  } catch {
    return false
  }
}
