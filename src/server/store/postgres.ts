// The PostgreSQL blind store, for operators running several stateless instances on one
// database. Same records and rules as the SQLite store (the same contract suite runs against
// both). Durability: a post resolves after its transaction commits (synchronous_commit on);
// posts arriving while a batch is written share the next transaction (group commit). Burn:
// every instance sweeps; burned rows are claimed with FOR UPDATE SKIP LOCKED, so concurrent
// sweepers split the work instead of repeating it, and reads filter on burn_at regardless.
import type pg from 'pg'
import { AsyncGroupCommitQueue } from './postgres-group-commit'
import { classifyStoreError } from './postgres-errors'
import { migratePostgres } from './postgres-migrate'
import { POSTGRES_MIGRATIONS } from './postgres-migrations'
import {
  createPool,
  ensureSchema,
  inTransaction,
  type PostgresConnectionOptions,
  type Queryable,
} from './postgres-pool'
import { PostBatchRace, writePostBatch, type QueuedPost } from './postgres-post-batch'
import {
  ACCOUNT_COLUMNS,
  CHALLENGE_COLUMNS,
  ENCLAVE_COLUMNS,
  SESSION_COLUMNS,
  SHARD_COLUMNS,
  toAccount,
  toChallenge,
  toEnclave,
  toSession,
  toShard,
  type AccountRow,
  type ChallengeRow,
  type EnclaveRow,
  type KeyHistoryRow,
  type SessionRow,
  type ShardRow,
} from './sqlite-rows'
import type { CasResult, EnclaveRecord, PostResult, Store, StreamRecord } from './types'

export interface PostgresStoreOptions extends PostgresConnectionOptions {
  /**
   * The least time between two VACUUMs of the tables a sweep deleted from (default 10 s).
   * PostgreSQL only marks a deleted row dead; VACUUM removes it from the table's pages and its
   * index entries, so burned rows do not wait for autovacuum.
   */
  readonly vacuumIntervalMs?: number
}

/** See PostgresStoreOptions.vacuumIntervalMs. */
const VACUUM_INTERVAL_MS = 10_000

/** Rows deleted per sweep statement: short transactions, short row locks. */
const SWEEP_BATCH = 5000
/** A post batch that lost a race on an id with another instance runs again, at most this often. */
const POST_RETRIES = 5
const UNIQUE_VIOLATION = '23505'

export interface PostgresStore extends Store {
  /** The pool, for the live notifier and operational checks; closed with the store. */
  readonly pool: pg.Pool
}

export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  try {
    await ensureSchema(options)
  } catch (error) {
    throw classifyStoreError(error)
  }
  const pool = createPool(options)
  try {
    await migratePostgres(pool, POSTGRES_MIGRATIONS)
  } catch (error) {
    await pool.end()
    throw classifyStoreError(error)
  }
  return createPostgresStore(pool, options)
}

interface StreamRowPg {
  id: string
  post_key: string | null
  read_key: string
  admin_key: string
  permanent: boolean
  max_burn_seconds: number
  key_version: number
  head_seq: number
  created_by: string
  created_at: number
  history: KeyHistoryRow[]
}

// The stream and its key history in one statement, so both come from one snapshot.
const SELECT_STREAM = `SELECT id, post_key, read_key, admin_key, permanent, max_burn_seconds,
  key_version, head_seq, created_by, created_at,
  COALESCE((SELECT json_agg(json_build_object('key_version', h.key_version,
      'read_key', h.read_key, 'until_seq', h.until_seq) ORDER BY h.key_version)
    FROM stream_key_history h WHERE h.stream_id = s.id), '[]'::json) AS history
  FROM streams s WHERE id = $1`

