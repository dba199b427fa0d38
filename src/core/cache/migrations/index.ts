// Numbered schema migrations, tracked in PRAGMA user_version. Each runs in its own
// transaction with its version bump, so a crash leaves the file at a whole version.
import type Database from 'better-sqlite3'
import { CacheVersionError } from '../errors'
import * as m001 from './001-messages-and-cursors'
import * as m002 from './002-outbox-and-values'

export interface Migration {
  readonly version: number
  readonly sql: string
}

export const MIGRATIONS: readonly Migration[] = [m001, m002]
export const LATEST_VERSION = MIGRATIONS.length

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number
}

/** Upgrades `db` to `target` (the latest by default); returns the version it started at. */
export function migrate(db: Database.Database, target = LATEST_VERSION): number {
  const start = schemaVersion(db)
  if (start > LATEST_VERSION)
    throw new CacheVersionError(
      `the cache is from a newer paracord (schema ${start}; this one knows ${LATEST_VERSION})`,
    )
  for (const migration of MIGRATIONS) {
    if (migration.version <= start || migration.version > target) continue
    db.transaction(() => {
      db.exec(migration.sql)
      db.pragma(`user_version = ${migration.version}`)
    })()
  }
  return start
}
