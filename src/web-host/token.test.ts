import { describe, expect, it } from 'vitest'
import { createToken, tokensMatch } from './token'

describe('web host token', () => {
  it('is 32 random bytes in base64url, different on every run', () => {
    const a = createToken()
    const b = createToken()
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(Buffer.from(a, 'base64url')).toHaveLength(32)
    expect(a).not.toBe(b)
  })

  it('matches only the exact token', () => {
    const token = createToken()
    expect(tokensMatch(token, token)).toBe(true)
    expect(tokensMatch(token, token.slice(0, -1))).toBe(false)
    expect(tokensMatch(token, token + 'A')).toBe(false)
    expect(tokensMatch(token, createToken())).toBe(false)
    expect(tokensMatch(token, '')).toBe(false)
    expect(tokensMatch(token, null)).toBe(false)
    expect(tokensMatch(token, undefined)).toBe(false)
  })
})
