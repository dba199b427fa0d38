// The storage contract of the blind store. SQLite (embedded default) and PostgreSQL implement
// it; the same contract test suite runs against each. Methods are async so that a networked
// store fits; every method that writes is atomic.
import type { KdfParams, StreamPolicy } from '../../shared/protocol'
import type { EnclaveKind } from '../../shared/protocol'

export interface AccountRecord {
  readonly id: string
  readonly handle: string
  readonly loginPublicKey: string
  readonly salt: string
  readonly kdf: KdfParams
  readonly createdAt: number
}

export interface EnclaveRecord {
  readonly id: string
  readonly kind: EnclaveKind
  readonly version: number
  readonly ownerKey: string
  readonly body: string
  readonly signature: string
  readonly expiresAt: number | null
  readonly updatedAt: number
  /** The account whose session created it; deleted with that account (vaults, identities). */
  readonly createdBy: string | null
}

export interface SessionRecord {
  readonly tokenHash: string
  readonly accountId: string
  readonly expiresAt: number
}

export interface ChallengeRecord {
  readonly id: string
  readonly handle: string
  readonly nonce: string
  readonly expiresAt: number
}

export interface PreviousReadKey {
  readonly keyVersion: number
  readonly readKey: string
  /** The head seq when this key was rotated out: the last shard it may read. */
  readonly untilSeq: number
}

export interface StreamRecord {
  readonly id: string
  readonly policy: StreamPolicy
  readonly keyVersion: number
  readonly headSeq: number
  /** Oldest first. */
  readonly previousKeys: readonly PreviousReadKey[]
  readonly createdBy: string
  readonly createdAt: number
}

export interface ShardRecord {
  readonly id: string
  readonly stream: string
  readonly seq: number
  readonly body: string
  readonly burnAt: number | null
  readonly receivedAt: number
  readonly signature: string | null
}

export type NewShard = Omit<ShardRecord, 'seq' | 'receivedAt'>

export type PostResult =
  | { readonly status: 'stored'; readonly shard: ShardRecord }
  /** The same id was posted before: the first result, unchanged. */
  | { readonly status: 'duplicate'; readonly shard: ShardRecord }
  /** The same id was posted before with other content. */
  | { readonly status: 'id_conflict' }
  | { readonly status: 'no_stream' }

export type CasResult<T> =
  | { readonly status: 'ok'; readonly value: T }
  | { readonly status: 'not_found' }
  | { readonly status: 'version_conflict'; readonly currentVersion: number }

export interface Store {
  // accounts and sessions
  createAccount(account: AccountRecord, vault: EnclaveRecord): Promise<'ok' | 'handle_taken'>
  getAccountByHandle(handle: string): Promise<AccountRecord | null>
  getAccount(id: string): Promise<AccountRecord | null>
  /**
   * Atomically replaces the login key, salt and KDF parameters and writes the vault at
   * `vault.version`, which must be the stored version + 1.
   */
  changePassword(
    accountId: string,
    login: Pick<AccountRecord, 'loginPublicKey' | 'salt' | 'kdf'>,
    vault: EnclaveRecord,
  ): Promise<CasResult<EnclaveRecord>>
  /**
   * Deletes the account, its sessions and what only it owns: its vault and the identity
   * enclaves it created. Streams and invites stay: they belong to the holders of their keys.
   */
  deleteAccount(accountId: string): Promise<void>

  putChallenge(challenge: ChallengeRecord): Promise<void>
  /** Returns and deletes the challenge: a challenge is answered at most once. */
  takeChallenge(id: string): Promise<ChallengeRecord | null>

  putSession(session: SessionRecord): Promise<void>
  getSession(tokenHash: string): Promise<SessionRecord | null>
  deleteSession(tokenHash: string): Promise<void>
  deleteSessionsOf(accountId: string, exceptTokenHash?: string): Promise<void>
  /**
   * Keeps the account's `keep` newest sessions (those expiring last) and deletes the others;
   * answers the token hashes deleted.
   */
  trimSessionsOf(accountId: string, keep: number): Promise<string[]>

  // enclaves
  createEnclave(enclave: EnclaveRecord): Promise<'ok' | 'exists'>
  getEnclave(id: string): Promise<EnclaveRecord | null>
  /** Compare-and-swap: `next.version` must be the stored version + 1. */
  updateEnclave(next: EnclaveRecord): Promise<CasResult<EnclaveRecord>>
  /** Deletes only if the stored version is `version`. */
  deleteEnclave(id: string, version: number): Promise<CasResult<null>>

  // streams and shards
  createStream(
    stream: Omit<StreamRecord, 'headSeq' | 'previousKeys' | 'keyVersion'>,
  ): Promise<'ok' | 'exists'>
  getStream(id: string): Promise<StreamRecord | null>
  /**
   * Compare-and-swap on keyVersion: `keyVersion` must be the stored one + 1. The old read key
   * joins previousKeys with untilSeq = the head seq at this moment, atomically with the posts;
   * of the previous keys only the newest `keepPreviousKeys` stay (all when not given).
   */
  rotateStreamKeys(
    id: string,
    keyVersion: number,
    keys: Pick<StreamPolicy, 'postKey' | 'readKey' | 'adminKey'>,
    keepPreviousKeys?: number,
  ): Promise<CasResult<StreamRecord>>
  /** Assigns the next seq and stores durably before resolving. Idempotent on shard id. */
  postShard(shard: NewShard, receivedAt: number): Promise<PostResult>
  /** Shards with seq > after whose burnAt is null or > now, in seq order, at most `limit`. */
  fetchShards(stream: string, after: number, limit: number, now: number): Promise<ShardRecord[]>

  // burn and expiry
  /** Physically deletes shards with burnAt <= now, expired enclaves, challenges and sessions. */
  sweep(now: number): Promise<{ shards: number; enclaves: number }>
  /** The soonest burnAt or expiresAt still stored, for the sweeper's single timer. */
  nextExpiry(): Promise<number | null>

  /** A named server secret, created once with `create()` and stable across restarts. */
  ensureSecret(name: string, create: () => string): Promise<string>

  close(): Promise<void>
}
