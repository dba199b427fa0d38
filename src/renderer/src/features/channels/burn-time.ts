// Burn times: how long a channel's messages live, shown compactly in the channel list ("10s",
// "1d") and in words in dialogs and empty states.

/** The contract's range (ParacordApi's BURN_SECONDS_MIN/MAX); a test keeps them equal. */
export const BURN_SECONDS_MIN = 5
export const BURN_SECONDS_MAX = 14 * 24 * 3600
export const DEFAULT_BURN_SECONDS = 24 * 3600

const UNITS = [
  { seconds: 86_400, short: 'd', one: 'day', many: 'days' },
  { seconds: 3600, short: 'h', one: 'hour', many: 'hours' },
  { seconds: 60, short: 'm', one: 'minute', many: 'minutes' },
  { seconds: 1, short: 's', one: 'second', many: 'seconds' },
] as const

export type BurnUnit = 'seconds' | 'minutes' | 'hours' | 'days'

export const BURN_UNIT_SECONDS: Readonly<Record<BurnUnit, number>> = {
  seconds: 1,
  minutes: 60,
  hours: 3600,
  days: 86_400,
}

export interface BurnPreset {
  readonly seconds: number
  readonly label: string
}

export const BURN_PRESETS: readonly BurnPreset[] = [
  5,
  30,
  60,
  5 * 60,
  3600,
  8 * 3600,
  86_400,
  7 * 86_400,
  14 * 86_400,
].map((seconds) => ({ seconds, label: formatBurnShort(seconds) }))

/** The largest unit that divides the time exactly, so "90s" stays 90s, not a rounded "1m". */
function exactUnit(seconds: number) {
  return UNITS.find((unit) => seconds % unit.seconds === 0) ?? UNITS[3]
}

/** "5s", "10m", "8h", "1d": the channel list's burn badge. */
export function formatBurnShort(seconds: number): string {
  const unit = exactUnit(seconds)
  return `${seconds / unit.seconds}${unit.short}`
}

/** "10 seconds", "1 day", "14 days": burn time in words. */
export function formatBurnLong(seconds: number): string {
  const unit = exactUnit(seconds)
  const count = seconds / unit.seconds
  return `${count} ${count === 1 ? unit.one : unit.many}`
}

export type BurnParse =
  { readonly ok: true; readonly seconds: number } | { readonly ok: false; readonly error: string }

/** Reads a custom burn time typed as an amount and a unit; explains what is wrong if it can't. */
export function parseBurn(amount: string, unit: BurnUnit): BurnParse {
  const trimmed = amount.trim()
  if (!/^\d+$/.test(trimmed)) return { ok: false, error: 'Enter a whole number.' }
  const seconds = Number(trimmed) * BURN_UNIT_SECONDS[unit]
  if (seconds < BURN_SECONDS_MIN)
    return { ok: false, error: 'The shortest burn time is 5 seconds.' }
  if (seconds > BURN_SECONDS_MAX) return { ok: false, error: 'The longest burn time is 14 days.' }
  return { ok: true, seconds }
}

/** The amount and unit a custom picker shows for a burn time. */
export function splitBurn(seconds: number): { amount: string; unit: BurnUnit } {
  const unit = exactUnit(seconds)
  const name = (Object.keys(BURN_UNIT_SECONDS) as BurnUnit[]).find(
    (key) => BURN_UNIT_SECONDS[key] === unit.seconds,
  )
  return { amount: String(seconds / unit.seconds), unit: name ?? 'seconds' }
}
