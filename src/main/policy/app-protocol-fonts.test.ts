// Emoji on a machine without an emoji font, in the desktop app: app://paracord/ serves the built
// renderer's bundled Twemoji file as a font, from the origin its policy allows fonts from.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rendererPolicy } from '../../shared/renderer-csp'
import {
  buildRenderer,
  fontFileFor,
  fontSources,
  stylesheetHref,
  type BuiltRenderer,
} from '../../shared/test-built-renderer'
import { APP_ORIGIN } from './app-origin'
import { createAppProtocolHandler, type AppProtocolHandler } from './app-protocol'

let renderer: BuiltRenderer
let handle: AppProtocolHandler

beforeAll(async () => {
  renderer = await buildRenderer()
  handle = await createAppProtocolHandler(renderer.root)
}, 120_000)
afterAll(() => renderer?.dispose())

const get = (url: URL) => handle(new Request(url))

describe('the bundled emoji font on app://paracord/', () => {
  it.each(['😀', '🇩', '❤'])(
    'is served for %s as font/woff2 from the app origin, which both policies allow fonts from',
    async (char) => {
      const pageUrl = new URL('/', APP_ORIGIN)
      const page = await get(pageUrl)
      const html = await page.text()
      const cssUrl = new URL(stylesheetHref(html), pageUrl)
      const css = await get(cssUrl)
      expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8')

      const src = fontFileFor(await css.text(), 'Twemoji', char)
      expect(src, `no @font-face of Twemoji covers ${char}`).not.toBeNull()
      const fontUrl = new URL(src!, cssUrl)
      expect(`${fontUrl.protocol}//${fontUrl.host}`).toBe(APP_ORIGIN)
      // The header policy and the page's own <meta> policy both apply: each must let it load.
      expect(fontSources(page.headers.get('content-security-policy') ?? '')).toContain("'self'")
      expect(fontSources((rendererPolicy(html) ?? []).join('; '))).toContain("'self'")

      const font = await get(fontUrl)
      expect(font.status).toBe(200)
      expect(font.headers.get('content-type')).toBe('font/woff2')
      expect(font.headers.get('x-content-type-options')).toBe('nosniff')
      const bytes = Buffer.from(await font.arrayBuffer())
      expect(bytes.subarray(0, 4).toString('latin1')).toBe('wOF2')
    },
  )
})
