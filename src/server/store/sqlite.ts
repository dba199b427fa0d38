// The embedded blind store: one SQLite file through better-sqlite3.
//
// Storage: ids, keys, bodies and signatures are kept as the base64url TEXT they arrive in;
// times are integer milliseconds. Durability: WAL with synchronous=FULL, so a resolved write
// survives power loss; shard posts share one transaction per event-loop turn (group commit) to
// pay one fsync for many posts. Burn: secure_delete zeroes deleted rows, and a sweep that
// deleted anything truncates the WAL, so burned bytes leave both files.
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { GroupCommitQueue, type ItemOutcome } from './group-commit'
import { migrate } from '../../shared/sqlite-migrations'
import { MIGRATIONS } from './sqlite-migrations'
import {
  ACCOUNT_COLUMNS,
  CHALLENGE_COLUMNS,
  ENCLAVE_COLUMNS,
  SESSION_COLUMNS,
  SHARD_COLUMNS,
  STREAM_COLUMNS,
  accountParams,
  enclaveParams,
  toAccount,
  toChallenge,
  toEnclave,
  toSession,
  toShard,
  toStream,
  type AccountRow,
  type ChallengeRow,
  type EnclaveRow,
  type KeyHistoryRow,
  type SessionRow,
  type ShardRow,
  type StreamRow,
} from './sqlite-rows'
import type {
  CasResult,
  EnclaveRecord,
  NewShard,
  PostResult,
  ShardRecord,
  Store,
  StreamRecord,
} from './types'

export interface SqliteStoreOptions {
  /** The database file; its parent folders are created. */
  readonly path: string
  /** How long a write waits for another connection's lock before failing. Default 5 s. */
  readonly busyTimeoutMs?: number
}

interface QueuedPost {
  readonly shard: NewShard
  readonly receivedAt: number
}

export function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  return settled(() => createSqliteStore(openSqliteDatabase(options)))
}

/**
 * Runs synchronous SQLite work behind the Store's async contract: a throw becomes a rejection
 * (callers chain `.catch`), never a synchronous throw.
 */
function settled<T>(work: () => T): Promise<T> {
  return new Promise<T>((resolve) => resolve(work()))
}

/** Opens the file with the store's pragmas and schema; the store's own connection comes from here. */
export function openSqliteDatabase(options: SqliteStoreOptions): Database.Database {
  fs.mkdirSync(path.dirname(path.resolve(options.path)), { recursive: true })
  const db = new Database(options.path)
  try {
    applyPragmas(db, options.busyTimeoutMs ?? 5000)
    migrate(db, MIGRATIONS)
  } catch (error) {
    db.close()
    throw new Error(`cannot open the store at ${options.path}`, { cause: error })
  }
  return db
}

