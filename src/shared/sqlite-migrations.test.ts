import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  assertMigrationSequence,
  migrate,
  schemaVersion,
  type SqliteMigration,
} from './sqlite-migrations'

const STEPS: readonly SqliteMigration[] = [
  { version: 1, name: 'first', sql: 'CREATE TABLE one (x INTEGER);' },
  { version: 2, name: 'second', sql: 'CREATE TABLE two (x INTEGER);' },
  { version: 3, name: 'third', sql: 'CREATE TABLE three (x INTEGER);' },
]

const tableNames = (db: Database.Database): string[] =>
  db
    .prepare<[], string>(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .pluck()
    .all()

describe('migrate', () => {
  let db: Database.Database

  beforeEach(() => {
    db = new Database(':memory:')
  })
  afterEach(() => db.close())

  it('applies every step in order to an empty database, and nothing the second time', () => {
    expect(migrate(db, STEPS)).toEqual([1, 2, 3])
    expect(schemaVersion(db)).toBe(3)
    expect(tableNames(db)).toEqual(['one', 'three', 'two'])
    expect(migrate(db, STEPS)).toEqual([])
  })

  it('upgrades from the version the database is at', () => {
    migrate(db, STEPS.slice(0, 1))
    expect(migrate(db, STEPS)).toEqual([2, 3])
    expect(schemaVersion(db)).toBe(3)
  })

  it('stops at the target version', () => {
    expect(migrate(db, STEPS, { target: 2 })).toEqual([1, 2])
    expect(schemaVersion(db)).toBe(2)
    expect(migrate(db, STEPS, { target: 1 })).toEqual([])
    expect(schemaVersion(db)).toBe(2)
  })

  it('rolls a failing step back whole and stays at the previous version', () => {
    const steps = [
      STEPS[0]!,
      {
        version: 2,
        name: 'broken',
        sql: 'CREATE TABLE half (x INTEGER); INSERT INTO nowhere VALUES (1);',
      },
    ]
    expect(() => migrate(db, steps)).toThrow(/migration 2 \(broken\) failed: no such table/)
    expect(schemaVersion(db)).toBe(1)
    expect(tableNames(db)).toEqual(['one'])
  })

  it('runs as a savepoint inside a caller’s transaction, which can still roll it all back', () => {
    expect(() =>
      db.transaction(() => {
        migrate(db, STEPS)
        expect(schemaVersion(db)).toBe(3)
        throw new Error('the caller gives up')
      })(),
    ).toThrow(/gives up/)
    expect(schemaVersion(db)).toBe(0)
    expect(tableNames(db)).toEqual([])
  })

  it('refuses a database newer than the steps it knows, changing nothing', () => {
    db.pragma('user_version = 5')
    expect(() => migrate(db, STEPS)).toThrow(/version 5 is newer than this code knows \(3\)/)
    class TooNew extends Error {}
    expect(() => migrate(db, STEPS, { tooNew: (found) => new TooNew(`at ${found}`) })).toThrow(
      TooNew,
    )
    expect(schemaVersion(db)).toBe(5)
    expect(tableNames(db)).toEqual([])
  })

  it('rejects a step list with a gap or a repeat before touching the database', () => {
    const step = (version: number) => ({ version, name: `v${version}`, sql: '' })
    expect(() => assertMigrationSequence([step(1), step(3)])).toThrow(/expected 2/)
    expect(() => assertMigrationSequence([step(1), step(1)])).toThrow(/expected 2/)
    expect(() => migrate(db, [step(2)])).toThrow(/expected 1/)
    expect(schemaVersion(db)).toBe(0)
  })
})
