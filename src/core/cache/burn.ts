// Burning: one ExpiryTimer on the soonest burn_at. At that time the rows are deleted
// (secure_delete zeroes them), then a TRUNCATE checkpoint moves the zeroed pages into the
// database file and empties the WAL, so the burned bytes are gone from both files.
import type Database from 'better-sqlite3'
import { ExpiryTimer } from '../../shared/expiry-timer'
import type { MessageStore } from './messages'
import type { Unsubscribe } from './types'

const CHECKPOINT_RETRY_MS = 1000

export type BurnListener = (ids: string[]) => void

export class Burner {
  private readonly listeners = new Set<BurnListener>()
  private readonly timer: ExpiryTimer
  // Set when rows were deleted but the checkpoint could not finish; the next sweep retries.
  private checkpointOwed = false

  constructor(
    private readonly db: Database.Database,
    private readonly messages: MessageStore,
    private readonly now: () => number,
    private readonly onError: (error: unknown) => void,
  ) {
    this.timer = new ExpiryTimer({
      sweep: (at) => this.sweep(at),
      now,
      onError,
      retryMs: CHECKPOINT_RETRY_MS,
    })
  }

  schedule(burnAt: number | null): void {
    this.timer.schedule(burnAt)
  }

  sweepNow(): Promise<void> {
    return this.timer.sweepNow()
  }

  onBurn(listener: BurnListener): Unsubscribe {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  stop(): void {
    this.timer.stop()
    this.listeners.clear()
  }

  /**
   * Burns `ids` now (a message that arrived already burned); a blocked checkpoint is
   * reported and retried by the timer shortly.
   */
  burnNow(ids: readonly string[]): void {
    try {
      this.burn(ids)
    } catch (error) {
      this.onError(error)
      this.timer.schedule(this.now() + CHECKPOINT_RETRY_MS)
    }
  }

  private sweep(now: number): number | null {
    // 1-3. Delete, checkpoint and tell listeners about every message whose time has come.
    this.burn(this.messages.dueIds(now))
    // 4. Re-arm on the next pending burn.
    return this.messages.nextBurnAt()
  }

  private burn(ids: readonly string[]): void {
    // 1. Delete the rows; secure_delete zeroes their bytes in the pages.
    if (ids.length > 0) {
      this.messages.deleteMany(ids)
      this.checkpointOwed = true
    }
    try {
      // 2. Push the zeroed pages into the .db file and truncate the -wal file.
      if (this.checkpointOwed) this.checkpoint()
    } finally {
      // 3. Tell the UI, even if the checkpoint must be retried: the rows are gone already.
      if (ids.length > 0) this.notify(ids)
    }
  }

  private checkpoint(): void {
    const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[]
    if (result?.busy) throw new Error('the burn checkpoint was blocked by a reader; retrying')
    this.checkpointOwed = false
  }

  private notify(ids: readonly string[]): void {
    for (const listener of this.listeners) {
      try {
        listener([...ids])
      } catch (error) {
        this.onError(error)
      }
    }
  }
}
