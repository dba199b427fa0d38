// Locks the app after a stretch of inactivity. One timer: activity only moves a deadline, and
// when the timer fires early (activity came in meanwhile) it re-arms for what is left, so a
// busy UI calling touch() on every request never churns timers.

/** setTimeout's largest delay (2^31 − 1 ms); longer waits are re-armed in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1

export interface AutoLockOptions {
  /** Minutes of inactivity before locking, read whenever the timer is armed; 0 = never. */
  readonly minutes: () => number
  /** Called once when the idle time ran out. */
  readonly onExpire: () => void
  readonly now?: () => number
}

export class AutoLock {
  private readonly now: () => number
  private timer: ReturnType<typeof setTimeout> | null = null
  private lastActivity = 0
  private running = false

  constructor(private readonly options: AutoLockOptions) {
    this.now = options.now ?? (() => Date.now())
  }

  /** Starts watching from now (after an unlock). */
  start(): void {
    this.running = true
    this.lastActivity = this.now()
    this.reschedule()
  }

  /** Marks activity: postpones the lock by the full idle time. */
  touch(): void {
    if (!this.running) return
    this.lastActivity = this.now()
    if (this.timer === null) this.arm()
  }

  /** Re-reads the idle time after the setting changed (a shorter one must not wait for the old timer). */
  reschedule(): void {
    if (!this.running) return
    this.clear()
    this.arm()
  }

  /** Stops watching (on lock or logout). */
  stop(): void {
    this.running = false
    this.clear()
  }

  private arm(): void {
    const idleMs = this.idleMs()
    if (idleMs === null) return
    const remaining = this.lastActivity + idleMs - this.now()
    this.timer = setTimeout(() => this.fire(), Math.min(Math.max(remaining, 0), MAX_DELAY_MS))
    this.timer.unref?.()
  }

  private fire(): void {
    this.timer = null
    if (!this.running) return
    const idleMs = this.idleMs()
    if (idleMs === null) return
    if (this.now() - this.lastActivity < idleMs) {
      this.arm()
      return
    }
    this.running = false
    this.options.onExpire()
  }

  private idleMs(): number | null {
    const minutes = this.options.minutes()
    if (!Number.isFinite(minutes) || minutes <= 0) return null
    return minutes * 60_000
  }

  private clear(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }
}
