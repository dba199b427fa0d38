// The read-proof rule shared by fetch and subscribe. A proof signs (stream, accountId,
// keyVersion, at) with a read key of the stream; a rotated-out key reads only up to the head
// seq at its rotation, so a member offline across a rotation can still catch up to it.
import { LIMITS, readPayload, type ReadProof } from '../shared/protocol'
import { ApiError, badSignature } from './errors'
import type { StreamRecord } from './store/types'
import { verifySignature } from './verify'

export interface ReadAccess {
  readonly keyVersion: number
  /** The last seq this proof may read; null: everything (the current key). */
  readonly untilSeq: number | null
}

export function checkReadProof(
  stream: StreamRecord,
  accountId: string,
  proof: ReadProof,
  now: number,
): ReadAccess {
  // 1. Fresh: a captured proof is useless after a few minutes.
  if (Math.abs(now - proof.at) > LIMITS.readProofSkewMs)
    throw new ApiError('expired', 'the read proof is too old or too far in the future')
  // 2. The read key of the named key version: the current one or a rotated-out one.
  const previous = stream.previousKeys.find((k) => k.keyVersion === proof.keyVersion)
  const access =
    proof.keyVersion === stream.keyVersion
      ? { keyVersion: proof.keyVersion, readKey: stream.policy.readKey, untilSeq: null }
      : previous
        ? { keyVersion: proof.keyVersion, readKey: previous.readKey, untilSeq: previous.untilSeq }
        : null
  if (access === null) throw badSignature(`stream has no read key version ${proof.keyVersion}`)
  // 3. Signed by that key, for this stream and this session's account.
  const payload = readPayload({
    stream: stream.id,
    accountId,
    keyVersion: proof.keyVersion,
    at: proof.at,
  })
  if (!verifySignature(access.readKey, payload, proof.signature)) throw badSignature('read proof')
  return { keyVersion: access.keyVersion, untilSeq: access.untilSeq }
}

/**
 * The access a proof has now, given the stream as read again after reading shards: if the key
 * rotated meanwhile, the current-key proof became a previous-key proof with a cap. Re-reading
 * after the shards makes the cap exact, since rotation fixes untilSeq atomically with posts.
 */
export function accessAfter(access: ReadAccess, fresh: StreamRecord | null): ReadAccess {
  if (access.untilSeq !== null || fresh === null || fresh.keyVersion === access.keyVersion)
    return access
  const rotatedOut = fresh.previousKeys.find((k) => k.keyVersion === access.keyVersion)
  return { keyVersion: access.keyVersion, untilSeq: rotatedOut?.untilSeq ?? 0 }
}
