// The web host's per-run secret: whoever holds it drives the unlocked client core, so it is
// random, compared in constant time, and never written where logs or history keep it.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

const TOKEN_BYTES = 32

/** 32 random bytes, base64url (43 characters, no padding). */
export function createToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url')
}

/** Constant-time comparison; hashing first hides the length of a wrong guess as well. */
export function tokensMatch(expected: string, offered: string | null | undefined): boolean {
  if (typeof offered !== 'string' || offered.length === 0) return false
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest()
  return timingSafeEqual(digest(expected), digest(offered))
}
