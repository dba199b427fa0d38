// The server's streams at the backend: created with, and moved on every epoch to, the keys the
// current MLS epoch derives (server-keys.ts). Clients never take a stream's keys from the
// backend: they check its record against the keys the group's epoch gives, move a stream that
// is behind (any member of the epoch can), and refuse to post to one that names keys no epoch
// of theirs derives.
import { toBase64Url } from '../../shared/encoding'
import {
  streamCreatePayload,
  streamRotatePayload,
  type StreamInfo,
  type StreamPolicy,
} from '../../shared/protocol'
import { signPayloadB64 } from '../crypto'
import { ApiError } from '../net/errors'
import type { StreamKeySet } from '../server-keys'
import type { UnlockedSession } from '../session'
import { isApiCode } from './errors'
import type { Keyring } from './keyring'

/** Fourteen days: the longest burn any channel may choose. */
export const MAX_STREAM_BURN_SECONDS = 14 * 24 * 3600

/** The backend names keys for a stream that no epoch this device holds derives. */
export class StreamMismatchError extends Error {
  constructor(readonly streamId: string) {
    super(
      `the server's record of stream ${streamId} names keys that do not come from this server's group; not posting to it`,
    )
    this.name = 'StreamMismatchError'
  }
}

export async function createStream(
  session: UnlockedSession,
  streamId: string,
  keys: StreamKeySet,
  permanent: boolean,
): Promise<StreamInfo> {
  const policy: StreamPolicy = {
    postKey: toBase64Url(keys.post.publicKey),
    readKey: toBase64Url(keys.read.publicKey),
    adminKey: toBase64Url(keys.admin.publicKey),
    permanent,
    maxBurnSeconds: MAX_STREAM_BURN_SECONDS,
  }
  const signature = signPayloadB64(
    streamCreatePayload({ id: streamId, policy }),
    keys.admin.privateKey,
  )
  return session.client.createStream({ id: streamId, policy, signature })
}

/**
 * Makes the stream's backend record name the keys of the group's current epoch: creates it when
 * missing (`permanent` for the log), moves it when it is on an older epoch this device still
 * holds keys of. Throws StreamMismatchError when the record names keys of no known epoch.
 */
export async function ensureStreamCurrent(
  session: UnlockedSession,
  keyring: Keyring,
  serverId: string,
  streamId: string,
  permanent: boolean,
): Promise<void> {
  const epoch = keyring.currentEpoch(serverId)
  const want = keyring.streamKeys(serverId, streamId, epoch)
  if (!want) throw new Error(`no keys of the current epoch for stream ${streamId}`)
  const readKey = toBase64Url(want.read.publicKey)
  for (let attempt = 0; attempt < 3; attempt++) {
    let info: StreamInfo
    try {
      info = await keyring.streamInfo(serverId, streamId, true)
    } catch (error) {
      if (!isApiCode(error, 'not_found')) throw error
      try {
        keyring.rememberStreamInfo(await createStream(session, streamId, want, permanent))
        return
      } catch (createError) {
        if (isApiCode(createError, 'already_exists')) continue
        throw createError
      }
    }
    if (info.policy.readKey === readKey) return
    const current = keyring.keyVersions(serverId, streamId, info).at(-1)!
    if (current.epoch === null) throw new StreamMismatchError(streamId)
    if (current.epoch > epoch) return // this device is behind; it catches up first
    const signer = keyring.streamKeys(serverId, streamId, current.epoch)!.admin
    if (toBase64Url(signer.publicKey) !== info.policy.adminKey)
      throw new StreamMismatchError(streamId)
    const keyVersion = info.keyVersion + 1
    const postKey = toBase64Url(want.post.publicKey)
    const adminKey = toBase64Url(want.admin.publicKey)
    const signature = signPayloadB64(
      streamRotatePayload({ id: streamId, keyVersion, postKey, readKey, adminKey }),
      signer.privateKey,
    )
    try {
      keyring.rememberStreamInfo(
        await session.client.rotateStreamKeys(streamId, {
          keyVersion,
          postKey,
          readKey,
          adminKey,
          signature,
        }),
      )
      return
    } catch (error) {
      // Another member moved it first (the backend then checks the signature against the
      // newer admin key, or reports the version taken): read it again.
      if (!(
        error instanceof ApiError && ['version_conflict', 'invalid_signature'].includes(error.code)
      ))
        throw error
    }
  }
  throw new Error(`the keys of stream ${streamId} kept changing`)
}
