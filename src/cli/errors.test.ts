import { describe, expect, it } from 'vitest'
import { API_ERROR_CODES, ParacordError } from '../shared/api'
import { CliError, EXIT_FAILURE, EXIT_USAGE, describeError, exitCodeOf } from './errors'
import { ResolveError } from './resolve'

const context = { serverUrl: 'http://127.0.0.1:8443', dataDir: './paracord-data' }

describe('describeError', () => {
  it('gives every ParacordError code a one-line reason', () => {
    for (const code of API_ERROR_CODES) {
      const text = describeError(new ParacordError(code, 'details\nover two lines'), context)
      expect(text).not.toContain('\n')
      expect(text.length).toBeGreaterThan(5)
    }
  })

  it('words the common failures for a person', () => {
    expect(describeError(new ParacordError('wrong_password', 'x'), context)).toBe('wrong password')
    expect(describeError(new ParacordError('server_unreachable', 'ECONNREFUSED'), context)).toBe(
      'cannot reach the paracord backend at http://127.0.0.1:8443 (is it running? see --server)',
    )
    expect(describeError(new ParacordError('signed_out', 'x'), context)).toContain(
      '`paracord login NAME`',
    )
    expect(describeError(new ParacordError('invite_invalid', 'x'), context)).toContain('expired')
  })

  it('says why a password is refused in the core’s own words', () => {
    const reason = 'The password is too easy to guess. This is a commonly used password.'
    expect(describeError(new ParacordError('weak_password', reason), context)).toBe(reason)
  })

  it('keeps the core’s details where they say what went wrong', () => {
    expect(
      describeError(new ParacordError('forbidden', 'only admins may create channels'), context),
    ).toBe('not allowed: only admins may create channels')
    expect(describeError(new ParacordError('not_found', ''), context)).toBe('not found')
  })

  it('reads the code of an error object from another module copy', () => {
    expect(describeError({ code: 'name_taken', message: 'taken' }, context)).toBe(
      'that name is already taken: choose another one',
    )
  })

  it('passes plain errors through on one line', () => {
    expect(describeError(new Error('disk full\n  at x'), context)).toBe('disk full at x')
    expect(describeError('weird', context)).toBe('weird')
  })
})

describe('exitCodeOf', () => {
  it('is 1 for failures and the CLI error’s own code otherwise', () => {
    expect(exitCodeOf(new ParacordError('internal', 'x'))).toBe(EXIT_FAILURE)
    expect(exitCodeOf(new ResolveError('no server'))).toBe(EXIT_FAILURE)
    expect(exitCodeOf(new CliError('late usage', EXIT_USAGE))).toBe(EXIT_USAGE)
  })
})
