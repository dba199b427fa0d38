// For migration tests: a database file at any schema version, and a step up to the next one.
// Each migration's test builds the previous version, fills it, upgrades, and checks the data.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { migrate } from '../../../shared/sqlite-migrations'
import { MIGRATIONS } from './index'

export interface VersionedDatabase {
  readonly db: Database.Database
  readonly file: string
  readonly cleanup: () => void
}

/** A fresh database file migrated up to `version` (0: empty). */
export function databaseAtVersion(version: number): VersionedDatabase {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paracord-migration-'))
  const file = path.join(dir, 'store.db')
  const db = new Database(file)
  db.pragma('foreign_keys = ON')
  migrate(db, MIGRATIONS.slice(0, version))
  return {
    db,
    file,
    cleanup: () => {
      if (db.open) db.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Applies the migrations up to `version`; returns the versions applied. */
export function upgradeTo(db: Database.Database, version: number): number[] {
  return migrate(db, MIGRATIONS.slice(0, version))
}

export function tableNames(db: Database.Database): string[] {
  return db
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all()
    .map((row) => row.name)
}

export function indexNames(db: Database.Database): string[] {
  return db
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all()
    .map((row) => row.name)
}
