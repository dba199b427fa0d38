// Shared by the cache's tests: temp folders, keys, a manual clock, raw file access.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'

const folders: string[] = []

/** A fresh cache path in its own temp folder; `removeTempFolders` deletes them all. */
export function tempCachePath(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'paracord-cache-'))
  folders.push(folder)
  return path.join(folder, 'account.db')
}

export function removeTempFolders(): void {
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true })
}

export const newCacheKey = (): Uint8Array => new Uint8Array(crypto.randomBytes(32))

/** A clock the test moves by hand, so "already burned" needs no waiting. */
export function manualClock(start = 1_700_000_000_000) {
  let time = start
  return {
    now: () => time,
    advance(ms: number) {
      time += ms
    },
  }
}

/** A second, raw connection: what someone with the file but not the key can do. */
export function withRawDatabase<R>(cachePath: string, use: (db: Database.Database) => R): R {
  const db = new Database(cachePath)
  try {
    return use(db)
  } finally {
    db.close()
  }
}

/** The bytes of the database file and of its WAL (empty when absent). */
export function readCacheFiles(cachePath: string): { db: Buffer; wal: Buffer } {
  const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file) : Buffer.alloc(0))
  return { db: read(cachePath), wal: read(`${cachePath}-wal`) }
}
