// Applies numbered migrations in order, each in its own transaction together with the bump of
// `PRAGMA user_version`, so a failed step leaves the database exactly at the previous version.
import type { Database } from 'better-sqlite3'
import type { Migration } from './sqlite-migrations'

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number
}

/** Checks that versions run 1, 2, 3… with no gap or repeat. */
export function assertMigrationSequence(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `migration "${migration.name}" has version ${migration.version}, expected ${index + 1}`,
      )
    }
  })
}

/**
 * Upgrades `db` through `migrations` and returns the versions it applied. Refuses a database
 * newer than the newest migration: this code would not know its schema.
 */
export function migrate(db: Database, migrations: readonly Migration[]): number[] {
  assertMigrationSequence(migrations)
  const current = schemaVersion(db)
  if (current > migrations.length) {
    throw new Error(
      `database schema version ${current} is newer than this server knows (${migrations.length})`,
    )
  }
  const applied: number[] = []
  for (const migration of migrations.slice(current)) {
    const apply = db.transaction(() => {
      db.exec(migration.sql)
      // user_version lives in the database header, so it commits or rolls back with the step.
      db.pragma(`user_version = ${migration.version}`)
    })
    try {
      apply.immediate()
    } catch (error) {
      throw new Error(`migration ${migration.version} (${migration.name}) failed`, {
        cause: error,
      })
    }
    applied.push(migration.version)
  }
  return applied
}
