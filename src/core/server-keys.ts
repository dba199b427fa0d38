// The key hierarchy of a paracord server (docs/KEYS.md section 3). One master key per epoch
// and one admin secret; everything else is derived, so every member derives the same keys and
// the backend can check membership by public keys alone.
import { deriveKey, streamKeys, type KeyPair } from './crypto'

export interface StreamKeySet {
  /** Encrypts the stream's shard bodies. */
  readonly contentKey: Uint8Array
  readonly post: KeyPair
  readonly read: KeyPair
}

/** The spine stream's keys for one epoch. The spine stream id is the server id. */
export function spineKeys(masterKey: Uint8Array, serverId: string): StreamKeySet {
  const contentKey = deriveKey(masterKey, 'spine', serverId)
  return {
    contentKey,
    post: streamKeys(contentKey, 'post', serverId),
    read: streamKeys(contentKey, 'read', serverId),
  }
}

/** A channel's keys for one epoch. The channel's stream id is the channel id. */
export function channelKeys(masterKey: Uint8Array, channelId: string): StreamKeySet {
  const contentKey = deriveKey(masterKey, 'channel', channelId)
  return {
    contentKey,
    post: streamKeys(contentKey, 'post', channelId),
    read: streamKeys(contentKey, 'read', channelId),
  }
}

/** The admin key pair of one stream, derived from the admin secret only admins hold. */
export function streamAdminKeys(adminSecret: Uint8Array, streamId: string): KeyPair {
  return streamKeys(adminSecret, 'admin', streamId)
}

/** Invite secret → the invite enclave's id and the key that seals its body. */
export function inviteKeys(secret: Uint8Array): { enclaveId: Uint8Array; sealKey: Uint8Array } {
  return {
    enclaveId: deriveKey(secret, 'invite-id', '').subarray(0, 16),
    sealKey: deriveKey(secret, 'invite-key', ''),
  }
}
