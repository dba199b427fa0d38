// The live burn countdown on each message: compact remaining time and when it turns urgent.

export type Urgency = 'calm' | 'urgent'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/**
 * The time a message has left, never more than its whole life: the shared clock ticks once a
 * second, so a message sent since the last tick (or by someone whose clock runs ahead) has a
 * sending time after "now", and a 5 s message would otherwise start at "6s".
 */
export function remainingMs(sentAt: number, burnAt: number, now: number): number {
  return burnAt - Math.max(now, sentAt)
}

/** "2d", "5h", "12m", "9s": the largest unit, rounded up so it never reads 0 before the end. */
export function formatCountdown(remainingMs: number): string {
  if (remainingMs <= 0) return '0s'
  if (remainingMs >= DAY) return `${Math.floor(remainingMs / DAY)}d`
  if (remainingMs >= HOUR) return `${Math.floor(remainingMs / HOUR)}h`
  if (remainingMs >= MINUTE) return `${Math.floor(remainingMs / MINUTE)}m`
  return `${Math.ceil(remainingMs / SECOND)}s`
}

/** "Burns in 12 minutes": the same countdown in words for screen readers and tooltips. */
export function describeCountdown(remainingMs: number): string {
  if (remainingMs <= 0) return 'Burning now'
  const [amount, unit] =
    remainingMs >= DAY
      ? [Math.floor(remainingMs / DAY), 'day']
      : remainingMs >= HOUR
        ? [Math.floor(remainingMs / HOUR), 'hour']
        : remainingMs >= MINUTE
          ? [Math.floor(remainingMs / MINUTE), 'minute']
          : [Math.ceil(remainingMs / SECOND), 'second']
  return `Burns in ${amount} ${unit}${amount === 1 ? '' : 's'}`
}

/**
 * A message turns urgent in the last fifth of its life, but never earlier than a minute before
 * it burns and never later than five seconds before: a 10 s message glows for its last 5 s, a
 * one-day message for its last minute.
 */
export function urgencyThresholdMs(lifetimeMs: number): number {
  return Math.min(MINUTE, Math.max(5 * SECOND, lifetimeMs / 5))
}

export function burnUrgency(sentAt: number, burnAt: number, now: number): Urgency {
  return burnAt - now <= urgencyThresholdMs(burnAt - sentAt) ? 'urgent' : 'calm'
}
