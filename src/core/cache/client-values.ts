// Sealed key/value client state. Keys are stored only as keyed BLAKE2b hashes, and each body
// is bound to its hash, so values cannot be swapped between keys on disk.
import type { CacheContext } from './context'
import { requireName } from './validate'

const TABLE = 'values'

export class ValueStore {
  private readonly upsert
  private readonly selectOne
  private readonly deleteOne

  constructor(private readonly ctx: CacheContext) {
    const db = ctx.db
    this.upsert = db.prepare(
      `INSERT INTO client_values (key_hash, body) VALUES (@keyHash, @body)
       ON CONFLICT (key_hash) DO UPDATE SET body = excluded.body`,
    )
    this.selectOne = db.prepare('SELECT body FROM client_values WHERE key_hash = ?').pluck()
    this.deleteOne = db.prepare('DELETE FROM client_values WHERE key_hash = ?')
  }

  get<T>(key: string): T | null {
    const keyHash = this.hash(key)
    const body = this.selectOne.get(keyHash) as Uint8Array | undefined
    if (body === undefined) return null
    const opened = this.ctx.sealer.openJson(TABLE, [keyHash], body)
    if (opened === null) {
      this.deleteOne.run(keyHash)
      this.ctx.reportCorrupt({ table: 'values', id: key })
      return null
    }
    return opened.value as T
  }

  set<T>(key: string, value: T): void {
    const keyHash = this.hash(key)
    this.upsert.run({ keyHash, body: this.ctx.sealer.sealJson(TABLE, [keyHash], value) })
  }

  delete(key: string): boolean {
    return this.deleteOne.run(this.hash(key)).changes > 0
  }

  private hash(key: string): Uint8Array {
    return this.ctx.sealer.hashName(requireName('value key', key))
  }
}
