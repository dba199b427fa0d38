// Creating a server's streams and rotating their keys, signed by the stream admin key derived
// from the admin secret (docs/KEYS.md section 3).
import { toBase64Url } from '../../shared/encoding'
import {
  streamCreatePayload,
  streamRotatePayload,
  type StreamInfo,
  type StreamPolicy,
} from '../../shared/protocol'
import { signPayloadB64 } from '../crypto'
import type { StoreClient } from '../net/http-client'
import { ApiError } from '../net/errors'
import { streamAdminKeys, type StreamKeySet } from '../server-keys'

/** Fourteen days: the longest burn any channel may choose. */
export const MAX_STREAM_BURN_SECONDS = 14 * 24 * 3600

export async function createServerStream(
  client: StoreClient,
  streamId: string,
  keys: StreamKeySet,
  adminSecret: Uint8Array,
  permanent: boolean,
): Promise<StreamInfo> {
  const admin = streamAdminKeys(adminSecret, streamId)
  const policy: StreamPolicy = {
    postKey: toBase64Url(keys.post.publicKey),
    readKey: toBase64Url(keys.read.publicKey),
    adminKey: toBase64Url(admin.publicKey),
    permanent,
    maxBurnSeconds: MAX_STREAM_BURN_SECONDS,
  }
  const signature = signPayloadB64(streamCreatePayload({ id: streamId, policy }), admin.privateKey)
  return client.createStream({ id: streamId, policy, signature })
}

/**
 * Moves a stream to `next` keys and the admin key of `nextAdminSecret`, signed by the admin key
 * the stream names now (`secretFor` finds the admin secret it derives from; `readInfo` reads
 * the stream's current info, with a proof of a read key). Already at `next` (another admin got
 * there first): nothing to do.
 */
export async function rotateServerStream(
  client: StoreClient,
  streamId: string,
  next: StreamKeySet,
  secretFor: (adminKey: string) => Uint8Array,
  nextAdminSecret: Uint8Array,
  readInfo: () => Promise<StreamInfo>,
): Promise<StreamInfo> {
  const readKey = toBase64Url(next.read.publicKey)
  const postKey = toBase64Url(next.post.publicKey)
  const adminKey = toBase64Url(streamAdminKeys(nextAdminSecret, streamId).publicKey)
  for (let attempt = 0; attempt < 3; attempt++) {
    const info = await readInfo()
    if (info.policy.readKey === readKey) return info
    const signer = streamAdminKeys(secretFor(info.policy.adminKey), streamId)
    const keyVersion = info.keyVersion + 1
    const signature = signPayloadB64(
      streamRotatePayload({ id: streamId, keyVersion, postKey, readKey, adminKey }),
      signer.privateKey,
    )
    try {
      return await client.rotateStreamKeys(streamId, {
        keyVersion,
        postKey,
        readKey,
        adminKey,
        signature,
      })
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'version_conflict')) throw error
    }
  }
  throw new Error(`the keys of stream ${streamId} kept changing during a rotation`)
}
