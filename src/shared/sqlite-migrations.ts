// The one SQLite migration runner, for the server's store and the client's cache alike.
// Numbered steps are applied in order, each in its own transaction together with the bump of
// `PRAGMA user_version`, so a failed step leaves the database exactly at the previous version.
//
// Typed against the few methods it calls rather than importing better-sqlite3: src/shared stays
// free of native modules, and a better-sqlite3 `Database` fits this shape as it is.

/** One numbered step of a schema. `version` is what `PRAGMA user_version` reads after it. */
export interface SqliteMigration {
  readonly version: number
  readonly name: string
  readonly sql: string
}

/** What the runner needs of a database connection (a subset of better-sqlite3's `Database`). */
export interface MigratableDatabase {
  exec(sql: string): unknown
  pragma(source: string, options?: { simple?: boolean }): unknown
  /** Inside an open transaction, better-sqlite3 runs this as a savepoint instead. */
  transaction(fn: () => void): { immediate(): void }
}

export interface MigrateOptions {
  /** Stop after this version (a test seam for building older databases). Default: the last. */
  readonly target?: number
  /** The error for a database newer than every migration; the default names both versions. */
  readonly tooNew?: (found: number, known: number) => Error
}

export function schemaVersion(db: MigratableDatabase): number {
  return db.pragma('user_version', { simple: true }) as number
}

/** Checks that versions run 1, 2, 3… with no gap or repeat. */
export function assertMigrationSequence(migrations: readonly SqliteMigration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `migration "${migration.name}" has version ${migration.version}, expected ${index + 1}`,
      )
    }
  })
}

/**
 * Upgrades `db` through `migrations` (up to `options.target`) and returns the versions it
 * applied. Refuses a database newer than the newest migration: this code would not know its
 * schema, and it is left untouched.
 */
export function migrate(
  db: MigratableDatabase,
  migrations: readonly SqliteMigration[],
  options: MigrateOptions = {},
): number[] {
  assertMigrationSequence(migrations)
  const known = migrations.length
  const current = schemaVersion(db)
  if (current > known) {
    throw (
      options.tooNew?.(current, known) ??
      new Error(`database schema version ${current} is newer than this code knows (${known})`)
    )
  }
  const applied: number[] = []
  for (const migration of migrations.slice(current, options.target ?? known)) {
    const apply = db.transaction(() => {
      db.exec(migration.sql)
      // user_version lives in the database header, so it commits or rolls back with the step.
      db.pragma(`user_version = ${migration.version}`)
    })
    try {
      apply.immediate()
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw new Error(`migration ${migration.version} (${migration.name}) failed: ${reason}`, {
        cause: error,
      })
    }
    applied.push(migration.version)
  }
  return applied
}
