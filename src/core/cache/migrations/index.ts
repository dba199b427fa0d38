// The cache's numbered schema migrations, tracked in PRAGMA user_version. The runner is
// src/shared/sqlite-migrations.ts, shared with the server's store: each step runs in its own
// transaction with its version bump, so a crash leaves the file at a whole version.
import {
  migrate as runMigrations,
  schemaVersion,
  type MigratableDatabase,
  type SqliteMigration,
} from '../../../shared/sqlite-migrations'
import { CacheVersionError } from '../errors'
import * as m001 from './001-messages-and-cursors'
import * as m002 from './002-outbox-and-values'

export { schemaVersion }

export const MIGRATIONS: readonly SqliteMigration[] = [m001, m002]
export const LATEST_VERSION = MIGRATIONS.length

/** Upgrades `db` to `target` (the latest by default); returns the version it started at. */
export function migrate(db: MigratableDatabase, target = LATEST_VERSION): number {
  const start = schemaVersion(db)
  runMigrations(db, MIGRATIONS, {
    target,
    tooNew: (found, known) =>
      new CacheVersionError(
        `the cache is from a newer paracord (schema ${found}; this one knows ${known})`,
      ),
  })
  return start
}
