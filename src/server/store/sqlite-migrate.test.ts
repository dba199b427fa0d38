import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { assertMigrationSequence, migrate, schemaVersion } from './sqlite-migrate'
import { MIGRATIONS } from './sqlite-migrations'
import {
  databaseAtVersion,
  tableNames,
  type VersionedDatabase,
} from './sqlite-migrations/upgrade-kit'

describe('migrate', () => {
  let target: VersionedDatabase

  beforeEach(() => {
    target = databaseAtVersion(0)
  })
  afterEach(() => target.cleanup())

  it('applies every known migration in order to an empty database', () => {
    expect(migrate(target.db, MIGRATIONS)).toEqual(MIGRATIONS.map((m) => m.version))
    expect(schemaVersion(target.db)).toBe(MIGRATIONS.length)
  })

  it('rolls a failing step back whole and stays at the previous version', () => {
    const steps = [
      { version: 1, name: 'first', sql: 'CREATE TABLE kept (x INTEGER);' },
      {
        version: 2,
        name: 'broken',
        sql: 'CREATE TABLE half (x INTEGER); INSERT INTO nowhere VALUES (1);',
      },
    ]
    expect(() => migrate(target.db, steps)).toThrow(/migration 2 \(broken\) failed/)
    expect(schemaVersion(target.db)).toBe(1)
    expect(tableNames(target.db)).toEqual(['kept'])
  })

  it('refuses a database newer than the migrations it knows, changing nothing', () => {
    target.db.pragma('user_version = 5')
    expect(() => migrate(target.db, MIGRATIONS)).toThrow(/newer/)
    expect(schemaVersion(target.db)).toBe(5)
    expect(tableNames(target.db)).toEqual([])
  })

  it('rejects a migration list with a gap or a repeat', () => {
    const step = (version: number) => ({ version, name: `v${version}`, sql: '' })
    expect(() => assertMigrationSequence([step(1), step(3)])).toThrow(/expected 2/)
    expect(() => assertMigrationSequence([step(1), step(1)])).toThrow(/expected 2/)
    expect(() => assertMigrationSequence(MIGRATIONS)).not.toThrow()
  })
})
