import { beforeAll, describe, expect, it } from 'vitest'
import { fromBase64Url } from '../../shared/encoding'
import { LoginNameError } from './errors'
import { loginHandle, normaliseLoginName, validateLoginName } from './handle'
import { loadSodium } from './sodium'

beforeAll(loadSodium)

describe('loginHandle', () => {
  it('treats case, surrounding spaces and compatibility forms as the same name', () => {
    const handle = loginHandle('alice')
    expect(loginHandle('Alice ')).toBe(handle)
    expect(loginHandle('  ALICE')).toBe(handle)
    expect(loginHandle('Ａｌｉｃｅ')).toBe(handle)
  })

  it('is a 32-byte base64url hash that differs between names', () => {
    const handle = loginHandle('alice')
    expect(fromBase64Url(handle)).toHaveLength(32)
    expect(handle).not.toContain('alice')
    expect(loginHandle('alice2')).not.toBe(handle)
    expect(loginHandle('al.ice')).not.toBe(handle)
  })

  it('refuses an invalid name instead of hashing it', () => {
    expect(() => loginHandle('a b')).toThrow(LoginNameError)
  })
})

describe('validateLoginName', () => {
  it('returns the normalised name', () => {
    expect(validateLoginName(' Bob_The-Builder.2 ')).toBe('bob_the-builder.2')
    expect(normaliseLoginName('Zoë')).toBe('zoë')
    // Composed and decomposed spellings are one name.
    expect(validateLoginName('Zoe\u0308')).toBe(validateLoginName('Zo\u00eb'))
  })

  it('accepts the shortest and longest allowed names', () => {
    expect(validateLoginName('abc')).toBe('abc')
    expect(validateLoginName('a'.repeat(32))).toBe('a'.repeat(32))
  })

  const cases: Array<[string, string, RegExp]> = [
    ['ab', 'too_short', /at least 3/],
    ['   ', 'too_short', /at least 3/],
    ['a'.repeat(33), 'too_long', /at most 32/],
    ['al ice', 'invalid_character', /letters, digits/],
    ['alice@example', 'invalid_character', /letters, digits/],
    ['ali🙂ce', 'invalid_character', /letters, digits/],
  ]
  it.each(cases)('rejects %j as %s with a clear message', (name, problem, message) => {
    try {
      validateLoginName(name)
      expect.unreachable('should have thrown')
    } catch (error) {
      expect(error).toBeInstanceOf(LoginNameError)
      expect((error as LoginNameError).problem).toBe(problem)
      expect((error as LoginNameError).message).toMatch(message)
    }
  })
})
