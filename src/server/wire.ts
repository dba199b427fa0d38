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
