// Emoji on a machine without an emoji font: the built renderer brings Twemoji, and the web host
// hands a browser the stylesheet that names it and its file, as a font the page's policy lets
// load.
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildRenderer,
  customProperty,
  fontFamilies,
  fontFileFor,
  fontSources,
  stylesheetHref,
  type BuiltRenderer,
} from '../shared/test-built-renderer'
import { createFakeParacordApi } from './test-api'
import { startTestHost } from './test-host'
import type { RunningWebHost } from './web-host'

const EMOJI_FONT = 'Twemoji'
/** A smiley, a flag's regional indicator and a heart: three corners of the font's ranges. */
const EMOJI = ['😀', '🇩', '❤']
/** The system colour emoji fonts, which a machine that has one should keep using. */
const SYSTEM_EMOJI_FONTS = ['Apple Color Emoji', 'Segoe UI Emoji', 'Noto Color Emoji']

let renderer: BuiltRenderer
let host: RunningWebHost

beforeAll(async () => {
  renderer = await buildRenderer()
  host = await startTestHost(createFakeParacordApi(), renderer.root)
}, 120_000)
afterAll(async () => {
  await host?.close()
  await renderer?.dispose()
})

/** What a browser opening the page fetches before any emoji shows: the page, then its CSS. */
async function openPage(): Promise<{ page: Response; cssUrl: URL; css: string }> {
  const pageUrl = new URL('/', host.origin)
  const page = await fetch(pageUrl)
  expect(page.status).toBe(200)
  const cssUrl = new URL(stylesheetHref(await page.text()), pageUrl)
  const css = await fetch(cssUrl)
  expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8')
  return { page, cssUrl, css: await css.text() }
}

describe('the bundled emoji font', () => {
  it('is named in the text font stack, after the text fonts and the system emoji fonts', async () => {
    const { css } = await openPage()
    const stack = fontFamilies(customProperty(css, '--font-sans') ?? '')
    const at = (family: string) => {
      const index = stack.indexOf(family)
      expect(index, `${family} in --font-sans: ${stack.join(', ')}`).toBeGreaterThanOrEqual(0)
      return index
    }
    // Text fonts first keep digits, # and * (which the font also has) in the text face.
    expect(at('sans-serif')).toBeLessThan(at(EMOJI_FONT))
    for (const system of SYSTEM_EMOJI_FONTS) expect(at(system)).toBeLessThan(at(EMOJI_FONT))
  })

  it('covers emoji only: digits, # and * keep the text face', async () => {
    const { css } = await openPage()
    expect(fontFileFor(css, EMOJI_FONT, '😀')).not.toBeNull()
    for (const char of [...'0123456789#*']) expect(fontFileFor(css, EMOJI_FONT, char)).toBeNull()
  })

  it.each(EMOJI)(
    'serves the file for %s as font/woff2, from where the policy allows',
    async (char) => {
      const { page, cssUrl, css } = await openPage()
      const src = fontFileFor(css, EMOJI_FONT, char)
      expect(src, `no @font-face of ${EMOJI_FONT} covers ${char}`).not.toBeNull()
      const fontUrl = new URL(src!, cssUrl)
      expect(fontUrl.origin).toBe(host.origin)
      const allowed = fontSources(page.headers.get('content-security-policy') ?? '')
      expect(allowed).toContain("'self'")

      const font = await fetch(fontUrl)
      expect(font.status).toBe(200)
      expect(font.headers.get('content-type')).toBe('font/woff2')
      expect(font.headers.get('x-content-type-options')).toBe('nosniff')
      const bytes = Buffer.from(await font.arrayBuffer())
      expect(bytes.subarray(0, 4).toString('latin1')).toBe('wOF2')
    },
  )

  it('ships its one woff2 file and no other font files', async () => {
    const { css } = await openPage()
    const src = fontFileFor(css, EMOJI_FONT, '😀')
    expect(src, `no @font-face of ${EMOJI_FONT} covers 😀`).not.toBeNull()
    const assets = await readdir(join(renderer.root, 'assets'))
    const fonts = assets.filter((name) => /\.(woff2?|ttf|otf|eot)$/i.test(name))
    expect(fonts).toEqual([src!.split('/').pop()])
    expect(fonts[0]).toMatch(/\.woff2$/)
  })
})
