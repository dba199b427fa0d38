// The local cache as the client core sees it. Values are JSON-serialisable; the cache returns
// what was stored, so a type parameter on a getter is the caller's promise, not a check.
// Every method is synchronous (better-sqlite3 is) except opening and sweeping.

export interface NewMessage<T = unknown> {
  readonly id: string
  readonly stream: string
  readonly seq: number
  /** Milliseconds since the epoch when the message burns; null for permanent streams. */
  readonly burnAt: number | null
  readonly data: T
}

export type CachedMessage<T = unknown> = NewMessage<T>

export interface ListMessagesOptions {
  /** Only messages with a seq below this one: the page older than what is shown. */
  readonly beforeSeq?: number
  /** At most this many, 1 to MAX_LIST_LIMIT. */
  readonly limit: number
}

export interface StreamCursor {
  readonly stream: string
  readonly seq: number
}

export interface NewOutboxItem<T = unknown> {
  readonly id: string
  readonly stream: string
  readonly data: T
}

export type OutboxItem<T = unknown> = NewOutboxItem<T>

export type CacheTable = 'messages' | 'cursors' | 'outbox' | 'values'

/** A row that failed to open (moved, re-timed or damaged on disk); it was dropped. */
export interface CorruptRow {
  readonly table: CacheTable
  /** Message or outbox id, cursor stream, or value key. */
  readonly id: string
}

export type Unsubscribe = () => void

export interface LocalCache {
  /** Stores or replaces (an edit) a message; false, storing nothing, if it already burned. */
  putMessage<T>(message: NewMessage<T>): boolean
  getMessage<T = unknown>(id: string): CachedMessage<T> | null
  /**
   * The newest `limit` messages of `stream` with seq below `beforeSeq` (or the newest
   * overall), returned oldest-first, in display order. To page back, pass the first item's
   * seq as the next `beforeSeq`; a page shorter than `limit` means nothing older is cached.
   */
  listMessages<T = unknown>(stream: string, options: ListMessagesOptions): CachedMessage<T>[]
  /** Removes a message; false if there was none. */
  deleteMessage(id: string): boolean
  /** Messages of `stream` that have not burned. */
  countMessages(stream: string): number

  /** The last seq seen in `stream`, for catch-up; null if none. */
  getCursor(stream: string): number | null
  /** Sets the last seq seen in `stream` (exactly; callers decide whether it moves forward). */
  setCursor(stream: string, seq: number): void
  listCursors(): StreamCursor[]

  /** Queues a message to send later; idempotent on id (true if newly queued). */
  enqueueOutbox<T>(item: NewOutboxItem<T>): boolean
  /** Everything queued, in the order it was queued. */
  listOutbox<T = unknown>(): OutboxItem<T>[]
  /** Removes an item once the server accepted it; false if there was none. */
  removeOutbox(id: string): boolean
  outboxSize(): number

  /**
   * Sealed client state (pinned keys, group state, drafts, settings); key names are stored
   * hashed. Null when absent (so storing null itself is the same as deleting).
   */
  getValue<T = unknown>(key: string): T | null
  setValue<T>(key: string, value: T): void
  /** False if there was no such value. */
  deleteValue(key: string): boolean

  /** Told which message ids burned, after their bytes left the files. */
  onBurn(listener: (ids: string[]) => void): Unsubscribe
  /** Told of each row that failed to open and was dropped. */
  onCorrupt(listener: (row: CorruptRow) => void): Unsubscribe
  /** Burns everything due now (after wake-up from sleep, or in tests). */
  sweepNow(): Promise<void>

  /** Stops the burn timer, closes the file and wipes the keys from memory. */
  close(): void
}
