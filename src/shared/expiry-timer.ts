// One timer on the soonest expiry, re-armed after each sweep (as Signal's expiring-message
// service does), so a thousand burning messages cost one timer, not a thousand.

/** setTimeout's largest delay; longer waits are re-armed in steps. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1

export interface ExpiryTimerOptions {
  /** Removes everything due at `now` and returns the next expiry still pending, or null. */
  readonly sweep: (now: number) => Promise<number | null> | number | null
  readonly now?: () => number
  /** Called when a sweep throws; the timer retries after `retryMs`. */
  readonly onError?: (error: unknown) => void
  readonly retryMs?: number
}

export class ExpiryTimer {
  private timer: ReturnType<typeof setTimeout> | null = null
  private armedFor: number | null = null
  private running: Promise<void> | null = null
  private stopped = false
  /** The soonest expiry announced while a sweep ran; re-applied when it finishes. */
  private announcedDuringSweep: number | null = null
  private readonly now: () => number

  constructor(private readonly options: ExpiryTimerOptions) {
    this.now = options.now ?? Date.now
  }

  /** Tells the timer something expires at `at`; it fires then unless already armed sooner. */
  schedule(at: number | null): void {
    if (at === null || this.stopped) return
    if (this.running) {
      // The sweep may already have read the store: keep it for after the sweep re-arms.
      this.announcedDuringSweep = Math.min(this.announcedDuringSweep ?? at, at)
    }
    if (this.armedFor !== null && this.armedFor <= at) return
    this.arm(at)
  }

  /** Sweeps now and re-arms on the next expiry. Concurrent calls share one sweep. */
  async sweepNow(): Promise<void> {
    if (this.running) return this.running
    const run = async (): Promise<void> => {
      try {
        const next = await this.options.sweep(this.now())
        this.armedFor = null
        const announced = this.announcedDuringSweep
        this.announcedDuringSweep = null
        this.schedule(next)
        this.schedule(announced)
      } catch (error) {
        this.options.onError?.(error)
        this.arm(this.now() + (this.options.retryMs ?? 1000))
      }
    }
    // Cleared after the run settles, even when the sweep throws synchronously.
    this.running = run().finally(() => (this.running = null))
    return this.running
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.armedFor = null
  }

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer)
    this.armedFor = at
    const delay = Math.min(Math.max(0, at - this.now()), MAX_TIMER_DELAY_MS)
    this.timer = setTimeout(() => {
      this.timer = null
      if (this.now() >= at) void this.sweepNow()
      else this.arm(at) // a wait longer than setTimeout's limit: step again
    }, delay)
    this.timer.unref?.()
  }
}
