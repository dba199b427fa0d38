// Per-stream cursors: the last seq seen, for catch-up. Both columns are clear (ids and seq);
// a sealed empty tag binds them, so a seq edited on disk is caught rather than believed.
import type { CacheContext } from './context'
import type { StreamCursor } from './types'
import { requireName, requireSeq } from './validate'

interface CursorRow {
  readonly stream: string
  readonly seq: number
  readonly tag: Uint8Array
}

const TABLE = 'cursors'

export class CursorStore {
  private readonly upsert
  private readonly selectOne
  private readonly selectAll
  private readonly deleteOne

  constructor(private readonly ctx: CacheContext) {
    const db = ctx.db
    this.upsert = db.prepare(
      `INSERT INTO cursors (stream, seq, tag) VALUES (@stream, @seq, @tag)
       ON CONFLICT (stream) DO UPDATE SET seq = excluded.seq, tag = excluded.tag`,
    )
    this.selectOne = db.prepare('SELECT * FROM cursors WHERE stream = ?')
    this.selectAll = db.prepare('SELECT * FROM cursors ORDER BY stream')
    this.deleteOne = db.prepare('DELETE FROM cursors WHERE stream = ?')
  }

  get(stream: string): number | null {
    requireName('stream id', stream)
    const row = this.selectOne.get(stream) as CursorRow | undefined
    return row ? (this.openRows([row])[0]?.seq ?? null) : null
  }

  set(stream: string, seq: number): void {
    requireName('stream id', stream)
    requireSeq('seq', seq)
    this.upsert.run({ stream, seq, tag: this.ctx.sealer.tag(TABLE, [stream, seq]) })
  }

  list(): StreamCursor[] {
    return this.openRows(this.selectAll.all() as CursorRow[])
  }

  private openRows(rows: readonly CursorRow[]): StreamCursor[] {
    const opened: StreamCursor[] = []
    for (const row of rows) {
      if (this.ctx.sealer.checkTag(TABLE, [row.stream, row.seq], row.tag))
        opened.push({ stream: row.stream, seq: row.seq })
      else {
        this.deleteOne.run(row.stream)
        this.ctx.reportCorrupt({ table: 'cursors', id: row.stream })
      }
    }
    return opened
  }
}
