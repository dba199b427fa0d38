// Applies numbered migrations in order, each in its own transaction together with its row in
// `schema_migrations`, under a transaction-scoped advisory lock: instances starting at the same
// time upgrade one after the other, and a failed step leaves the previous version intact.
import type pg from 'pg'
import type { PostgresMigration } from './postgres-migrations'
import { inTransaction, type Queryable } from './postgres-pool'

export async function postgresSchemaVersion(db: Queryable): Promise<number> {
  const exists = await db.query<{ found: boolean }>(
    `SELECT to_regclass('schema_migrations') IS NOT NULL AS found`,
  )
  if (!exists.rows[0]?.found) return 0
  const row = await db.query<{ version: number | null }>(
    'SELECT MAX(version) AS version FROM schema_migrations',
  )
  return row.rows[0]?.version ?? 0
}

/**
 * Upgrades the pool's schema through `migrations`; returns the versions applied. Refuses a
 * schema newer than the newest migration: this code would not know it.
 */
export async function migratePostgres(
  pool: pg.Pool,
  migrations: readonly PostgresMigration[],
): Promise<number[]> {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1)
      throw new Error(`migration "${migration.name}" has version ${migration.version}`)
  })
  const applied: number[] = []
  for (;;) {
    const step = await inTransaction(pool, async (client) => {
      // One lock per schema: test runs in their own schemas do not wait for each other.
      await client.query(
        `SELECT pg_advisory_xact_lock(hashtext('paracord-migrate:' || current_schema()))`,
      )
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`)
      const current = await postgresSchemaVersion(client)
      if (current > migrations.length)
        throw new Error(
          `database schema version ${current} is newer than this server knows (${migrations.length})`,
        )
      const next = migrations[current]
      if (!next) return null
      try {
        await client.query(next.sql)
      } catch (error) {
        throw new Error(`migration ${next.version} (${next.name}) failed`, { cause: error })
      }
      await client.query(
        'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
        [next.version, next.name, Date.now()],
      )
      return next.version
    })
    if (step === null) return applied
    applied.push(step)
  }
}
