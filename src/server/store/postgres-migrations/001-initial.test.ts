import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type pg from 'pg'
import { migratePostgres, postgresSchemaVersion } from '../postgres-migrate'
import { createPool, ensureSchema } from '../postgres-pool'
import { freshTestSchema, TEST_POSTGRES_URL, type TestSchema } from '../postgres-testing'
import { POSTGRES_MIGRATIONS } from './index'

describe('PostgreSQL migration 001: initial schema', () => {
  let schema: TestSchema
  let pool: pg.Pool

  // The previous version: an empty schema (version 0).
  beforeEach(async () => {
    schema = freshTestSchema()
    const options = { connectionString: TEST_POSTGRES_URL, schema: schema.name }
    await ensureSchema(options)
    pool = createPool(options)
  })
  afterEach(async () => {
    await pool.end()
    await schema.drop()
  })

  const tables = async () =>
    (
      await pool.query<{ name: string }>(
        `SELECT table_name AS name FROM information_schema.tables
          WHERE table_schema = current_schema() ORDER BY table_name`,
      )
    ).rows.map((row) => row.name)

  it('upgrades an empty schema to version 1 with every table and index', async () => {
    expect(await postgresSchemaVersion(pool)).toBe(0)
    expect(await tables()).toEqual([])

    expect(await migratePostgres(pool, POSTGRES_MIGRATIONS.slice(0, 1))).toEqual([1])

    expect(await postgresSchemaVersion(pool)).toBe(1)
    expect(await tables()).toEqual([
      'accounts',
      'challenges',
      'enclaves',
      'schema_migrations',
      'secrets',
      'sessions',
      'shards',
      'stream_key_history',
      'streams',
    ])
    const indexes = await pool.query<{ indexname: string }>(
      'SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()',
    )
    expect(indexes.rows.map((row) => row.indexname)).toEqual(
      expect.arrayContaining(['shards_by_burn', 'shards_by_received', 'enclaves_by_expiry']),
    )
  })

  it('holds the records the store writes and enforces its constraints', async () => {
    await migratePostgres(pool, POSTGRES_MIGRATIONS.slice(0, 1))
    await pool.query(
      `INSERT INTO accounts VALUES ('acc', 'handle', 'key', 'salt', 'argon2id13', 3, 67108864, 1)`,
    )
    await pool.query(`INSERT INTO sessions VALUES ('token', 'acc', 10)`)
    await pool.query(
      `INSERT INTO enclaves VALUES ('inv', 'invite', 1, 'owner', 'body', 'sig', 5, 1, 'acc')`,
    )
    await pool.query(`INSERT INTO streams (id, read_key, admin_key, permanent, max_burn_seconds,
      created_by, created_at) VALUES ('s', 'r', 'a', false, 60, 'acc', 1)`)
    await pool.query(`INSERT INTO shards VALUES ('sh', 's', 1, 'body', 9, 1, NULL)`)

    // Kinds are closed, seqs are unique per stream, shards need a stream.
    await expect(
      pool.query(`INSERT INTO enclaves VALUES ('x', 'other', 1, 'o', 'b', 's', NULL, 1, NULL)`),
    ).rejects.toThrow(/check constraint/)
    await expect(
      pool.query(`INSERT INTO shards VALUES ('sh2', 's', 1, 'b', NULL, 1, NULL)`),
    ).rejects.toThrow(/duplicate key/)
    await expect(
      pool.query(`INSERT INTO shards VALUES ('sh3', 'nope', 1, 'b', NULL, 1, NULL)`),
    ).rejects.toThrow(/foreign key/)

    // Deleting the account takes its sessions and unlinks what it created.
    await pool.query(`DELETE FROM accounts WHERE id = 'acc'`)
    expect((await pool.query('SELECT COUNT(*) AS n FROM sessions')).rows).toEqual([{ n: 0 }])
    expect((await pool.query(`SELECT created_by FROM enclaves WHERE id = 'inv'`)).rows).toEqual([
      { created_by: null },
    ])
    expect((await pool.query('SELECT COUNT(*) AS n FROM shards')).rows).toEqual([{ n: 1 }])
  })

  it('does nothing when run again', async () => {
    await migratePostgres(pool, POSTGRES_MIGRATIONS.slice(0, 1))
    expect(await migratePostgres(pool, POSTGRES_MIGRATIONS.slice(0, 1))).toEqual([])
    expect(await postgresSchemaVersion(pool)).toBe(1)
  })
})
