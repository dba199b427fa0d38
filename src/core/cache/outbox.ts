// The outbox: messages composed offline, kept sealed on disk until the server accepts them.
// Insertion order is the position column, bound into each body's associated data.
import type Database from 'better-sqlite3'
import type { CacheContext } from './context'
import type { NewOutboxItem, OutboxItem } from './types'
import { requireName } from './validate'

interface OutboxRow {
  readonly position: number
  readonly id: string
  readonly stream: string
  readonly body: Uint8Array
}

const TABLE = 'outbox'

export class OutboxStore {
  private readonly insert
  private readonly exists
  private readonly nextPosition
  private readonly selectAll
  private readonly deleteOne
  private readonly countAll

  constructor(private readonly ctx: CacheContext) {
    const db = ctx.db
    this.insert = db.prepare(
      'INSERT INTO outbox (position, id, stream, body) VALUES (@position, @id, @stream, @body)',
    )
    this.exists = db.prepare('SELECT 1 FROM outbox WHERE id = ?').pluck()
    this.nextPosition = db.prepare('SELECT coalesce(max(position), 0) + 1 FROM outbox').pluck()
    this.selectAll = db.prepare('SELECT * FROM outbox ORDER BY position')
    this.deleteOne = db.prepare('DELETE FROM outbox WHERE id = ?')
    this.countAll = db.prepare('SELECT count(*) FROM outbox').pluck()
  }

  /** Queues an item; an id already queued keeps its first content and place (false). */
  enqueue<T>(item: NewOutboxItem<T>): boolean {
    const id = requireName('outbox id', item.id)
    const stream = requireName('stream id', item.stream)
    return durably(this.ctx.db, () => {
      if (this.exists.get(id) !== undefined) return false
      const position = this.nextPosition.get() as number
      const body = this.ctx.sealer.sealJson(TABLE, [id, stream, position], item.data)
      this.insert.run({ position, id, stream, body })
      return true
    })
  }

  list<T>(): OutboxItem<T>[] {
    const items: OutboxItem<T>[] = []
    for (const row of this.selectAll.all() as OutboxRow[]) {
      const opened = this.ctx.sealer.openJson(TABLE, [row.id, row.stream, row.position], row.body)
      if (opened === null) {
        this.deleteOne.run(row.id)
        this.ctx.reportCorrupt({ table: 'outbox', id: row.id })
      } else items.push({ id: row.id, stream: row.stream, data: opened.value as T })
    }
    return items
  }

  remove(id: string): boolean {
    requireName('outbox id', id)
    return durably(this.ctx.db, () => this.deleteOne.run(id).changes > 0)
  }

  size(): number {
    return this.countAll.get() as number
  }
}

/**
 * Runs `write` in a transaction synced to disk on commit. The rest of the cache can be
 * re-fetched after a power cut; the outbox holds what the server has not seen yet.
 */
function durably<R>(db: Database.Database, write: () => R): R {
  db.pragma('synchronous = FULL')
  try {
    return db.transaction(write)()
  } finally {
    db.pragma('synchronous = NORMAL')
  }
}
