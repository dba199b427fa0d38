// Store records to wire objects: exactly the protocol's fields, nothing the store keeps for
// itself (who created what) ever leaves the server.
import type { Enclave, Shard, StreamInfo } from '../shared/protocol'
import type { EnclaveRecord, ShardRecord, StreamRecord } from './store/types'

export const toEnclave = (e: EnclaveRecord): Enclave => ({
  id: e.id,
  kind: e.kind,
  version: e.version,
  ownerKey: e.ownerKey,
  body: e.body,
  signature: e.signature,
  expiresAt: e.expiresAt,
  updatedAt: e.updatedAt,
})

export const toShard = (s: ShardRecord): Shard => ({
  id: s.id,
  stream: s.stream,
  seq: s.seq,
  body: s.body,
  burnAt: s.burnAt,
  receivedAt: s.receivedAt,
  signature: s.signature,
})

/**
 * The stream as a holder of its rotated-out key version `keyVersion` may see it: the head seq
 * up to that key's untilSeq, the key history up to that key, and the version after it (the
 * one that ended it, with its read key) standing for the current one; nothing later.
 */
export function toStreamInfoUntil(s: StreamRecord, keyVersion: number): StreamInfo {
  const kept = s.previousKeys.filter((k) => k.keyVersion <= keyVersion)
  const last = kept.at(-1)
  if (!last || last.keyVersion !== keyVersion) throw new Error(`no kept key version ${keyVersion}`)
  const next = s.previousKeys.find((k) => k.keyVersion === keyVersion + 1)
  return {
    id: s.id,
    policy: { ...s.policy, readKey: next?.readKey ?? s.policy.readKey },
    keyVersion: keyVersion + 1,
    headSeq: Math.min(s.headSeq, last.untilSeq),
    previousKeys: kept.map((k) => ({
      keyVersion: k.keyVersion,
      readKey: k.readKey,
      untilSeq: k.untilSeq,
    })),
  }
}

export const toStreamInfo = (s: StreamRecord): StreamInfo => ({
  id: s.id,
  policy: { ...s.policy },
  keyVersion: s.keyVersion,
  headSeq: s.headSeq,
  previousKeys: s.previousKeys.map((k) => ({
    keyVersion: k.keyVersion,
    readKey: k.readKey,
    untilSeq: k.untilSeq,
  })),
})
