import { describe, expect, it } from 'vitest'
import { secureWebPreferences } from './web-preferences'

describe('secureWebPreferences', () => {
  const packaged = secureWebPreferences({
    preloadPath: '/opt/paracord/resources/app.asar/out/preload/index.cjs',
    development: false,
  })

  it('isolates the page: sandbox, context isolation, no Node anywhere, same-origin policy on', () => {
    expect(packaged).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
    })
  })

  it('allows no webview, insecure content, experimental or extra Blink features', () => {
    expect(packaged).toMatchObject({
      webviewTag: false,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      enableBlinkFeatures: '',
      navigateOnDragDrop: false,
    })
  })

  it('has developer tools only in development', () => {
    expect(packaged.devTools).toBe(false)
    expect(secureWebPreferences({ preloadPath: '/x/index.cjs', development: true }).devTools).toBe(
      true,
    )
  })

  it('loads the given preload and refuses a relative path', () => {
    expect(packaged.preload).toBe('/opt/paracord/resources/app.asar/out/preload/index.cjs')
    expect(
      secureWebPreferences({
        preloadPath: 'C:\\paracord\\out\\preload\\index.cjs',
        development: false,
      }).preload,
    ).toBe('C:\\paracord\\out\\preload\\index.cjs')
    expect(() =>
      secureWebPreferences({ preloadPath: 'out/preload/index.cjs', development: false }),
    ).toThrow(/must be absolute/)
  })
})
