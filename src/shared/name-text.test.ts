import { describe, expect, it } from 'vitest'
import { NAME_TEXT_PATTERN, nameTextProblem } from './name-text'

const hex = (code: number) => code.toString(16).toUpperCase().padStart(4, '0')

/** Every code point of the BMP but the surrogates, as a one-character string. */
const bmp = Array.from({ length: 0x10000 }, (_, code) => code)
  .filter((code) => code < 0xd800 || code > 0xdfff)
  .map((code) => String.fromCharCode(code))

describe('what a name may contain', () => {
  it('refuses every control character', () => {
    const controls = bmp.filter((char) => /\p{Cc}/u.test(char))
    expect(controls).toHaveLength(65)
    for (const char of controls)
      expect(nameTextProblem(`a${char}b`)).toBe(
        `contains U+${hex(char.charCodeAt(0))}, a control character`,
      )
  })

  it.each([
    [0x202a, 'a direction control, which can reorder the text around it'],
    [0x202e, 'a direction control, which can reorder the text around it'],
    [0x2066, 'a direction control, which can reorder the text around it'],
    [0x2069, 'a direction control, which can reorder the text around it'],
    [0x200e, 'a direction control, which can reorder the text around it'],
    [0x200f, 'a direction control, which can reorder the text around it'],
    [0x061c, 'a direction control, which can reorder the text around it'],
    [0x2028, 'a line break'],
    [0x2029, 'a line break'],
    [0x200b, 'an invisible character'],
    [0xfeff, 'an invisible character'],
    [0x2060, 'an invisible character'],
    [0x00ad, 'an invisible character'],
    [0x3164, 'an invisible character'],
  ])('refuses U+%s and says what it is', (code, what) => {
    expect(nameTextProblem(`name${String.fromCharCode(code)}`)).toBe(
      `contains U+${hex(code)}, ${what}`,
    )
  })

  it('names the first refused character of several', () => {
    expect(nameTextProblem('a\u202Eb\u0000')).toMatch(/^contains U\+202E,/)
  })

  it.each([
    ['Hebrew', 'דנה כהן'],
    ['Arabic', 'مرحبا بالجميع'],
    ['Persian, with U+200C inside a word', 'می\u200Cخواهم'],
    ['Chinese', '读书会'],
    ['Devanagari', 'हिन्दी'],
    ['an emoji family joined with U+200D', '👩\u200D👩\u200D👧'],
    ['a flag with a variation selector', '🏳\uFE0F\u200D🌈'],
    [
      'a subdivision flag (tag characters)',
      '🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}',
    ],
    ['an empty status', ''],
  ])('accepts %s', (_, text) => {
    expect(nameTextProblem(text)).toBeNull()
    expect(new RegExp(NAME_TEXT_PATTERN).test(text)).toBe(true)
  })

  it('has a schema pattern that refuses exactly what the check refuses, with or without the u flag', () => {
    const plain = new RegExp(NAME_TEXT_PATTERN)
    const unicode = new RegExp(NAME_TEXT_PATTERN, 'u')
    const disagreements = bmp.filter((char) => {
      const allowed = nameTextProblem(char) === null
      return plain.test(char) !== allowed || unicode.test(char) !== allowed
    })
    expect(disagreements).toEqual([])
  })
})
