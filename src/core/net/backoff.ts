// Reconnect delays: exponential backoff with "full jitter" (a uniform delay below the
// exponential ceiling), so clients dropped together by a restart do not return together.

export interface BackoffPolicy {
  /** Ceiling of the first retry's delay. */
  readonly baseMs: number
  /** Largest ceiling, however many attempts have failed. */
  readonly capMs: number
}

/**
 * Capped at 2 s: a message queued during an outage must leave within about 3 s of the backend
 * answering again, and a refused connection costs the server next to nothing. Full jitter still
 * spreads a restart's reconnections over those 2 s.
 */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 2_000 }

/** The ceiling of the delay before retry number `attempt` (0 for the first retry). */
export function backoffCeiling(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  if (!Number.isSafeInteger(attempt) || attempt < 0)
    throw new RangeError(`backoff attempt must be a non-negative integer, got ${attempt}`)
  if (!(policy.baseMs >= 0) || !(policy.capMs >= 0))
    throw new RangeError('backoff base and cap must be non-negative')
  // Past 2^40 the product is beyond any cap anyway; stopping there keeps it finite.
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 40))
}

/**
 * A delay in [0, ceiling) for retry number `attempt`. `random` returns a value in [0, 1), like
 * Math.random; anything outside is clamped, so a faulty source can never yield a negative or
 * over-cap delay.
 */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  const ceiling = backoffCeiling(attempt, policy)
  const r = random()
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0
  return Math.min(Math.floor(unit * ceiling), Math.max(0, Math.ceil(ceiling) - 1))
}
