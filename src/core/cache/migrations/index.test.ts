import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { CacheVersionError } from '../errors'
import { LATEST_VERSION, MIGRATIONS, migrate, schemaVersion } from '.'

describe('migrations', () => {
  it('are numbered 1, 2, 3… with no gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(
      Array.from({ length: LATEST_VERSION }, (_, i) => i + 1),
    )
  })

  it('stop at the target version and report where they started', () => {
    const db = new Database(':memory:')
    expect(migrate(db, 1)).toBe(0)
    expect(schemaVersion(db)).toBe(1)
    expect(migrate(db)).toBe(1)
    expect(schemaVersion(db)).toBe(LATEST_VERSION)
    expect(migrate(db)).toBe(LATEST_VERSION)
    db.close()
  })

  it('refuse a database from a newer version and leave it as it was', () => {
    const db = new Database(':memory:')
    db.pragma(`user_version = ${LATEST_VERSION + 1}`)
    expect(() => migrate(db)).toThrow(CacheVersionError)
    expect(schemaVersion(db)).toBe(LATEST_VERSION + 1)
    expect(db.prepare(`SELECT count(*) FROM sqlite_schema`).pluck().get()).toBe(0)
    db.close()
  })

  it('leave a database at its old version when a migration fails part-way', () => {
    const db = new Database(':memory:')
    migrate(db, 1)
    db.exec('CREATE TABLE outbox (x INTEGER)') // collides with what version 2 creates
    expect(() => migrate(db)).toThrow(/already exists/)
    expect(schemaVersion(db)).toBe(1)
    expect(
      db.prepare(`SELECT count(*) FROM sqlite_schema WHERE name = 'client_values'`).pluck().get(),
    ).toBe(0)
    db.close()
  })
})
