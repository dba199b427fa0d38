import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { describeStoreContract } from './contract'
import { openSqliteDatabase, openSqliteStore } from './sqlite'
import type { EnclaveRecord, NewShard, PostResult, Store } from './types'

const T0 = 1_700_000_000_000

function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'paracord-store-'))
}

describeStoreContract('sqlite', async () => {
  const dir = makeTempDir()
  const store = await openSqliteStore({ path: path.join(dir, 'store.db') })
  return {
    store,
    cleanup: async () => {
      await store.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
})

const b64 = (bytes: number) => randomBytes(bytes).toString('base64url')

async function createStream(store: Store, permanent = true): Promise<string> {
  const id = b64(16)
  const policy = {
    postKey: null,
    readKey: b64(32),
    adminKey: b64(32),
    permanent,
    maxBurnSeconds: 3600,
  }
  await store.createStream({ id, policy, createdBy: b64(16), createdAt: T0 })
  return id
}

function shardIn(stream: string, overrides: Partial<NewShard> = {}): NewShard {
  return { id: b64(16), stream, body: b64(40), burnAt: null, signature: null, ...overrides }
}

function seqOf(result: PostResult): number {
  if (result.status !== 'stored') throw new Error(`expected stored, got ${result.status}`)
  return result.shard.seq
}

describe('SQLite store', () => {
  let dir: string
  let dbPath: string
  let store: Store | null

  beforeEach(() => {
    dir = makeTempDir()
    dbPath = path.join(dir, 'nested', 'folders', 'store.db')
    store = null
  })
  afterEach(async () => {
    await store?.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  async function open(options: { busyTimeoutMs?: number } = {}): Promise<Store> {
    store = await openSqliteStore({ path: dbPath, ...options })
    return store
  }

  it('creates its parent folders and a WAL database at the newest schema', async () => {
    await open()
    expect(fs.existsSync(dbPath)).toBe(true)
    // journal_mode=WAL is stored in the file, so a second connection sees it too.
    const peek = new Database(dbPath, { readonly: true })
    expect(peek.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(peek.pragma('user_version', { simple: true })).toBe(1)
    peek.close()
  })

  it('opens its connection with the durability and burn pragmas', () => {
    const db = openSqliteDatabase({ path: dbPath })
    const read = (name: string) => db.pragma(name, { simple: true })
    expect({
      journal_mode: read('journal_mode'),
      synchronous: read('synchronous'),
      secure_delete: read('secure_delete'),
      foreign_keys: read('foreign_keys'),
      busy_timeout: read('busy_timeout'),
    }).toEqual({
      journal_mode: 'wal',
      synchronous: 2,
      secure_delete: 1,
      foreign_keys: 1,
      busy_timeout: 5000,
    })
    db.close()
  })

  it('leaves no byte of a burned shard in the database or the WAL after a sweep', async () => {
    const s = await open()
    const stream = await createStream(s, false)
    // Distinctive bodies: a short one inline in the row, a long one spilling to overflow pages.
    const shortBody = 'BURNME' + b64(30)
    const longBody = 'BURNLONG' + b64(6000)
    await s.postShard(shardIn(stream, { body: shortBody, burnAt: T0 + 10 }), T0)
    await s.postShard(shardIn(stream, { body: longBody, burnAt: T0 + 10 }), T0)
    const keep = shardIn(stream, { body: 'KEEPME' + b64(30), burnAt: T0 + 9_999 })
    await s.postShard(keep, T0)

    const filesBefore = readStoreFiles(dbPath)
    expect(filesBefore.includes(shortBody)).toBe(true)
    // The long body is split over pages, so it is searched for piece by piece: only pieces
    // that straddle a page boundary (two at most for about 8 KB) may be missed.
    const longPieces = piecesOf(longBody, 100)
    expect(countFound(filesBefore, longPieces)).toBeGreaterThanOrEqual(longPieces.length - 2)

    expect(await s.sweep(T0 + 10)).toEqual({ shards: 2, enclaves: 0 })

    const filesAfter = readStoreFiles(dbPath)
    expect(filesAfter.includes(shortBody)).toBe(false)
    expect(countFound(filesAfter, longPieces)).toBe(0)
    expect(filesAfter.includes(keep.body)).toBe(true)
    expect(fs.statSync(`${dbPath}-wal`).size).toBe(0)
  })

  it('keeps everything across a reopen and continues the seq', async () => {
    const first = await open()
    const stream = await createStream(first)
    const posted = []
    for (let i = 0; i < 3; i++) posted.push(await first.postShard(shardIn(stream), T0 + i))
    const secret = await first.ensureSecret('cookie', () => b64(32))
    const enclave: EnclaveRecord = {
      id: b64(16),
      kind: 'identity',
      version: 1,
      ownerKey: b64(32),
      body: b64(40),
      signature: b64(64),
      expiresAt: null,
      updatedAt: T0,
      createdBy: null,
    }
    await first.createEnclave(enclave)
    const rotated = await first.rotateStreamKeys(stream, 2, {
      postKey: null,
      readKey: b64(32),
      adminKey: b64(32),
    })
    const streamBefore = await first.getStream(stream)
    await first.close()

    const second = await open()
    expect(await second.getStream(stream)).toEqual(streamBefore)
    expect(rotated.status).toBe('ok')
    expect(await second.fetchShards(stream, 0, 10, T0)).toEqual(
      posted.map((result) => ('shard' in result ? result.shard : null)),
    )
    expect(await second.getEnclave(enclave.id)).toEqual(enclave)
    expect(await second.ensureSecret('cookie', () => 'not this')).toBe(secret)
    expect(seqOf(await second.postShard(shardIn(stream), T0))).toBe(4)
  })

  it('stores 1000 concurrent posts with distinct consecutive seqs', async () => {
    const s = await open()
    const stream = await createStream(s)
    const shards = Array.from({ length: 1000 }, () => shardIn(stream))
    const results = await Promise.all(shards.map((shard) => s.postShard(shard, T0)))
    expect(results.map(seqOf)).toEqual(shards.map((_, index) => index + 1))
    const stored = await s.fetchShards(stream, 0, 2000, T0)
    expect(stored.map((shard) => shard.id)).toEqual(shards.map((shard) => shard.id))
    expect((await s.getStream(stream))?.headSeq).toBe(1000)
  })

  it('fails a malformed post alone and stores the rest of its batch', async () => {
    const s = await open()
    const stream = await createStream(s)
    const good = [shardIn(stream), shardIn(stream)]
    const malformed = { ...shardIn(stream), body: null } as unknown as NewShard
    const settled = await Promise.allSettled([
      s.postShard(good[0]!, T0),
      s.postShard(malformed, T0),
      s.postShard(good[1]!, T0),
    ])
    expect(settled[0]).toMatchObject({ status: 'fulfilled', value: { shard: { seq: 1 } } })
    expect(settled[1]).toMatchObject({
      status: 'rejected',
      reason: { code: 'SQLITE_CONSTRAINT_NOTNULL' },
    })
    expect(settled[2]).toMatchObject({ status: 'fulfilled', value: { shard: { seq: 2 } } })
    // The failed post took no seq: the head is 2 and the next post gets 3.
    expect((await s.getStream(stream))?.headSeq).toBe(2)
    expect(seqOf(await s.postShard(shardIn(stream), T0))).toBe(3)
  })

  it('rejects a whole batch it cannot commit and writes none of it', async () => {
    const s = await open({ busyTimeoutMs: 20 })
    const stream = await createStream(s)
    const blocker = new Database(dbPath)
    blocker.exec('BEGIN IMMEDIATE')
    const settled = await Promise.allSettled([1, 2, 3].map(() => s.postShard(shardIn(stream), T0)))
    blocker.exec('ROLLBACK')
    blocker.close()
    for (const outcome of settled) {
      expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'SQLITE_BUSY' } })
    }
    expect((await s.getStream(stream))?.headSeq).toBe(0)
    expect(seqOf(await s.postShard(shardIn(stream), T0))).toBe(1)
  })

  it('writes posts queued before a rotation under the old key', async () => {
    const s = await open()
    const stream = await createStream(s)
    const pending = [s.postShard(shardIn(stream), T0), s.postShard(shardIn(stream), T0)]
    const rotated = await s.rotateStreamKeys(stream, 2, {
      postKey: null,
      readKey: b64(32),
      adminKey: b64(32),
    })
    expect((await Promise.all(pending)).map(seqOf)).toEqual([1, 2])
    expect(rotated.status === 'ok' && rotated.value.previousKeys[0]?.untilSeq).toBe(2)
  })

  it('writes queued posts before closing and refuses posts afterwards', async () => {
    const s = await open()
    const stream = await createStream(s)
    const pending = s.postShard(shardIn(stream), T0)
    await s.close()
    expect(seqOf(await pending)).toBe(1)
    await expect(s.postShard(shardIn(stream), T0)).rejects.toThrow(/closed/)
    store = await openSqliteStore({ path: dbPath })
    expect((await store.getStream(stream))?.headSeq).toBe(1)
  })

  it('refuses a file that is not a database and leaves it untouched', async () => {
    fs.mkdirSync(path.dirname(dbPath), { recursive: true })
    const content = 'not a database, but precious: ' + b64(2000)
    fs.writeFileSync(dbPath, content)
    await expect(openSqliteStore({ path: dbPath })).rejects.toThrow(/cannot open the store/)
    expect(fs.readFileSync(dbPath, 'utf8')).toBe(content)
  })

  it('refuses a database from a newer version and leaves it untouched', async () => {
    fs.mkdirSync(path.dirname(dbPath), { recursive: true })
    const future = new Database(dbPath)
    future.pragma('user_version = 99')
    future.close()
    const error = await openSqliteStore({ path: dbPath }).catch((caught: Error) => caught)
    expect(error).toBeInstanceOf(Error)
    expect(String((error as Error).cause)).toMatch(/newer/)
    const peek = new Database(dbPath, { readonly: true })
    expect(peek.pragma('user_version', { simple: true })).toBe(99)
    peek.close()
  })
})

/** The .db and -wal files as one latin1 string, to search for a body's bytes. */
function readStoreFiles(dbPath: string): string {
  return [dbPath, `${dbPath}-wal`]
    .filter((file) => fs.existsSync(file))
    .map((file) => fs.readFileSync(file).toString('latin1'))
    .join('\n')
}

function piecesOf(text: string, size: number): string[] {
  const pieces: string[] = []
  for (let at = 0; at + size <= text.length; at += size) pieces.push(text.slice(at, at + size))
  return pieces
}

function countFound(haystack: string, pieces: readonly string[]): number {
  return pieces.filter((piece) => haystack.includes(piece)).length
}
