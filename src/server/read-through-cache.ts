// A small bounded read-through cache for records the hot paths read on every request
// (sessions, stream policies). Correctness rests on invalidation, not on the age limit: the
// owner drops entries the moment the record changes (a local write or a LiveNotifier event
// from another instance). The age limit only bounds staleness if such an event were lost.

export interface ReadThroughCacheOptions {
  /** Entries kept; the oldest insertion goes first. */
  readonly maxEntries: number
  /** An entry older than this is read again. */
  readonly maxAgeMs: number
  readonly now: () => number
}

interface Entry<V> {
  readonly value: V
  readonly cachedAt: number
}

export class ReadThroughCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>()
  /**
   * Bumped by every invalidation. A read that started before an invalidation must not be
   * cached when it returns: it may hold the record from before the change.
   */
  private generation = 0

  constructor(
    private readonly load: (key: K) => Promise<V | null>,
    private readonly options: ReadThroughCacheOptions,
  ) {}

  get size(): number {
    return this.entries.size
  }

  /** The cached value if there is a fresh one, without reading the store; else undefined. */
  peek(key: K): V | undefined {
    const entry = this.entries.get(key)
    if (entry === undefined || this.options.now() - entry.cachedAt >= this.options.maxAgeMs)
      return undefined
    return entry.value
  }

  /** The cached value, or the store's (cached if nothing was invalidated meanwhile). */
  async get(key: K): Promise<V | null> {
    const entry = this.entries.get(key)
    if (entry !== undefined) {
      if (this.options.now() - entry.cachedAt < this.options.maxAgeMs) return entry.value
      this.entries.delete(key)
    }
    const generation = this.generation
    const value = await this.load(key)
    if (value !== null && generation === this.generation) {
      this.entries.set(key, { value, cachedAt: this.options.now() })
      if (this.entries.size > this.options.maxEntries)
        this.entries.delete(this.entries.keys().next().value as K)
    }
    return value
  }

  delete(key: K): void {
    this.generation += 1
    this.entries.delete(key)
  }

  /** Drops every entry whose value matches (rare events: a scan is fine). */
  deleteWhere(matches: (value: V, key: K) => boolean): void {
    this.generation += 1
    for (const [key, entry] of this.entries) if (matches(entry.value, key)) this.entries.delete(key)
  }

  clear(): void {
    this.generation += 1
    this.entries.clear()
  }
}