function toStreamRecord(row: StreamRowPg): StreamRecord {
  return {
    id: row.id,
    policy: {
      postKey: row.post_key,
      readKey: row.read_key,
      adminKey: row.admin_key,
      permanent: row.permanent,
      maxBurnSeconds: row.max_burn_seconds,
    },
    keyVersion: row.key_version,
    headSeq: row.head_seq,
    previousKeys: row.history.map((entry) => ({
      keyVersion: entry.key_version,
      readKey: entry.read_key,
      untilSeq: entry.until_seq,
    })),
    createdBy: row.created_by,
    createdAt: row.created_at,
  }
}

const enclaveValues = (e: EnclaveRecord) => [
  e.id,
  e.kind,
  e.version,
  e.ownerKey,
  e.body,
  e.signature,
  e.expiresAt,
  e.updatedAt,
  e.createdBy,
]

function createPostgresStore(pool: pg.Pool, options: PostgresStoreOptions): PostgresStore {
  let closed = false
  const vacuumIntervalMs = options.vacuumIntervalMs ?? VACUUM_INTERVAL_MS
  /** Tables a sweep deleted from since their last VACUUM. */
  const vacuumDue = new Set<'shards' | 'enclaves'>()
  let lastVacuumAt = -Infinity

  /**
   * VACUUMs the tables sweeps deleted from, at most every vacuumIntervalMs: the deleted rows
   * leave the table's tuples and its indexes (their bytes may stay in the pages' free space
   * until reused: see docs/OPERATIONS.md). SKIP_LOCKED: if another instance is vacuuming the
   * table right now, that VACUUM does the work. A failure is reported and retried next sweep.
   */
  async function vacuumIfDue(): Promise<void> {
    if (vacuumDue.size === 0 || Date.now() - lastVacuumAt < vacuumIntervalMs) return
    const tables = [...vacuumDue]
    vacuumDue.clear()
    lastVacuumAt = Date.now()
    try {
      await pool.query(`VACUUM (SKIP_LOCKED) ${tables.join(', ')}`)
    } catch (error) {
      for (const table of tables) vacuumDue.add(table)
      options.onBackgroundError?.(error instanceof Error ? error : new Error(String(error)))
    }
  }

  /** One statement on any pooled connection; connection failures become 503s upstream. */
  async function query<R extends pg.QueryResultRow>(
    text: string,
    values: unknown[] = [],
    db: Queryable = pool,
  ): Promise<pg.QueryResult<R>> {
    try {
      return await db.query<R>(text, values)
    } catch (error) {
      throw classifyStoreError(error)
    }
  }

  const readStream = async (id: string, db: Queryable = pool): Promise<StreamRecord | null> => {
    const row = (await query<StreamRowPg>(SELECT_STREAM, [id], db)).rows[0]
    return row ? toStreamRecord(row) : null
  }

  const posts = new AsyncGroupCommitQueue<QueuedPost, PostResult>(async (batch) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await inTransaction(pool, (client) => writePostBatch(client, batch))
      } catch (error) {
        if (!(error instanceof PostBatchRace) || attempt >= POST_RETRIES) throw error
      }
    }
  })

  // Compare-and-swap in one statement: the row changes only at the expected version.
  async function casWriteEnclave(
    next: EnclaveRecord,
    db: Queryable,
  ): Promise<CasResult<EnclaveRecord>> {
    const updated = await query<EnclaveRow>(
      `UPDATE enclaves SET version = $2, owner_key = $3, body = $4, signature = $5,
        expires_at = $6, updated_at = $7 WHERE id = $1 AND version = $2 - 1
        RETURNING ${ENCLAVE_COLUMNS}`,
      [
        next.id,
        next.version,
        next.ownerKey,
        next.body,
        next.signature,
        next.expiresAt,
        next.updatedAt,
      ],
      db,
    )
    const row = updated.rows[0]
    if (row) return { status: 'ok', value: toEnclave(row) }
    const current = await query<{ version: number }>(
      'SELECT version FROM enclaves WHERE id = $1',
      [next.id],
      db,
    )
    const version = current.rows[0]?.version
    return version === undefined
      ? { status: 'not_found' }
      : { status: 'version_conflict', currentVersion: version }
  }

  const store: PostgresStore = {
    pool,

    async createAccount(account, vault) {
      if (vault.kind !== 'vault' || vault.createdBy !== account.id) {
        throw new Error('an account is created with its own vault (kind vault, createdBy = id)')
      }
      try {
        return await inTransaction(pool, async (client) => {
          const inserted = await client.query(
            `INSERT INTO accounts (${ACCOUNT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
              ON CONFLICT DO NOTHING`,
            [
              account.id,
              account.handle,
              account.loginPublicKey,
              account.salt,
              account.kdf.alg,
              account.kdf.opsLimit,
              account.kdf.memLimit,
              account.createdAt,
            ],
          )
          if (inserted.rowCount === 0) return 'handle_taken' as const
          // A taken vault id throws, which rolls the account back with it.
          await client.query(
            `INSERT INTO enclaves (${ENCLAVE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
            enclaveValues(vault),
          )
          return 'ok' as const
        })
      } catch (error) {
        if ((error as { code?: string }).code === UNIQUE_VIOLATION) return 'handle_taken'
        throw error
      }
    },
    async getAccountByHandle(handle) {
      const row = (
        await query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE handle = $1`, [
          handle,
        ])
      ).rows[0]
      return row ? toAccount(row) : null
    },
    async getAccount(id) {
      const row = (
        await query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = $1`, [id])
      ).rows[0]
      return row ? toAccount(row) : null
    },
    async changePassword(accountId, login, vault) {
      return inTransaction(pool, async (client): Promise<CasResult<EnclaveRecord>> => {
        const owner = await client.query<{ kind: string; created_by: string | null }>(
          'SELECT kind, created_by FROM enclaves WHERE id = $1 FOR UPDATE',
          [vault.id],
        )
        const current = owner.rows[0]
        const account = await client.query('SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE', [
          accountId,
        ])
        if (account.rowCount === 0 || current?.kind !== 'vault' || current.created_by !== accountId)
          return { status: 'not_found' }
        const written = await casWriteEnclave(vault, client)
        if (written.status !== 'ok') return written
        await client.query(
          `UPDATE accounts SET login_public_key = $2, salt = $3, kdf_alg = $4, kdf_ops_limit = $5,
            kdf_mem_limit = $6 WHERE id = $1`,
          [
            accountId,
            login.loginPublicKey,
            login.salt,
            login.kdf.alg,
            login.kdf.opsLimit,
            login.kdf.memLimit,
          ],
        )
        return written
      })
    },
    async deleteAccount(accountId) {
      await inTransaction(pool, async (client) => {
        const account = await client.query<{ handle: string }>(
          'SELECT handle FROM accounts WHERE id = $1 FOR UPDATE',
          [accountId],
        )
        const handle = account.rows[0]?.handle
        if (handle === undefined) return
        await client.query('DELETE FROM sessions WHERE account_id = $1', [accountId])
        await client.query('DELETE FROM challenges WHERE handle = $1', [handle])
        await client.query(
          `DELETE FROM enclaves WHERE created_by = $1 AND kind IN ('vault', 'identity')`,
          [accountId],
        )
        // Invites it created stay; the foreign key clears their created_by.
        await client.query('DELETE FROM accounts WHERE id = $1', [accountId])
      })
    },

    async putChallenge(challenge) {
      await query(`INSERT INTO challenges (${CHALLENGE_COLUMNS}) VALUES ($1, $2, $3, $4)`, [
        challenge.id,
        challenge.handle,
        challenge.nonce,
        challenge.expiresAt,
      ])
    },
    async takeChallenge(id) {
      // One statement: of two concurrent answers only one gets the row.
      const row = (
        await query<ChallengeRow>(
          `DELETE FROM challenges WHERE id = $1 RETURNING ${CHALLENGE_COLUMNS}`,
          [id],
        )
      ).rows[0]
      return row ? toChallenge(row) : null
    },

    async putSession(session) {
      await query(`INSERT INTO sessions (${SESSION_COLUMNS}) VALUES ($1, $2, $3)`, [
        session.tokenHash,
        session.accountId,
        session.expiresAt,
      ])
    },
    async getSession(tokenHash) {
      const row = (
        await query<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE token_hash = $1`, [
          tokenHash,
        ])
      ).rows[0]
      return row ? toSession(row) : null
    },
    async deleteSession(tokenHash) {
      await query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash])
    },
    async deleteSessionsOf(accountId, exceptTokenHash) {
      await query('DELETE FROM sessions WHERE account_id = $1 AND token_hash IS DISTINCT FROM $2', [
        accountId,
        exceptTokenHash ?? null,
      ])
    },
    async trimSessionsOf(accountId, keep) {
      const deleted = await query<{ token_hash: string }>(
        `DELETE FROM sessions WHERE token_hash IN (
          SELECT token_hash FROM sessions WHERE account_id = $1
            ORDER BY expires_at DESC, token_hash OFFSET $2)
          RETURNING token_hash`,
        [accountId, keep],
      )
      return deleted.rows.map((row) => row.token_hash)
    },

    async createEnclave(enclave) {
      const inserted = await query(
        `INSERT INTO enclaves (${ENCLAVE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
          ON CONFLICT (id) DO NOTHING`,
        enclaveValues(enclave),
      )
      return inserted.rowCount === 1 ? 'ok' : 'exists'
    },
    async getEnclave(id) {
      const row = (
        await query<EnclaveRow>(`SELECT ${ENCLAVE_COLUMNS} FROM enclaves WHERE id = $1`, [id])
      ).rows[0]
      return row ? toEnclave(row) : null
    },
    async updateEnclave(next) {
      return casWriteEnclave(next, pool)
    },
    async deleteEnclave(id, version) {
      const deleted = await query('DELETE FROM enclaves WHERE id = $1 AND version = $2', [
        id,
        version,
      ])
      if (deleted.rowCount === 1) return { status: 'ok', value: null }
      const current = (
        await query<{ version: number }>('SELECT version FROM enclaves WHERE id = $1', [id])
      ).rows[0]
      return current
        ? { status: 'version_conflict', currentVersion: current.version }
        : { status: 'not_found' }
    },

    async createStream(stream) {
      const inserted = await query(
        `INSERT INTO streams (id, post_key, read_key, admin_key, permanent, max_burn_seconds,
          created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
          ON CONFLICT (id) DO NOTHING`,
        [
          stream.id,
          stream.policy.postKey,
          stream.policy.readKey,
          stream.policy.adminKey,
          stream.policy.permanent,
          stream.policy.maxBurnSeconds,
          stream.createdBy,
          stream.createdAt,
        ],
      )
      return inserted.rowCount === 1 ? 'ok' : 'exists'
    },
    async getStream(id) {
      return readStream(id)
    },
    async rotateStreamKeys(id, keyVersion, keys, keepPreviousKeys = Infinity) {
      // Posts accepted before the rotation get their seqs first, so untilSeq covers them.
      await posts.settled()
      // 1. CAS on keyVersion under the stream's row lock (posts take the same lock).
      // 2. The outgoing read key joins the history, readable up to the head seq now.
      // 3. The new keys replace the current ones.
      return inTransaction(pool, async (client): Promise<CasResult<StreamRecord>> => {
        const current = (
          await client.query<{ key_version: number; read_key: string; head_seq: number }>(
            'SELECT key_version, read_key, head_seq FROM streams WHERE id = $1 FOR UPDATE',
            [id],
          )
        ).rows[0]
        if (!current) return { status: 'not_found' }
        if (keyVersion !== current.key_version + 1)
          return { status: 'version_conflict', currentVersion: current.key_version }
        await client.query(
          `INSERT INTO stream_key_history (stream_id, key_version, read_key, until_seq)
            VALUES ($1, $2, $3, $4)`,
          [id, current.key_version, current.read_key, current.head_seq],
        )
        // Versions are consecutive: the newest `keepPreviousKeys` end at the one just added.
        if (Number.isFinite(keepPreviousKeys))
          await client.query(
            'DELETE FROM stream_key_history WHERE stream_id = $1 AND key_version <= $2',
            [id, current.key_version - keepPreviousKeys],
          )
        await client.query(
          `UPDATE streams SET key_version = $2, post_key = $3, read_key = $4, admin_key = $5
            WHERE id = $1`,
          [id, keyVersion, keys.postKey, keys.readKey, keys.adminKey],
        )
        return { status: 'ok', value: (await readStream(id, client)) as StreamRecord }
      })
    },
    postShard(shard, receivedAt) {
      if (closed) return Promise.reject(new Error('the store is closed'))
      return posts.enqueue({ shard, receivedAt })
    },
    async fetchShards(stream, after, limit, now) {
      if (!Number.isInteger(limit) || limit < 0) {
        throw new RangeError(`fetch limit must be a non-negative integer, got ${limit}`)
      }
      if (limit === 0) return []
      const rows = await query<ShardRow>(
        `SELECT ${SHARD_COLUMNS} FROM shards
          WHERE stream_id = $1 AND seq > $2 AND (burn_at IS NULL OR burn_at > $3)
          ORDER BY seq LIMIT $4`,
        [stream, after, now, limit],
      )
      return rows.rows.map(toShard)
    },

    async sweep(now) {
      await posts.settled()
      // Claimed with SKIP LOCKED: a sweeper on another instance takes other rows meanwhile.
      const burn = async (table: 'shards' | 'enclaves', due: string): Promise<number> => {
        let total = 0
        for (;;) {
          const deleted = await query(
            `DELETE FROM ${table} WHERE id IN (
              SELECT id FROM ${table} WHERE ${due} LIMIT ${SWEEP_BATCH} FOR UPDATE SKIP LOCKED)`,
            [now],
          )
          total += deleted.rowCount ?? 0
          if ((deleted.rowCount ?? 0) < SWEEP_BATCH) return total
        }
      }
      const shards = await burn('shards', 'burn_at IS NOT NULL AND burn_at <= $1')
      const enclaves = await burn('enclaves', 'expires_at IS NOT NULL AND expires_at <= $1')
      await query('DELETE FROM challenges WHERE expires_at <= $1', [now])
      await query('DELETE FROM sessions WHERE expires_at <= $1', [now])
      if (shards > 0) vacuumDue.add('shards')
      if (enclaves > 0) vacuumDue.add('enclaves')
      await vacuumIfDue()
      return { shards, enclaves }
    },
    async nextExpiry() {
      const row = await query<{ soonest: number | null }>(
        `SELECT LEAST(
          (SELECT MIN(burn_at) FROM shards WHERE burn_at IS NOT NULL),
          (SELECT MIN(expires_at) FROM enclaves WHERE expires_at IS NOT NULL),
          (SELECT MIN(expires_at) FROM challenges),
          (SELECT MIN(expires_at) FROM sessions)) AS soonest`,
      )
      return row.rows[0]?.soonest ?? null
    },

    async ensureSecret(name, create) {
      const read = async () =>
        (await query<{ value: string }>('SELECT value FROM secrets WHERE name = $1', [name]))
          .rows[0]?.value
      const existing = await read()
      if (existing !== undefined) return existing
      // Another instance may create it at the same moment: the first insert wins for both.
      await query('INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        name,
        create(),
      ])
      return (await read()) as string
    },

    async close() {
      if (closed) return
      closed = true
      await posts.settled()
      await pool.end()
    },
  }
  return store
}
