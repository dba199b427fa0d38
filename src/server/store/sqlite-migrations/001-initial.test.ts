import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { schemaVersion } from '../../../shared/sqlite-migrations'
import {
  databaseAtVersion,
  indexNames,
  tableNames,
  upgradeTo,
  type VersionedDatabase,
} from './upgrade-kit'

describe('migration 001: initial schema', () => {
  let previous: VersionedDatabase

  beforeEach(() => {
    previous = databaseAtVersion(0)
  })
  afterEach(() => previous.cleanup())

  it('upgrades an empty database to version 1 with every table and index', () => {
    const { db } = previous
    expect(schemaVersion(db)).toBe(0)
    expect(tableNames(db)).toEqual([])

    expect(upgradeTo(db, 1)).toEqual([1])

    expect(schemaVersion(db)).toBe(1)
    expect(tableNames(db)).toEqual([
      'accounts',
      'challenges',
      'enclaves',
      'secrets',
      'sessions',
      'shards',
      'stream_key_history',
      'streams',
    ])
    expect(indexNames(db)).toEqual(
      expect.arrayContaining(['shards_by_stream_seq', 'shards_by_burn', 'enclaves_by_expiry']),
    )
  })

  it('holds the records the store writes and enforces its constraints', () => {
    const { db } = previous
    upgradeTo(db, 1)
    db.prepare(
      `INSERT INTO accounts VALUES ('acc', 'handle', 'key', 'salt', 'argon2id13', 3, 67108864, 1)`,
    ).run()
    db.prepare(`INSERT INTO sessions VALUES ('token', 'acc', 10)`).run()
    db.prepare(
      `INSERT INTO enclaves VALUES ('inv', 'invite', 1, 'owner', 'body', 'sig', 5, 1, 'acc')`,
    ).run()
    db.prepare(
      `INSERT INTO streams (id, read_key, admin_key, permanent, max_burn_seconds,
      created_by, created_at) VALUES ('s', 'r', 'a', 0, 60, 'acc', 1)`,
    ).run()
    db.prepare(`INSERT INTO shards VALUES ('sh', 's', 1, 'body', 9, 1, NULL)`).run()

    // Kinds are closed, seqs are unique per stream, shards need a stream.
    expect(() =>
      db
        .prepare(`INSERT INTO enclaves VALUES ('x', 'other', 1, 'o', 'b', 's', NULL, 1, NULL)`)
        .run(),
    ).toThrow(/CHECK/)
    expect(() =>
      db.prepare(`INSERT INTO shards VALUES ('sh2', 's', 1, 'b', NULL, 1, NULL)`).run(),
    ).toThrow(/UNIQUE/)
    expect(() =>
      db.prepare(`INSERT INTO shards VALUES ('sh3', 'nope', 1, 'b', NULL, 1, NULL)`).run(),
    ).toThrow(/FOREIGN KEY/)

    // Deleting the account takes its sessions and unlinks what it created.
    db.prepare(`DELETE FROM accounts WHERE id = 'acc'`).run()
    expect(db.prepare('SELECT COUNT(*) AS n FROM sessions').get()).toEqual({ n: 0 })
    expect(db.prepare(`SELECT created_by FROM enclaves WHERE id = 'inv'`).get()).toEqual({
      created_by: null,
    })
    expect(db.prepare('SELECT COUNT(*) AS n FROM shards').get()).toEqual({ n: 1 })
  })

  it('does nothing when run again', () => {
    const { db } = previous
    upgradeTo(db, 1)
    expect(upgradeTo(db, 1)).toEqual([])
    expect(schemaVersion(db)).toBe(1)
  })
})
