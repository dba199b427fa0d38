// One account's encrypted local cache: an SQLite file whose sensitive columns are sealed with
// a key kept in the user's vault (never beside the file), and whose burning messages leave
// the disk at their burn time.
import type Database from 'better-sqlite3'
import { Burner } from './burn'
import type { CacheContext } from './context'
import { ValueStore } from './client-values'
import { CursorStore } from './cursors'
import { openDatabase } from './database'
import { CacheClosedError } from './errors'
import { MessageStore } from './messages'
import { OutboxStore } from './outbox'
import { createSealer, type CacheSealer } from './sealing'
import type {
  CachedMessage,
  CorruptRow,
  ListMessagesOptions,
  LocalCache,
  NewMessage,
  NewOutboxItem,
  OutboxItem,
  StreamCursor,
  Unsubscribe,
} from './types'

export interface OpenCacheOptions {
  /** The account's cache file. */
  readonly path: string
  /** 32 bytes from the user's vault. The cache derives its own keys and keeps no copy of it. */
  readonly cacheKey: Uint8Array
  /** Clock for burn times; Date.now by default. */
  readonly now?: () => number
  /** Background failures (a blocked checkpoint, a throwing listener); console.error by default. */
  readonly onError?: (error: unknown) => void
}

/**
 * Opens (creating or upgrading) the cache at `path`. Throws CacheKeyError for a wrong key,
 * CacheCorruptError for a file that is not a paracord cache, CacheVersionError for a newer one.
 * Messages already due are burned before it resolves.
 */
export async function openCache(options: OpenCacheOptions): Promise<LocalCache> {
  const sealer = await createSealer(options.cacheKey)
  let db
  try {
    db = openDatabase(options.path, sealer)
  } catch (error) {
    sealer.wipe()
    throw error
  }
  const cache = new SqliteLocalCache(
    db,
    sealer,
    options.now ?? Date.now,
    options.onError ?? ((error: unknown) => console.error('local cache:', error)),
  )
  await cache.sweepNow()
  return cache
}

class SqliteLocalCache implements LocalCache {
  private readonly corruptListeners = new Set<(row: CorruptRow) => void>()
  private readonly messages: MessageStore
  private readonly cursors: CursorStore
  private readonly outbox: OutboxStore
  private readonly values: ValueStore
  private readonly burner: Burner
  private closed = false

  constructor(
    private readonly db: Database.Database,
    private readonly sealer: CacheSealer,
    now: () => number,
    private readonly onError: (error: unknown) => void,
  ) {
    const context: CacheContext = {
      db,
      sealer,
      now,
      reportCorrupt: (row) => this.reportCorrupt(row),
    }
    this.messages = new MessageStore(context)
    this.cursors = new CursorStore(context)
    this.outbox = new OutboxStore(context)
    this.values = new ValueStore(context)
    this.burner = new Burner(db, this.messages, now, onError)
  }

  putMessage<T>(message: NewMessage<T>): boolean {
    this.ensureOpen()
    if (this.messages.put(message)) {
      this.burner.schedule(message.burnAt)
      return true
    }
    // Already burned: a copy cached earlier burns now too.
    if (this.messages.has(message.id)) this.burner.burnNow([message.id])
    return false
  }

  getMessage<T = unknown>(id: string): CachedMessage<T> | null {
    this.ensureOpen()
    return this.messages.get<T>(id)
  }

  listMessages<T = unknown>(stream: string, options: ListMessagesOptions): CachedMessage<T>[] {
    this.ensureOpen()
    return this.messages.list<T>(stream, options)
  }

  deleteMessage(id: string): boolean {
    this.ensureOpen()
    return this.messages.delete(id)
  }

  countMessages(stream: string): number {
    this.ensureOpen()
    return this.messages.count(stream)
  }

  getCursor(stream: string): number | null {
    this.ensureOpen()
    return this.cursors.get(stream)
  }

  setCursor(stream: string, seq: number): void {
    this.ensureOpen()
    this.cursors.set(stream, seq)
  }

  listCursors(): StreamCursor[] {
    this.ensureOpen()
    return this.cursors.list()
  }

  enqueueOutbox<T>(item: NewOutboxItem<T>): boolean {
    this.ensureOpen()
    return this.outbox.enqueue(item)
  }

  listOutbox<T = unknown>(): OutboxItem<T>[] {
    this.ensureOpen()
    return this.outbox.list<T>()
  }

  removeOutbox(id: string): boolean {
    this.ensureOpen()
    return this.outbox.remove(id)
  }

  outboxSize(): number {
    this.ensureOpen()
    return this.outbox.size()
  }

  getValue<T = unknown>(key: string): T | null {
    this.ensureOpen()
    return this.values.get<T>(key)
  }

  setValue<T>(key: string, value: T): void {
    this.ensureOpen()
    this.values.set(key, value)
  }

  deleteValue(key: string): boolean {
    this.ensureOpen()
    return this.values.delete(key)
  }

  onBurn(listener: (ids: string[]) => void): Unsubscribe {
    this.ensureOpen()
    return this.burner.onBurn(listener)
  }

  onCorrupt(listener: (row: CorruptRow) => void): Unsubscribe {
    this.ensureOpen()
    this.corruptListeners.add(listener)
    return () => this.corruptListeners.delete(listener)
  }

  async sweepNow(): Promise<void> {
    this.ensureOpen()
    await this.burner.sweepNow()
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.burner.stop()
    this.corruptListeners.clear()
    this.db.close()
    this.sealer.wipe()
  }

  private reportCorrupt(row: CorruptRow): void {
    for (const listener of this.corruptListeners) {
      try {
        listener(row)
      } catch (error) {
        this.onError(error)
      }
    }
  }

  private ensureOpen(): void {
    if (this.closed) throw new CacheClosedError()
  }
}
