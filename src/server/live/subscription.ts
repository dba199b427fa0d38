// One stream subscription on one socket. The pump is the only thing that sends its shards, in
// seq order from its cursor `lastSentSeq`, which only moves forward: no gap and no duplicate.
// It sends from the stream's shared feed (one store read and one serialisation per shard for
// every socket on this instance) once its cursor is within the feed's ring, and reads the store
// itself only for what is older than the ring (the backlog) or to finish a rotated-out proof.
import { accessAfter, type ReadAccess } from '../read-access'
import type { Store } from '../store/types'
import { FEED_PAGE, FeedEntry, type FeedReader, type StreamFeed } from './stream-feed'

export interface SubscriptionOutlet {
  /** Sends a serialised frame; false when the connection is closed. */
  sendFrame(frame: Buffer): boolean
  /** True while the socket holds more unsent bytes than its limit. */
  overLimit(): boolean
  /**
   * Resolves once the socket's unsent backlog is back under its limit (true at once if it is
   * not over); false if the socket closed meanwhile or was cut off as a slow consumer.
   */
  drained(): Promise<boolean>
  /** The subscription ended after a key rotation; the socket should drop it. */
  revoked(stream: string, keyVersion: number): void
  failed(stream: string, error: unknown): void
}

type Progress = 'caught_up' | 'more' | 'stop'

export class LiveSubscription implements FeedReader {
  private cancelled = false
  private pumping = false
  private wokenWhilePumping = false

  constructor(
    readonly stream: string,
    private access: ReadAccess,
    private lastSentSeq: number,
    readonly feed: StreamFeed,
    private readonly store: Store,
    private readonly outlet: SubscriptionOutlet,
    private readonly now: () => number,
  ) {
    feed.add(this)
  }

  cancel(): void {
    this.cancelled = true
    this.feed.remove(this)
  }

  /** Something changed in the stream: send what is new. */
  wake(): void {
    if (this.cancelled) return
    if (this.pumping) {
      this.wokenWhilePumping = true
      return
    }
    this.pumping = true
    this.pump()
      .catch((error: unknown) => this.fail(error))
      .finally(() => (this.pumping = false))
  }

  fail(error: unknown): void {
    if (this.cancelled) return
    this.cancel()
    this.outlet.failed(this.stream, error)
  }

  private async pump(): Promise<void> {
    do {
      this.wokenWhilePumping = false
      if (!(await this.sendAvailable())) return
      // 1. A capped subscription (its key was rotated out) ends once it has everything up to
      //    the cap: nothing new can land at or below it.
      if (this.access.untilSeq !== null) {
        const fresh = await this.store.getStream(this.stream)
        if (this.cancelled) return
        this.cancel()
        this.outlet.revoked(this.stream, fresh?.keyVersion ?? this.access.keyVersion + 1)
        return
      }
    } while (this.wokenWhilePumping && !this.cancelled)
  }

  /** Sends every readable shard after the cursor; false if the subscription must stop. */
  private async sendAvailable(): Promise<boolean> {
    for (;;) {
      if (this.cancelled) return false
      const cap = this.access.untilSeq
      if (cap !== null && this.lastSentSeq >= cap) return true
      let progress: Progress
      if (cap === null && this.lastSentSeq >= this.feed.baseSeq) {
        // 2. Within the ring: its keys were read after its shards, so a rotation that any of
        //    them follows caps this proof first (a feed older than the proof changes nothing).
        const keys = this.feed.stream
        if (keys.keyVersion > this.access.keyVersion) {
          this.access = accessAfter(this.access, keys)
          if (this.access.untilSeq !== null) continue
        }
        progress = this.sendFromFeed()
        if (progress === 'more' && !(await this.outlet.drained())) progress = 'stop'
      } else {
        progress = await this.sendPageFromStore()
      }
      if (progress === 'stop') {
        this.cancel()
        return false
      }
      if (progress === 'caught_up') return true
    }
  }

  /** Sends the ring's shards after the cursor, synchronously; 'more' when the socket is full. */
  private sendFromFeed(): Progress {
    const now = this.now()
    for (let index = this.feed.firstAfter(this.lastSentSeq); ; index++) {
      const entry = this.feed.entryAt(index)
      if (entry === undefined) return 'caught_up'
      const { shard } = entry
      this.lastSentSeq = shard.seq
      // 3. Never push a shard whose burn time has passed.
      if (shard.burnAt !== null && shard.burnAt <= now) continue
      if (!this.outlet.sendFrame(entry.frame)) return 'stop'
      if (this.outlet.overLimit()) return 'more'
    }
  }

  /** One page older than the ring (or up to a rotated-out proof's cap), from the store. */
  private async sendPageFromStore(): Promise<Progress> {
    const ringBase = this.feed.baseSeq
    const page = await this.store.fetchShards(this.stream, this.lastSentSeq, FEED_PAGE, this.now())
    if (this.cancelled) return 'stop'
    // 4. Re-read the keys after the shards: a rotation since caps this proof exactly.
    if (this.access.untilSeq === null) {
      this.access = accessAfter(this.access, await this.store.getStream(this.stream))
      if (this.cancelled) return 'stop'
    }
    const cap = this.access.untilSeq ?? Infinity
    for (const shard of page) {
      if (shard.seq > cap) return 'caught_up'
      this.lastSentSeq = shard.seq
      if (shard.burnAt !== null && shard.burnAt <= this.now()) continue
      if (!this.outlet.sendFrame(new FeedEntry(shard).frame)) return 'stop'
      if (this.outlet.overLimit() && !(await this.outlet.drained())) return 'stop'
      if (this.cancelled) return 'stop'
    }
    if (page.length === FEED_PAGE) return 'more'
    if (this.access.untilSeq !== null) return 'caught_up'
    // 5. A short page held every readable shard up to the ring's base as it was before the read
    //    (all of those were committed by then): move up to it even if the last ones had burned,
    //    and go on from the ring.
    if (this.lastSentSeq < ringBase) this.lastSentSeq = ringBase
    return 'more'
  }
}