function applyPragmas(db: Database.Database, busyTimeoutMs: number): void {
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`)
  const journalMode = db.pragma('journal_mode = WAL', { simple: true })
  if (journalMode !== 'wal') throw new Error(`journal_mode is ${String(journalMode)}, not wal`)
  // FULL: in WAL mode NORMAL may lose the last commits on power loss, and a post is
  // acknowledged to its sender only once it is durable.
  db.pragma('synchronous = FULL')
  db.pragma('secure_delete = ON')
  db.pragma('foreign_keys = ON')
}

function createSqliteStore(db: Database.Database): Store {
  const sql = prepareStatements(db)
  let closed = false

  const readStream = (id: string): StreamRecord | null => {
    const row = sql.selectStream.get(id)
    return row ? toStream(row, sql.selectKeyHistory.all(id)) : null
  }

  // 1. Same id seen before: the first result if the content matches, else a conflict.
  // 2. Unknown stream: nothing written.
  // 3. Take the next seq and store the shard, in the batch's transaction.
  const postOne = (post: QueuedPost): PostResult => {
    const { shard, receivedAt } = post
    const existing = sql.selectShardById.get(shard.id)
    if (existing) {
      return sameContent(existing, shard)
        ? { status: 'duplicate', shard: toShard(existing) }
        : { status: 'id_conflict' }
    }
    const head = sql.advanceHead.get(shard.stream)
    if (!head) return { status: 'no_stream' }
    const stored: ShardRecord = {
      id: shard.id,
      stream: shard.stream,
      seq: head.head_seq,
      body: shard.body,
      burnAt: shard.burnAt,
      receivedAt,
      signature: shard.signature,
    }
    sql.insertShard.run({
      id: stored.id,
      stream_id: stored.stream,
      seq: stored.seq,
      body: stored.body,
      burn_at: stored.burnAt,
      received_at: stored.receivedAt,
      signature: stored.signature,
    })
    return { status: 'stored', shard: stored }
  }
  // Called inside the batch transaction, this runs in a savepoint: a failing post is undone
  // alone and the rest of the batch still commits.
  const postInSavepoint = db.transaction(postOne)
  const writeEachInSavepoint = db.transaction((posts: readonly QueuedPost[]) =>
    posts.map((post): ItemOutcome<PostResult> => {
      try {
        return { ok: true, value: postInSavepoint(post) }
      } catch (error) {
        // Some errors (disk full, I/O) make SQLite roll back the whole transaction; then the
        // batch cannot commit and every post in it fails.
        if (!db.inTransaction) throw error
        return { ok: false, error }
      }
    }),
  )
  // Savepoints double the cost of a post, and a post that throws is not expected (duplicates
  // and conflicts are answers, not errors). So the batch is first written without them; if any
  // post throws, that transaction rolls back whole and the batch is written again, one
  // savepoint per post, so that only the failing post fails.
  const writeAll = db.transaction((posts: readonly QueuedPost[]) =>
    posts.map((post): ItemOutcome<PostResult> => ({ ok: true, value: postOne(post) })),
  )
  const posts = new GroupCommitQueue<QueuedPost, PostResult>((batch) => {
    try {
      return writeAll.immediate(batch)
    } catch {
      return writeEachInSavepoint.immediate(batch)
    }
  })

  const createAccount = db.transaction(
    (account: Parameters<Store['createAccount']>[0], vault: EnclaveRecord) => {
      if (sql.selectAccountByHandle.get(account.handle) || sql.selectEnclave.get(vault.id)) {
        return 'handle_taken' as const
      }
      sql.insertAccount.run(accountParams(account))
      sql.insertEnclave.run(enclaveParams(vault))
      return 'ok' as const
    },
  )

  const casWriteEnclave = (next: EnclaveRecord): CasResult<EnclaveRecord> => {
    const current = sql.selectEnclave.get(next.id)
    if (!current) return { status: 'not_found' }
    if (next.version !== current.version + 1) {
      return { status: 'version_conflict', currentVersion: current.version }
    }
    // kind and created_by are fixed at creation.
    sql.updateEnclave.run(enclaveParams(next))
    return { status: 'ok', value: toEnclave(sql.selectEnclave.get(next.id) as EnclaveRow) }
  }

  const changePassword = db.transaction(
    (
      accountId: string,
      login: Parameters<Store['changePassword']>[1],
      vault: EnclaveRecord,
    ): CasResult<EnclaveRecord> => {
      const current = sql.selectEnclave.get(vault.id)
      const isOwnVault = current?.kind === 'vault' && current.created_by === accountId
      if (!sql.selectAccount.get(accountId) || !isOwnVault) return { status: 'not_found' }
      const written = casWriteEnclave(vault)
      if (written.status !== 'ok') return written
      sql.updateLogin.run({
        id: accountId,
        login_public_key: login.loginPublicKey,
        salt: login.salt,
        kdf_alg: login.kdf.alg,
        kdf_ops_limit: login.kdf.opsLimit,
        kdf_mem_limit: login.kdf.memLimit,
      })
      return written
    },
  )

  const deleteAccount = db.transaction((accountId: string) => {
    const account = sql.selectAccount.get(accountId)
    if (!account) return
    sql.deleteSessionsOf.run(accountId, null)
    sql.deleteChallengesOfHandle.run(account.handle)
    sql.deleteOwnEnclaves.run(accountId)
    // Invites it created stay; the foreign key clears their created_by.
    sql.deleteAccount.run(accountId)
  })

  const updateEnclave = db.transaction(casWriteEnclave)

  const deleteEnclave = db.transaction((id: string, version: number): CasResult<null> => {
    const current = sql.selectEnclave.get(id)
    if (!current) return { status: 'not_found' }
    if (current.version !== version) {
      return { status: 'version_conflict', currentVersion: current.version }
    }
    sql.deleteEnclave.run(id)
    return { status: 'ok', value: null }
  })

  // 1. CAS on keyVersion. 2. The outgoing read key joins the history, readable up to the head
  // seq now. 3. The new keys replace the current ones. All in one transaction.
  const rotateStreamKeys = db.transaction(
    (
      id: string,
      keyVersion: number,
      keys: Parameters<Store['rotateStreamKeys']>[2],
      keepPreviousKeys: number,
    ): CasResult<StreamRecord> => {
      const current = sql.selectStream.get(id)
      if (!current) return { status: 'not_found' }
      if (keyVersion !== current.key_version + 1) {
        return { status: 'version_conflict', currentVersion: current.key_version }
      }
      sql.insertKeyHistory.run({
        stream_id: id,
        key_version: current.key_version,
        read_key: current.read_key,
        until_seq: current.head_seq,
      })
      // Versions are consecutive: the newest `keepPreviousKeys` end at the one just added.
      if (Number.isFinite(keepPreviousKeys))
        sql.deleteKeyHistoryUpTo.run(id, current.key_version - keepPreviousKeys)
      sql.updateStreamKeys.run({
        id,
        key_version: keyVersion,
        post_key: keys.postKey,
        read_key: keys.readKey,
        admin_key: keys.adminKey,
      })
      return { status: 'ok', value: readStream(id) as StreamRecord }
    },
  )

  const takeChallenge = db.transaction((id: string) => {
    const row = sql.selectChallenge.get(id)
    if (!row) return null
    sql.deleteChallenge.run(id)
    return toChallenge(row)
  })

  const sweep = db.transaction((now: number) => {
    const shards = sql.deleteBurnedShards.run(now).changes
    const enclaves = sql.deleteExpiredEnclaves.run(now).changes
    const others =
      sql.deleteExpiredChallenges.run(now).changes + sql.deleteExpiredSessions.run(now).changes
    return { shards, enclaves, deletedAnything: shards + enclaves + others > 0 }
  })

  const ensureSecret = db.transaction((name: string, create: () => string) => {
    const existing = sql.selectSecret.get(name)
    if (existing) return existing.value
    const value = create()
    sql.insertSecret.run(name, value)
    return value
  })

  const store: Store = {
    createAccount(account, vault) {
      return settled(() => {
        if (vault.kind !== 'vault' || vault.createdBy !== account.id) {
          throw new Error('an account is created with its own vault (kind vault, createdBy = id)')
        }
        return createAccount.immediate(account, vault)
      })
    },
    getAccountByHandle(handle) {
      return settled(() => {
        const row = sql.selectAccountByHandle.get(handle)
        return row ? toAccount(row) : null
      })
    },
    getAccount(id) {
      return settled(() => {
        const row = sql.selectAccount.get(id)
        return row ? toAccount(row) : null
      })
    },
    changePassword(accountId, login, vault) {
      return settled(() => changePassword.immediate(accountId, login, vault))
    },
    deleteAccount(accountId) {
      return settled(() => {
        deleteAccount.immediate(accountId)
      })
    },

    putChallenge(challenge) {
      return settled(() => {
        sql.insertChallenge.run({
          id: challenge.id,
          handle: challenge.handle,
          nonce: challenge.nonce,
          expires_at: challenge.expiresAt,
        })
      })
    },
    takeChallenge(id) {
      return settled(() => takeChallenge.immediate(id))
    },

    putSession(session) {
      return settled(() => {
        sql.insertSession.run({
          token_hash: session.tokenHash,
          account_id: session.accountId,
          expires_at: session.expiresAt,
        })
      })
    },
    getSession(tokenHash) {
      return settled(() => {
        const row = sql.selectSession.get(tokenHash)
        return row ? toSession(row) : null
      })
    },
    deleteSession(tokenHash) {
      return settled(() => {
        sql.deleteSession.run(tokenHash)
      })
    },
    deleteSessionsOf(accountId, exceptTokenHash) {
      return settled(() => {
        sql.deleteSessionsOf.run(accountId, exceptTokenHash ?? null)
      })
    },
    trimSessionsOf(accountId, keep) {
      return settled(() =>
        sql.deleteOldSessionsOf.all(accountId, keep).map((row) => row.token_hash),
      )
    },

    createEnclave(enclave) {
      return settled(() =>
        sql.insertEnclaveIfNew.run(enclaveParams(enclave)).changes === 1 ? 'ok' : 'exists',
      )
    },
    getEnclave(id) {
      return settled(() => {
        const row = sql.selectEnclave.get(id)
        return row ? toEnclave(row) : null
      })
    },
    updateEnclave(next) {
      return settled(() => updateEnclave.immediate(next))
    },
    deleteEnclave(id, version) {
      return settled(() => deleteEnclave.immediate(id, version))
    },

    createStream(stream) {
      return settled(() => {
        const inserted = sql.insertStreamIfNew.run({
          id: stream.id,
          post_key: stream.policy.postKey,
          read_key: stream.policy.readKey,
          admin_key: stream.policy.adminKey,
          permanent: stream.policy.permanent ? 1 : 0,
          max_burn_seconds: stream.policy.maxBurnSeconds,
          created_by: stream.createdBy,
          created_at: stream.createdAt,
        })
        return inserted.changes === 1 ? 'ok' : 'exists'
      })
    },
    getStream(id) {
      return settled(() => readStream(id))
    },
    rotateStreamKeys(id, keyVersion, keys, keepPreviousKeys = Infinity) {
      return settled(() => {
        // Posts accepted before the rotation get their seqs first, so untilSeq covers them.
        posts.flush()
        return rotateStreamKeys.immediate(id, keyVersion, keys, keepPreviousKeys)
      })
    },
    postShard(shard, receivedAt) {
      if (closed) return Promise.reject(new Error('the store is closed'))
      return posts.enqueue({ shard, receivedAt })
    },
    fetchShards(stream, after, limit, now) {
      return settled(() => {
        if (!Number.isInteger(limit) || limit < 0) {
          throw new RangeError(`fetch limit must be a non-negative integer, got ${limit}`)
        }
        if (limit === 0) return []
        return sql.selectShardsAfter.all({ stream_id: stream, after, now, limit }).map(toShard)
      })
    },

    sweep(now) {
      return settled(() => {
        posts.flush()
        const result = sweep.immediate(now)
        if (result.deletedAnything) db.pragma('wal_checkpoint(TRUNCATE)')
        return { shards: result.shards, enclaves: result.enclaves }
      })
    },
    nextExpiry() {
      return settled(() => sql.selectNextExpiry.get()?.soonest ?? null)
    },

    ensureSecret(name, create) {
      return settled(() => ensureSecret.immediate(name, create))
    },

    close() {
      return settled(() => {
        if (closed) return
        closed = true
        posts.flush()
        db.close()
      })
    },
  }
  return store
}

function sameContent(row: ShardRow, shard: NewShard): boolean {
  return (
    row.stream_id === shard.stream &&
    row.body === shard.body &&
    row.burn_at === shard.burnAt &&
    row.signature === shard.signature
  )
}

function prepareStatements(db: Database.Database) {
  return {
    selectAccount: db.prepare<[string], AccountRow>(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = ?`,
    ),
    selectAccountByHandle: db.prepare<[string], AccountRow>(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE handle = ?`,
    ),
    insertAccount: db.prepare<[ReturnType<typeof accountParams>]>(
      `INSERT INTO accounts (${ACCOUNT_COLUMNS}) VALUES (@id, @handle, @login_public_key, @salt,
        @kdf_alg, @kdf_ops_limit, @kdf_mem_limit, @created_at)`,
    ),
    updateLogin: db.prepare<[Omit<ReturnType<typeof accountParams>, 'handle' | 'created_at'>]>(
      `UPDATE accounts SET login_public_key = @login_public_key, salt = @salt, kdf_alg = @kdf_alg,
        kdf_ops_limit = @kdf_ops_limit, kdf_mem_limit = @kdf_mem_limit WHERE id = @id`,
    ),
    deleteAccount: db.prepare<[string]>('DELETE FROM accounts WHERE id = ?'),

    selectSession: db.prepare<[string], SessionRow>(
      `SELECT ${SESSION_COLUMNS} FROM sessions WHERE token_hash = ?`,
    ),
    insertSession: db.prepare<[SessionRow]>(
      `INSERT INTO sessions (${SESSION_COLUMNS}) VALUES (@token_hash, @account_id, @expires_at)`,
    ),
    deleteSession: db.prepare<[string]>('DELETE FROM sessions WHERE token_hash = ?'),
    // `IS NOT NULL` keeps nothing back when no exception is given.
    deleteSessionsOf: db.prepare<[string, string | null]>(
      'DELETE FROM sessions WHERE account_id = ? AND token_hash IS NOT ?',
    ),
    deleteExpiredSessions: db.prepare<[number]>('DELETE FROM sessions WHERE expires_at <= ?'),
    deleteOldSessionsOf: db.prepare<[string, number], { token_hash: string }>(
      `DELETE FROM sessions WHERE token_hash IN (
        SELECT token_hash FROM sessions WHERE account_id = ?
          ORDER BY expires_at DESC, token_hash LIMIT -1 OFFSET ?)
        RETURNING token_hash`,
    ),

    selectChallenge: db.prepare<[string], ChallengeRow>(
      `SELECT ${CHALLENGE_COLUMNS} FROM challenges WHERE id = ?`,
    ),
    insertChallenge: db.prepare<[ChallengeRow]>(
      `INSERT INTO challenges (${CHALLENGE_COLUMNS}) VALUES (@id, @handle, @nonce, @expires_at)`,
    ),
    deleteChallenge: db.prepare<[string]>('DELETE FROM challenges WHERE id = ?'),
    deleteChallengesOfHandle: db.prepare<[string]>('DELETE FROM challenges WHERE handle = ?'),
    deleteExpiredChallenges: db.prepare<[number]>('DELETE FROM challenges WHERE expires_at <= ?'),

    selectEnclave: db.prepare<[string], EnclaveRow>(
      `SELECT ${ENCLAVE_COLUMNS} FROM enclaves WHERE id = ?`,
    ),
    insertEnclave: db.prepare<[EnclaveRow]>(
      `INSERT INTO enclaves (${ENCLAVE_COLUMNS}) VALUES (@id, @kind, @version, @owner_key, @body,
        @signature, @expires_at, @updated_at, @created_by)`,
    ),
    insertEnclaveIfNew: db.prepare<[EnclaveRow]>(
      `INSERT INTO enclaves (${ENCLAVE_COLUMNS}) VALUES (@id, @kind, @version, @owner_key, @body,
        @signature, @expires_at, @updated_at, @created_by) ON CONFLICT (id) DO NOTHING`,
    ),
    updateEnclave: db.prepare<[EnclaveRow]>(
      `UPDATE enclaves SET version = @version, owner_key = @owner_key, body = @body,
        signature = @signature, expires_at = @expires_at, updated_at = @updated_at
        WHERE id = @id`,
    ),
    deleteEnclave: db.prepare<[string]>('DELETE FROM enclaves WHERE id = ?'),
    deleteOwnEnclaves: db.prepare<[string]>(
      `DELETE FROM enclaves WHERE created_by = ? AND kind IN ('vault', 'identity')`,
    ),
    deleteExpiredEnclaves: db.prepare<[number]>(
      'DELETE FROM enclaves WHERE expires_at IS NOT NULL AND expires_at <= ?',
    ),

    selectStream: db.prepare<[string], StreamRow>(
      `SELECT ${STREAM_COLUMNS} FROM streams WHERE id = ?`,
    ),
    selectKeyHistory: db.prepare<[string], KeyHistoryRow>(
      `SELECT key_version, read_key, until_seq FROM stream_key_history
        WHERE stream_id = ? ORDER BY key_version`,
    ),
    insertStreamIfNew: db.prepare<[Omit<StreamRow, 'key_version' | 'head_seq'>]>(
      `INSERT INTO streams (id, post_key, read_key, admin_key, permanent, max_burn_seconds,
        created_by, created_at) VALUES (@id, @post_key, @read_key, @admin_key, @permanent,
        @max_burn_seconds, @created_by, @created_at) ON CONFLICT (id) DO NOTHING`,
    ),
    updateStreamKeys: db.prepare<
      [Pick<StreamRow, 'id' | 'key_version' | 'post_key' | 'read_key' | 'admin_key'>]
    >(
      `UPDATE streams SET key_version = @key_version, post_key = @post_key,
        read_key = @read_key, admin_key = @admin_key WHERE id = @id`,
    ),
    deleteKeyHistoryUpTo: db.prepare<[string, number]>(
      'DELETE FROM stream_key_history WHERE stream_id = ? AND key_version <= ?',
    ),
    insertKeyHistory: db.prepare<[KeyHistoryRow & { stream_id: string }]>(
      `INSERT INTO stream_key_history (stream_id, key_version, read_key, until_seq)
        VALUES (@stream_id, @key_version, @read_key, @until_seq)`,
    ),
    advanceHead: db.prepare<[string], { head_seq: number }>(
      'UPDATE streams SET head_seq = head_seq + 1 WHERE id = ? RETURNING head_seq',
    ),

    selectShardById: db.prepare<[string], ShardRow>(
      `SELECT ${SHARD_COLUMNS} FROM shards WHERE id = ?`,
    ),
    insertShard: db.prepare<[ShardRow]>(
      `INSERT INTO shards (${SHARD_COLUMNS}) VALUES (@id, @stream_id, @seq, @body, @burn_at,
        @received_at, @signature)`,
    ),
    selectShardsAfter: db.prepare<
      [{ stream_id: string; after: number; now: number; limit: number }],
      ShardRow
    >(
      `SELECT ${SHARD_COLUMNS} FROM shards
        WHERE stream_id = @stream_id AND seq > @after AND (burn_at IS NULL OR burn_at > @now)
        ORDER BY seq LIMIT @limit`,
    ),
    deleteBurnedShards: db.prepare<[number]>(
      'DELETE FROM shards WHERE burn_at IS NOT NULL AND burn_at <= ?',
    ),

    selectNextExpiry: db.prepare<[], { soonest: number | null }>(
      `SELECT MIN(t) AS soonest FROM (
        SELECT MIN(burn_at) AS t FROM shards WHERE burn_at IS NOT NULL
        UNION ALL SELECT MIN(expires_at) FROM enclaves WHERE expires_at IS NOT NULL
        UNION ALL SELECT MIN(expires_at) FROM challenges
        UNION ALL SELECT MIN(expires_at) FROM sessions)`,
    ),

    selectSecret: db.prepare<[string], { value: string }>(
      'SELECT value FROM secrets WHERE name = ?',
    ),
    insertSecret: db.prepare<[string, string]>('INSERT INTO secrets (name, value) VALUES (?, ?)'),
  }
}
