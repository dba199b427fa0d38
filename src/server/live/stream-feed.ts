// One shared reader per stream on this instance. However many sockets follow a stream, a
// wake-up costs one page read and one key read, and each shard is serialised to its frame once;
// every subscription then sends the same bytes from its own cursor.
//
// The feed keeps the recent shards in a ring that covers the seqs (baseSeq, coveredThrough]:
// every shard in that range that was readable when it was read is in the ring, in seq order.
// That holds because each stream's seqs become visible as a prefix (a seq is assigned and
// committed under the stream's row lock), so reading after `coveredThrough` never skips one.
// A subscription whose cursor is below the ring reads the store itself until it catches up.
import type { ShardRecord, Store, StreamRecord } from '../store/types'
import { toShard } from '../wire'

/** Shards read from the store per pass. */
export const FEED_PAGE = 100
/** Shards kept for subscribers that are a little behind. */
const RING_SHARDS = 512
/** Ciphertext bytes kept per stream before old shards leave the ring. */
const RING_BYTES = 4 * 1024 * 1024

export class FeedEntry {
  private frameBytes: Buffer | null = null

  constructor(readonly shard: ShardRecord) {}

  /** The `shard` frame as UTF-8 JSON, built on first use and shared by every socket. */
  get frame(): Buffer {
    this.frameBytes ??= Buffer.from(JSON.stringify({ type: 'shard', shard: toShard(this.shard) }))
    return this.frameBytes
  }
}

export interface FeedReader {
  /** The feed has new shards or new keys: send what is due. */
  wake(): void
  /** The feed cannot read the store: the subscription ends with an error. */
  fail(error: unknown): void
}

export class StreamFeed {
  /** In seq order, all with seq in (baseSeq, coveredThrough]. */
  private entries: FeedEntry[] = []
  private ringBytes = 0
  private _baseSeq: number
  private _coveredThrough: number
  /** Read after every entry in the ring: its keys say how far each proof may read. */
  private _stream: StreamRecord
  private readonly readers = new Set<FeedReader>()
  private reading = false
  private wokenWhileReading = false

  /**
   * `stream` as read by the first subscribe: every seq up to its headSeq is committed.
   * `ringGrew` is told after shards join the ring (the hub caps how many rings are held).
   */
  constructor(
    private readonly store: Store,
    stream: StreamRecord,
    private readonly now: () => number,
    private readonly ringGrew: (feed: StreamFeed) => void = () => {},
  ) {
    this._stream = stream
    this._baseSeq = stream.headSeq
    this._coveredThrough = stream.headSeq
  }

  get id(): string {
    return this._stream.id
  }
  get baseSeq(): number {
    return this._baseSeq
  }
  get coveredThrough(): number {
    return this._coveredThrough
  }
  get stream(): StreamRecord {
    return this._stream
  }
  get readerCount(): number {
    return this.readers.size
  }

  add(reader: FeedReader): void {
    this.readers.add(reader)
  }

  remove(reader: FeedReader): void {
    this.readers.delete(reader)
  }

  /** The index of the first entry with seq > `after` (entries.length if none). */
  firstAfter(after: number): number {
    let low = 0
    let high = this.entries.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (this.entries[middle]!.shard.seq <= after) low = middle + 1
      else high = middle
    }
    return low
  }

  entryAt(index: number): FeedEntry | undefined {
    return this.entries[index]
  }

  /**
   * Something changed in the stream (a post at `seq`, a rotation, a lost notifier): read what is
   * new once for every reader. A post already in the ring needs no read.
   */
  wake(seq?: number): void {
    if (seq !== undefined && seq <= this._coveredThrough) return
    if (this.reading) {
      this.wokenWhileReading = true
      return
    }
    this.reading = true
    this.read()
      .catch((error: unknown) => {
        for (const reader of [...this.readers]) reader.fail(error)
      })
      .finally(() => (this.reading = false))
  }

  private async read(): Promise<void> {
    do {
      this.wokenWhileReading = false
      let full: boolean
      do {
        // 1. The page after what the ring covers, then the keys: read after the shards, they
        //    cap a rotated-out proof exactly (rotation fixes untilSeq atomically with posts).
        const page = await this.store.fetchShards(
          this.id,
          this._coveredThrough,
          FEED_PAGE,
          this.now(),
        )
        const stream = await this.store.getStream(this.id)
        full = page.length === FEED_PAGE
        // 2. Shards and keys change together, in one synchronous step, so a reader never sees
        //    a shard without the keys read after it.
        for (const shard of page) this.append(shard)
        if (stream !== null) this._stream = stream
        if (this.entries.length > 0) this.ringGrew(this)
        // 3. Every reader sends from its own cursor.
        for (const reader of this.readers) reader.wake()
      } while (full && this.readers.size > 0)
    } while (this.wokenWhileReading && this.readers.size > 0)
  }

  /**
   * Empties the ring to free its memory: it then covers nothing (baseSeq = coveredThrough), so
   * a subscription behind reads the store, exactly as one that fell behind a full ring.
   */
  dropRing(): void {
    this.entries = []
    this.ringBytes = 0
    this._baseSeq = this._coveredThrough
  }

  private append(shard: ShardRecord): void {
    if (shard.seq <= this._coveredThrough) return
    this.entries.push(new FeedEntry(shard))
    this.ringBytes += shard.body.length
    this._coveredThrough = shard.seq
    if (this.entries.length <= RING_SHARDS && this.ringBytes <= RING_BYTES) return
    // Trim to three quarters, so that the copy happens once per many appends.
    let drop = 0
    while (
      this.entries.length - drop > 1 &&
      (this.entries.length - drop > (RING_SHARDS * 3) / 4 || this.ringBytes > (RING_BYTES * 3) / 4)
    ) {
      const oldest = this.entries[drop++]!
      this.ringBytes -= oldest.shard.body.length
      this._baseSeq = oldest.shard.seq
    }
    this.entries = this.entries.slice(drop)
  }
}
