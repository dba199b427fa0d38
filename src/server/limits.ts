// The per-address and per-handle bookkeeping of the abuse limits. Everything here is in memory
// and per instance, bounded in size, and driven by an injected clock so it is tested directly.
import { isIPv6 } from 'node:net'

/**
 * The client address as the limits count it: an IPv4 address as is, an IPv6 address by its /64
 * (one host is usually given a whole /64, so counting single addresses would count nothing).
 */
export function addressKey(ip: string): string {
  const bare = ip.replace(/%.*$/, '')
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)
  if (mapped) return mapped[1]!
  if (!isIPv6(bare)) return bare
  const [head = '', tail] = bare.split('::')
  const groupsOf = (part: string) =>
    part === '' ? [] : part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g]))
  const left = groupsOf(head)
  const right = tail === undefined ? [] : groupsOf(tail)
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`
}

/** Keys remembered per table before the least recently touched are forgotten. */
const MAX_KEYS = 100_000

/** Deletes the oldest entries of an insertion-ordered map beyond `max`. */
function trim<K, V>(map: Map<K, V>, max: number): void {
  for (const key of map.keys()) {
    if (map.size <= max) return
    map.delete(key)
  }
}

export interface FailureBackoffOptions {
  /** Failures allowed before each further try must wait. */
  readonly free: number
  /** The first wait; it doubles with every further failure. */
  readonly baseMs: number
  /** The longest wait: what a third party failing on purpose can impose on the owner. */
  readonly maxMs: number
  readonly now: () => number
  readonly maxKeys?: number
}

/**
 * Exponential backoff after repeated failures (failed logins of a handle from an address, of a
 * handle from anywhere, or from an address).
 * Tries made while a key must wait are refused without being judged, so they do not count; a
 * success clears the key; failures are forgotten after a quiet quarter of an hour (or maxMs).
 * A try is begun (`tried`) before its first await and ended once judged, or forgiven.
 */
export class FailureBackoff {
  private readonly entries = new Map<
    string,
    { failures: number; lastAt: number; pending: number }
  >()
  private readonly forgetAfterMs: number

  constructor(private readonly options: FailureBackoffOptions) {
    this.forgetAfterMs = Math.max(15 * 60_000, options.maxMs)
  }

  /**
   * How long `key` must still wait before its next try; 0: it may try now. Tries begun
   * (`tried`) and not yet judged count too, so concurrent tries cannot all be judged: once they
   * would use up the free failures, further ones wait (baseMs) until those are judged.
   */
  waitMs(key: string): number {
    const entry = this.entries.get(key)
    if (!entry) return 0
    const now = this.options.now()
    if (entry.pending === 0 && now - entry.lastAt >= this.forgetAfterMs) {
      this.entries.delete(key)
      return 0
    }
    const failures = now - entry.lastAt >= this.forgetAfterMs ? 0 : entry.failures
    const over = failures - this.options.free
    if (over >= 0) {
      const delay = Math.min(this.options.maxMs, this.options.baseMs * 2 ** Math.min(over, 40))
      const wait = entry.lastAt + delay - now
      if (wait > 0) return wait
    }
    if (entry.pending > 0 && failures + entry.pending >= this.options.free)
      return this.options.baseMs
    return 0
  }

  /**
   * Begins a try of `key`, before it is judged: until it ends (`failed`, `succeeded` or
   * `forgive`) concurrent tries see it.
   */
  tried(key: string): void {
    const entry = this.entries.get(key)
    if (entry) entry.pending++
    else this.set(key, { failures: 0, lastAt: 0, pending: 1 })
  }

  /** Ends a try begun by `tried` that turned out not to be judged: it does not count. */
  forgive(key: string): void {
    const entry = this.entries.get(key)
    if (!entry) return
    entry.pending = Math.max(0, entry.pending - 1)
    if (entry.pending === 0 && entry.failures === 0) this.entries.delete(key)
  }

  /** A judged failure (ending a try begun by `tried`, if there was one). */
  failed(key: string): void {
    const now = this.options.now()
    const entry = this.entries.get(key)
    const failures = entry && now - entry.lastAt < this.forgetAfterMs ? entry.failures + 1 : 1
    const pending = Math.max(0, (entry?.pending ?? 0) - 1)
    this.entries.delete(key)
    this.set(key, { failures, lastAt: now, pending })
  }

  /** A success: clears the key's failures (and ends a try begun by `tried`). */
  succeeded(key: string): void {
    const entry = this.entries.get(key)
    if (entry && entry.pending > 1) {
      entry.pending--
      entry.failures = 0
    } else this.entries.delete(key)
  }

  private set(key: string, entry: { failures: number; lastAt: number; pending: number }): void {
    this.entries.set(key, entry)
    trim(this.entries, this.options.maxKeys ?? MAX_KEYS)
  }
}

/**
 * At most `max` events per key in each fixed window of `windowMs` (registrations per address
 * per hour): small state, and a key's count resets when its window ends.
 */
export class WindowCounter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>()

  constructor(
    private readonly options: {
      readonly max: number
      readonly windowMs: number
      readonly now: () => number
      readonly maxKeys?: number
    },
  ) {}

  /** Counts one event of `key`; answers how long it must wait when over (0: it is allowed). */
  hit(key: string): number {
    const now = this.options.now()
    let window = this.windows.get(key)
    if (!window || now - window.startedAt >= this.options.windowMs) {
      this.windows.delete(key)
      window = { startedAt: now, count: 0 }
      this.windows.set(key, window)
      trim(this.windows, this.options.maxKeys ?? MAX_KEYS)
    }
    if (window.count >= this.options.max) return window.startedAt + this.options.windowMs - now
    window.count++
    return 0
  }

  /** Gives back one event of `key` counted in its current window (one that turned out free). */
  refund(key: string): void {
    const window = this.windows.get(key)
    if (window && window.count > 0) window.count--
  }
}

/** Things held per key at once (WebSockets per address, per session, per account). */
export class ConcurrencyCount {
  private readonly counts = new Map<string, number>()

  count(key: string): number {
    return this.counts.get(key) ?? 0
  }

  /** Takes one unit for `key` unless it already holds `max`; true when taken. */
  tryAcquire(key: string, max: number): boolean {
    const count = this.count(key)
    if (count >= max) return false
    this.counts.set(key, count + 1)
    return true
  }

  release(key: string): void {
    const count = this.count(key)
    if (count <= 1) this.counts.delete(key)
    else this.counts.set(key, count - 1)
  }
}

/** The request's client address as the limits count it (X-Forwarded-For per --trust-proxy). */
export const clientAddress = (request: { readonly ip: string }): string => addressKey(request.ip)
