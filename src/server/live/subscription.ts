// One stream subscription on one socket. The pump is the only thing that sends its shards:
// it reads the store after `lastSentSeq` until nothing is left, and a post only wakes it up.
// Because the cursor only moves forward and every read starts at it, a shard that lands while
// the backlog is being read is picked up by the next pass: no gap and no duplicate.
import type { ShardRecord, Store } from '../store/types'
import { accessAfter, type ReadAccess } from '../read-access'

/** Shards read from the store per pass. */
const PAGE = 100

export interface SubscriptionOutlet {
  /** Sends a frame; false when the connection is closed. */
  sendShard(shard: ShardRecord): boolean
  /**
   * Resolves once the socket's unsent backlog is back under its limit (true at once if it is
   * not over); false if the socket closed meanwhile or was cut off as a slow consumer.
   */
  drained(): Promise<boolean>
  /** The subscription ended after a key rotation; the socket should drop it. */
  revoked(stream: string, keyVersion: number): void
  failed(stream: string, error: unknown): void
}

export class LiveSubscription {
  private cancelled = false
  private pumping = false
  private wokenWhilePumping = false

  constructor(
    readonly stream: string,
    private access: ReadAccess,
    private lastSentSeq: number,
    private readonly store: Store,
    private readonly outlet: SubscriptionOutlet,
    private readonly now: () => number,
  ) {}

  cancel(): void {
    this.cancelled = true
  }

  /** Something changed in the stream: read and send what is new. */
  wake(): void {
    if (this.cancelled) return
    if (this.pumping) {
      this.wokenWhilePumping = true
      return
    }
    this.pumping = true
    this.pump()
      .catch((error: unknown) => {
        this.cancelled = true
        this.outlet.failed(this.stream, error)
      })
      .finally(() => (this.pumping = false))
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
        this.cancelled = true
        this.outlet.revoked(this.stream, fresh?.keyVersion ?? this.access.keyVersion + 1)
        return
      }
    } while (this.wokenWhilePumping && !this.cancelled)
  }

  /** Sends every readable shard after the cursor; false if the subscription must stop. */
  private async sendAvailable(): Promise<boolean> {
    for (;;) {
      if (this.cancelled) return false
      if (this.access.untilSeq !== null && this.lastSentSeq >= this.access.untilSeq) return true
      const page = await this.store.fetchShards(this.stream, this.lastSentSeq, PAGE, this.now())
      if (this.cancelled) return false
      // 2. Re-read the keys after the shards: a rotation since caps this proof exactly.
      if (this.access.untilSeq === null) {
        this.access = accessAfter(this.access, await this.store.getStream(this.stream))
        if (this.cancelled) return false
      }
      const cap = this.access.untilSeq ?? Infinity
      for (const shard of page) {
        if (shard.seq > cap) return true
        this.lastSentSeq = shard.seq
        // 3. Never push a shard whose burn time passed while it was being read.
        if (shard.burnAt !== null && shard.burnAt <= this.now()) continue
        if (!this.outlet.sendShard(shard) || !(await this.outlet.drained())) {
          this.cancelled = true
          return false
        }
        if (this.cancelled) return false
      }
      if (page.length < PAGE) return true
    }
  }
}
