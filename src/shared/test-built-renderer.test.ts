// The readers the font tests rely on pick the face that really covers a character, and read a
// policy the way a browser falls back from font-src to default-src.
import { describe, expect, it } from 'vitest'
import {
  customProperty,
  fontFamilies,
  fontFileFor,
  fontSources,
  stylesheetHref,
} from './test-built-renderer'

const CSS =
  ':root{--font-sans:system-ui, "Twemoji Mozilla", "Twemoji";--text-xs:.75rem}' +
  '@font-face{font-family:Other;src:url(./other.woff2)format("woff2")}' +
  '@font-face{font-family:Twemoji;src:url(./flags.woff2)format("woff2");unicode-range:U+1F1E6-1F1FF}' +
  "@font-face{font-family:'Twemoji';src:url('./faces.woff2') format('woff2');unicode-range:U+23,U+1F6??}"

describe('fontFileFor', () => {
  it('finds the face of the family whose unicode-range holds the character', () => {
    expect(fontFileFor(CSS, 'Twemoji', '🇩')).toBe('./flags.woff2')
    expect(fontFileFor(CSS, 'Twemoji', '😀')).toBe('./faces.woff2')
    expect(fontFileFor(CSS, 'Twemoji', '#')).toBe('./faces.woff2')
    expect(fontFileFor(CSS, 'Twemoji', 'a')).toBeNull()
    expect(fontFileFor(CSS, 'Other', 'a')).toBe('./other.woff2')
    expect(fontFileFor(CSS, 'Missing', 'a')).toBeNull()
  })

  it('refuses a unicode-range it cannot read', () => {
    const bad = '@font-face{font-family:X;src:url(x.woff2);unicode-range:1F600}'
    expect(() => fontFileFor(bad, 'X', '😀')).toThrow(/unicode-range/)
  })
})

describe('fontSources', () => {
  it('takes font-src, else default-src, else anything', () => {
    expect(fontSources("default-src 'self'; font-src 'none'")).toEqual(["'none'"])
    expect(fontSources("default-src 'self'; img-src data:")).toEqual(["'self'"])
    expect(fontSources('img-src data:')).toBe('any')
  })
})

describe('stylesheetHref, customProperty and fontFamilies', () => {
  it('read the one stylesheet link, a custom property and the families it lists', () => {
    const html =
      '<link rel="icon" href="/i.svg"><link rel="stylesheet" crossorigin href="./assets/a.css">'
    expect(stylesheetHref(html)).toBe('./assets/a.css')
    expect(() => stylesheetHref('<title>none</title>')).toThrow(/one stylesheet/)
    expect(customProperty(CSS, '--font-sans')).toBe('system-ui, "Twemoji Mozilla", "Twemoji"')
    expect(customProperty(CSS, '--missing')).toBeNull()
    // A family is found whole: 'Twemoji Mozilla' is not 'Twemoji'.
    expect(fontFamilies(customProperty(CSS, '--font-sans')!)).toEqual([
      'system-ui',
      'Twemoji Mozilla',
      'Twemoji',
    ])
    expect(fontFamilies(" 'A B' ,sans-serif")).toEqual(['A B', 'sans-serif'])
  })
})
