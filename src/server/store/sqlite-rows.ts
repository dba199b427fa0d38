// Row shapes of the SQLite schema and their mapping to the store's records. Column lists live
// here too, so every statement selects the same columns the mappers read.
import type {
  AccountRecord,
  ChallengeRecord,
  EnclaveRecord,
  PreviousReadKey,
  SessionRecord,
  ShardRecord,
  StreamRecord,
} from './types'
import type { EnclaveKind } from '../../shared/protocol'

export interface AccountRow {
  id: string
  handle: string
  login_public_key: string
  salt: string
  kdf_alg: string
  kdf_ops_limit: number
  kdf_mem_limit: number
  created_at: number
}
export const ACCOUNT_COLUMNS =
  'id, handle, login_public_key, salt, kdf_alg, kdf_ops_limit, kdf_mem_limit, created_at'

export function toAccount(row: AccountRow): AccountRecord {
  return {
    id: row.id,
    handle: row.handle,
    loginPublicKey: row.login_public_key,
    salt: row.salt,
    kdf: {
      alg: row.kdf_alg as AccountRecord['kdf']['alg'],
      opsLimit: row.kdf_ops_limit,
      memLimit: row.kdf_mem_limit,
    },
    createdAt: row.created_at,
  }
}

export function accountParams(account: AccountRecord) {
  return {
    id: account.id,
    handle: account.handle,
    login_public_key: account.loginPublicKey,
    salt: account.salt,
    kdf_alg: account.kdf.alg,
    kdf_ops_limit: account.kdf.opsLimit,
    kdf_mem_limit: account.kdf.memLimit,
    created_at: account.createdAt,
  }
}

export interface EnclaveRow {
  id: string
  kind: string
  version: number
  owner_key: string
  body: string
  signature: string
  expires_at: number | null
  updated_at: number
  created_by: string | null
}
export const ENCLAVE_COLUMNS =
  'id, kind, version, owner_key, body, signature, expires_at, updated_at, created_by'

export function toEnclave(row: EnclaveRow): EnclaveRecord {
  return {
    id: row.id,
    kind: row.kind as EnclaveKind,
    version: row.version,
    ownerKey: row.owner_key,
    body: row.body,
    signature: row.signature,
    expiresAt: row.expires_at,
    updatedAt: row.updated_at,
    createdBy: row.created_by,
  }
}

export function enclaveParams(enclave: EnclaveRecord) {
  return {
    id: enclave.id,
    kind: enclave.kind,
    version: enclave.version,
    owner_key: enclave.ownerKey,
    body: enclave.body,
    signature: enclave.signature,
    expires_at: enclave.expiresAt,
    updated_at: enclave.updatedAt,
    created_by: enclave.createdBy,
  }
}

export interface SessionRow {
  token_hash: string
  account_id: string
  expires_at: number
}
export const SESSION_COLUMNS = 'token_hash, account_id, expires_at'

export function toSession(row: SessionRow): SessionRecord {
  return { tokenHash: row.token_hash, accountId: row.account_id, expiresAt: row.expires_at }
}

export interface ChallengeRow {
  id: string
  handle: string
  nonce: string
  expires_at: number
}
export const CHALLENGE_COLUMNS = 'id, handle, nonce, expires_at'

export function toChallenge(row: ChallengeRow): ChallengeRecord {
  return { id: row.id, handle: row.handle, nonce: row.nonce, expiresAt: row.expires_at }
}

export interface StreamRow {
  id: string
  post_key: string | null
  read_key: string
  admin_key: string
  permanent: number
  max_burn_seconds: number
  key_version: number
  head_seq: number
  created_by: string
  created_at: number
}
export const STREAM_COLUMNS =
  'id, post_key, read_key, admin_key, permanent, max_burn_seconds, key_version, head_seq, created_by, created_at'

export interface KeyHistoryRow {
  key_version: number
  read_key: string
  until_seq: number
}

export function toStream(row: StreamRow, history: readonly KeyHistoryRow[]): StreamRecord {
  return {
    id: row.id,
    policy: {
      postKey: row.post_key,
      readKey: row.read_key,
      adminKey: row.admin_key,
      permanent: row.permanent === 1,
      maxBurnSeconds: row.max_burn_seconds,
    },
    keyVersion: row.key_version,
    headSeq: row.head_seq,
    previousKeys: history.map((entry): PreviousReadKey => ({
      keyVersion: entry.key_version,
      readKey: entry.read_key,
      untilSeq: entry.until_seq,
    })),
    createdBy: row.created_by,
    createdAt: row.created_at,
  }
}

export interface ShardRow {
  id: string
  stream_id: string
  seq: number
  body: string
  burn_at: number | null
  received_at: number
  signature: string | null
}
export const SHARD_COLUMNS = 'id, stream_id, seq, body, burn_at, received_at, signature'

export function toShard(row: ShardRow): ShardRecord {
  return {
    id: row.id,
    stream: row.stream_id,
    seq: row.seq,
    body: row.body,
    burnAt: row.burn_at,
    receivedAt: row.received_at,
    signature: row.signature,
  }
}
