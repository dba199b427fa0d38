import { randomBytes } from 'node:crypto'
import { fromBase64Url, toBase64Url } from '../shared/encoding'

/** `n` random bytes, base64url: ids, nonces, tokens. */
export const randomBase64Url = (n: number): string => toBase64Url(randomBytes(n))

/**
 * Throws EncodingError (answered with 400) unless `value` decodes. Fields that are signed are
 * decoded by the payload builders anyway; this is for the few that are not.
 */
export function requireBase64Url(value: string): void {
  fromBase64Url(value)
}
