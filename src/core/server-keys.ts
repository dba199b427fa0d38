// The keys of a paracord server, all derived from two secrets each MLS epoch exports
// (docs/KEYS.md): `secret`, which only the epoch's members hold, keys the channels' content;
// `join`, which is also sealed to open invites and to every member account (so a joiner or a
// new device can read the log and post its join), keys the log, the join enclave and the doors.
// Every member derives the same keys, so the backend checks membership by public keys alone.
import { encodeFields } from '../shared/signing'
import { toBase64Url } from '../shared/encoding'
import { deriveKey, streamKeys, wipe, type KeyPair } from './crypto'
import { readySodium } from './crypto/sodium'

export interface StreamKeySet {
  /** Encrypts the stream's shard bodies. */
  readonly contentKey: Uint8Array
  readonly post: KeyPair
  readonly read: KeyPair
  /** Creates the stream and moves it to the next epoch's keys. */
  readonly admin: KeyPair
}

/**
 * The door keys the backend checks (post, read, admin) come from the join secret, so whoever
 * may join in an epoch may also move the streams on to the next epoch without waiting for a
 * member; what is inside (the content key) comes from `contentSeed`.
 */
function keySet(
  contentSeed: Uint8Array,
  joinSecret: Uint8Array,
  purpose: string,
  streamId: string,
): StreamKeySet {
  const door = deriveKey(joinSecret, `${purpose}-door`, streamId)
  try {
    return {
      contentKey: deriveKey(contentSeed, purpose, streamId),
      post: streamKeys(door, 'post', streamId),
      read: streamKeys(door, 'read', streamId),
      admin: streamKeys(door, 'admin', streamId),
    }
  } finally {
    wipe(door)
  }
}

/** The server log's keys in one epoch. The log's stream id is the server id. */
export function logKeys(joinSecret: Uint8Array, serverId: string): StreamKeySet {
  return keySet(joinSecret, joinSecret, 'log', serverId)
}

/** A channel's keys in one epoch: content from the members-only secret, door from the join. */
export function channelKeys(
  secrets: { readonly secret: Uint8Array; readonly join: Uint8Array },
  channelId: string,
): StreamKeySet {
  return keySet(secrets.secret, secrets.join, 'channel', channelId)
}

/** The id of a server's join enclave: the group info and the join key, sealed. */
export function joinEnclaveId(serverId: string): string {
  return toBase64Url(
    readySodium().crypto_generichash(
      16,
      encodeFields('paracord-join-enclave-v1', [serverId]),
      null,
    ),
  )
}

/** The join enclave's owner key in one epoch: any member of the epoch may rewrite it. */
export function joinEnclaveOwner(joinSecret: Uint8Array, serverId: string): KeyPair {
  return streamKeys(deriveKey(joinSecret, 'join-enclave', serverId), 'admin', serverId)
}

/** The key that seals the group info in the join enclave. */
export function groupInfoKey(joinSecret: Uint8Array, serverId: string): Uint8Array {
  return deriveKey(joinSecret, 'group-info', serverId)
}

/** Invite secret → the invite enclave's id and the key that seals its body. */
export function inviteKeys(secret: Uint8Array): { enclaveId: Uint8Array; sealKey: Uint8Array } {
  return {
    enclaveId: deriveKey(secret, 'invite-id', '').subarray(0, 16),
    sealKey: deriveKey(secret, 'invite-key', ''),
  }
}
