// The messages table. id, stream, seq and burn_at are clear; the body is sealed with all four
// as associated data, so a body moved to another row, or a re-timed or re-ordered row, fails
// to open and is dropped. Rows whose burn_at has passed are invisible before the sweep runs.
import type { SignedField } from '../../shared/signing'
import type { CacheContext } from './context'
import type { CachedMessage, ListMessagesOptions, NewMessage } from './types'
import { requireBurnAt, requireLimit, requireName, requireSeq } from './validate'

interface MessageRow {
  readonly id: string
  readonly stream: string
  readonly seq: number
  readonly burn_at: number | null
  readonly body: Uint8Array
}

const TABLE = 'messages'
const boundFields = (row: Omit<MessageRow, 'body'>): SignedField[] => [
  row.id,
  row.stream,
  row.seq,
  row.burn_at,
]
const LIVE = '(burn_at IS NULL OR burn_at > @now)'

export class MessageStore {
  private readonly upsert
  private readonly selectOne
  private readonly selectNewest
  private readonly selectBefore
  private readonly deleteOne
  private readonly countLive
  private readonly exists
  private readonly selectDue
  private readonly selectNextBurn

  constructor(private readonly ctx: CacheContext) {
    const db = ctx.db
    this.upsert = db.prepare(
      `INSERT INTO messages (id, stream, seq, burn_at, body)
       VALUES (@id, @stream, @seq, @burn_at, @body)
       ON CONFLICT (id) DO UPDATE SET stream = excluded.stream, seq = excluded.seq,
         burn_at = excluded.burn_at, body = excluded.body`,
    )
    this.selectOne = db.prepare(`SELECT * FROM messages WHERE id = @id AND ${LIVE}`)
    this.selectNewest = db.prepare(
      `SELECT * FROM messages WHERE stream = @stream AND ${LIVE} ORDER BY seq DESC LIMIT @limit`,
    )
    this.selectBefore = db.prepare(
      `SELECT * FROM messages WHERE stream = @stream AND seq < @beforeSeq AND ${LIVE}
       ORDER BY seq DESC LIMIT @limit`,
    )
    this.deleteOne = db.prepare('DELETE FROM messages WHERE id = ?')
    this.countLive = db
      .prepare(`SELECT count(*) FROM messages WHERE stream = @stream AND ${LIVE}`)
      .pluck()
    this.exists = db.prepare('SELECT 1 FROM messages WHERE id = ?').pluck()
    this.selectDue = db.prepare('SELECT id FROM messages WHERE burn_at <= ?').pluck()
    this.selectNextBurn = db.prepare('SELECT min(burn_at) FROM messages').pluck()
  }

  /** Stores or replaces a message; false if `burnAt` has already passed (nothing stored). */
  put<T>(message: NewMessage<T>): boolean {
    const id = requireName('message id', message.id)
    const stream = requireName('stream id', message.stream)
    const seq = requireSeq('seq', message.seq)
    const burnAt = requireBurnAt(message.burnAt)
    if (burnAt !== null && burnAt <= this.ctx.now()) return false
    const row = { id, stream, seq, burn_at: burnAt }
    const body = this.ctx.sealer.sealJson(TABLE, boundFields(row), message.data)
    this.upsert.run({ ...row, body })
    return true
  }

  has(id: string): boolean {
    return this.exists.get(id) !== undefined
  }

  get<T>(id: string): CachedMessage<T> | null {
    requireName('message id', id)
    const row = this.selectOne.get({ id, now: this.ctx.now() }) as MessageRow | undefined
    return row ? (this.openRows<T>([row])[0] ?? null) : null
  }

  list<T>(stream: string, options: ListMessagesOptions): CachedMessage<T>[] {
    requireName('stream id', stream)
    const limit = requireLimit(options.limit)
    const beforeSeq =
      options.beforeSeq === undefined ? undefined : requireSeq('beforeSeq', options.beforeSeq)
    for (;;) {
      const now = this.ctx.now()
      const rows = (
        beforeSeq === undefined
          ? this.selectNewest.all({ stream, limit, now })
          : this.selectBefore.all({ stream, beforeSeq, limit, now })
      ) as MessageRow[]
      const page = this.openRows<T>(rows)
      // A corrupt row was dropped: ask again so the page is still full when it can be.
      if (page.length === rows.length) return page.reverse()
    }
  }

  delete(id: string): boolean {
    requireName('message id', id)
    return this.deleteOne.run(id).changes > 0
  }

  count(stream: string): number {
    requireName('stream id', stream)
    return this.countLive.get({ stream, now: this.ctx.now() }) as number
  }

  /** Ids of every message whose burn time has come (including ones not yet swept). */
  dueIds(now: number): string[] {
    return this.selectDue.all(now) as string[]
  }

  deleteMany(ids: readonly string[]): void {
    this.ctx.db.transaction(() => {
      for (const id of ids) this.deleteOne.run(id)
    })()
  }

  /** The soonest burn time still pending, or null. */
  nextBurnAt(): number | null {
    return (this.selectNextBurn.get() as number | null) ?? null
  }

  private openRows<T>(rows: readonly MessageRow[]): CachedMessage<T>[] {
    const opened: CachedMessage<T>[] = []
    for (const row of rows) {
      const result = this.ctx.sealer.openJson(TABLE, boundFields(row), row.body)
      if (result === null) {
        this.deleteOne.run(row.id)
        this.ctx.reportCorrupt({ table: 'messages', id: row.id })
        continue
      }
      opened.push({
        id: row.id,
        stream: row.stream,
        seq: row.seq,
        burnAt: row.burn_at,
        data: result.value as T,
      })
    }
    return opened
  }
}
