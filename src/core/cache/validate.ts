// Argument checks at the cache's edge: a bad call fails clearly and writes nothing.

export const MAX_NAME_LENGTH = 512
export const MAX_LIST_LIMIT = 1000

export function requireName(what: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_NAME_LENGTH)
    throw new TypeError(
      `${what} must be a non-empty string of at most ${MAX_NAME_LENGTH} characters`,
    )
  return value
}

export function requireSeq(what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${what} must be a non-negative safe integer`)
  return value
}

export function requireBurnAt(value: unknown): number | null {
  if (value === null) return null
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new RangeError('burnAt must be null or a time in milliseconds since the epoch')
  return value
}

export function requireLimit(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_LIST_LIMIT)
    throw new RangeError(`limit must be an integer from 1 to ${MAX_LIST_LIMIT}`)
  return value
}
