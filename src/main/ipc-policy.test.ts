import { describe, expect, it } from 'vitest'
import { isTrustedSender, type AppOrigin, type SenderFacts } from './ipc-policy'

const packaged: AppOrigin = {
  kind: 'file',
  indexUrl: 'file:///opt/paracord/resources/app.asar/out/renderer/index.html',
}
const facts = (overrides: Partial<SenderFacts>): SenderFacts => ({
  frameUrl: 'file:///opt/paracord/resources/app.asar/out/renderer/index.html#/channels',
  isMainFrame: true,
  webContentsId: 7,
  appWebContentsId: 7,
  ...overrides,
})

describe('isTrustedSender', () => {
  it("accepts the app's own top-level page, whatever its hash route", () => {
    expect(isTrustedSender(facts({}), packaged)).toBe(true)
  })

  it('refuses other files, subframes, other windows and unparseable URLs', () => {
    expect(isTrustedSender(facts({ frameUrl: 'file:///tmp/evil.html' }), packaged)).toBe(false)
    expect(isTrustedSender(facts({ isMainFrame: false }), packaged)).toBe(false)
    expect(isTrustedSender(facts({ webContentsId: 8 }), packaged)).toBe(false)
    expect(isTrustedSender(facts({ appWebContentsId: null }), packaged)).toBe(false)
    expect(isTrustedSender(facts({ frameUrl: 'not a url' }), packaged)).toBe(false)
    expect(
      isTrustedSender(facts({ frameUrl: 'https://example.com/out/renderer/index.html' }), packaged),
    ).toBe(false)
  })

  it('in development trusts only the dev server origin', () => {
    const dev: AppOrigin = { kind: 'dev', origin: 'http://localhost:5173' }
    expect(isTrustedSender(facts({ frameUrl: 'http://localhost:5173/' }), dev)).toBe(true)
    expect(isTrustedSender(facts({ frameUrl: 'http://localhost:5174/' }), dev)).toBe(false)
    expect(isTrustedSender(facts({ frameUrl: 'http://127.0.0.1.evil.com:5173/' }), dev)).toBe(false)
  })
})
