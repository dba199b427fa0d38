// The Retry-After header of a refusal (429, 503): how long the server asks the client to wait,
// in seconds or as an HTTP date (RFC 9110 section 10.2.3).

/**
 * The longest wait honoured. The backend's own windows are a minute; a server asking for more
 * would leave messages waiting for hours, so the client tries again after this at the latest.
 */
export const MAX_RETRY_AFTER_MS = 10 * 60_000

/**
 * The wait in ms that `header` asks for, at most MAX_RETRY_AFTER_MS; null when there is no
 * header or it is neither a whole number of seconds nor an HTTP date. A date in the past is 0.
 */
export function parseRetryAfter(header: string | null | undefined, now: number): number | null {
  if (header === null || header === undefined) return null
  const text = header.trim()
  if (/^\d{1,10}$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS)
  // An HTTP date names its weekday and GMT; Date.parse alone accepts far looser text.
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return null
  const at = Date.parse(text)
  if (!Number.isFinite(at)) return null
  return Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS)
}
