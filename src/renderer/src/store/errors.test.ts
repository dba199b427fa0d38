import { describe, expect, it } from 'vitest'
import { API_ERROR_CODES, ParacordError } from '../../../shared/api-errors'
import { describeError, errorCode } from './errors'

describe('describeError', () => {
  it('says the plain words the screens promise', () => {
    expect(describeError(new ParacordError('wrong_password', 'x'))).toBe(
      'That password is not right.',
    )
    expect(describeError(new ParacordError('server_unreachable', 'x'))).toBe(
      "Can't reach the server. Check your connection.",
    )
    expect(describeError(new ParacordError('name_taken', 'x'))).toBe(
      'That name is taken. Try another one.',
    )
    expect(describeError(new ParacordError('forbidden', 'x'))).toBe(
      "You don't have permission to do that.",
    )
  })

  it('keeps the reason an invite cannot be used', () => {
    expect(
      describeError(new ParacordError('invite_invalid', 'This invite cannot be used: it expired.')),
    ).toBe('This invite cannot be used: it expired.')
    expect(describeError(new ParacordError('invite_invalid', ''))).toBe(
      'This invite cannot be used. Ask for a new one.',
    )
  })

  it('has words for every code, and never shows internals', () => {
    for (const code of API_ERROR_CODES) {
      const words = describeError(new ParacordError(code, 'stack trace at line 42'))
      expect(words.length).toBeGreaterThan(0)
      // Refusals that explain themselves (the core's own words for the person) are shown.
      if (code !== 'invite_invalid' && code !== 'weak_password' && code !== 'server_unsuitable')
        expect(words).not.toContain('line 42')
    }
  })

  it('reads the code from a plain object too (errors that crossed a process boundary)', () => {
    expect(errorCode({ code: 'locked', message: 'locked' })).toBe('locked')
    expect(describeError({ code: 'locked', message: '' })).toBe(
      'paracord is locked. Unlock it to continue.',
    )
  })

  it('falls back to a calm generic sentence for anything unknown', () => {
    expect(errorCode(new Error('boom'))).toBeNull()
    expect(describeError(new Error('boom'))).toBe('Something went wrong. Try again.')
    expect(describeError({ code: 'no_such_code' })).toBe('Something went wrong. Try again.')
    expect(describeError(undefined)).toBe('Something went wrong. Try again.')
  })
})
