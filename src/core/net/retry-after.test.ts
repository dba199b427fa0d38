import { describe, expect, it } from 'vitest'
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from './retry-after'

const NOW = Date.parse('2026-12-02T10:00:00Z')

describe('parseRetryAfter', () => {
  it('reads a whole number of seconds', () => {
    expect(parseRetryAfter('0', NOW)).toBe(0)
    expect(parseRetryAfter('12', NOW)).toBe(12_000)
    expect(parseRetryAfter(' 3 ', NOW)).toBe(3_000)
  })

  it('reads an HTTP date as the time left until it', () => {
    expect(parseRetryAfter('Wed, 02 Dec 2026 10:00:30 GMT', NOW)).toBe(30_000)
    expect(parseRetryAfter('Wed, 02 Dec 2026 09:59:00 GMT', NOW)).toBe(0)
  })

  it('never asks for more than the longest wait honoured', () => {
    expect(parseRetryAfter('86400', NOW)).toBe(MAX_RETRY_AFTER_MS)
    expect(parseRetryAfter('9999999999', NOW)).toBe(MAX_RETRY_AFTER_MS)
    expect(parseRetryAfter('Fri, 01 Jan 2100 00:00:00 GMT', NOW)).toBe(MAX_RETRY_AFTER_MS)
  })

  it('gives null for no header and for anything that is not seconds or a date', () => {
    for (const bad of [
      null,
      undefined,
      '',
      '-5',
      '1.5',
      '1e3',
      'soon',
      '0x10',
      '99999999999',
      '2026-12-02T10:00:30Z',
      'Wed, 02 Dec 2026 10:00:30',
      'Xxx, 99 Foo 2026 99:99:99 GMT',
    ])
      expect(parseRetryAfter(bad, NOW), String(bad)).toBeNull()
  })
})
