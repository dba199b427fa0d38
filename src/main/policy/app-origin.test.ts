import { describe, expect, it } from 'vitest'
import { isTrustedSender } from '../ipc-policy'
import { APP_INDEX_URL, appOrigin, appOriginString, appStartUrl, isAppUrl } from './app-origin'

describe('appOrigin', () => {
  it('is app://paracord when built, and the dev server only when one is given', () => {
    const built = appOrigin(null)
    expect(appStartUrl(built)).toBe('app://paracord/index.html')
    expect(appOriginString(built)).toBe('app://paracord')
    const dev = appOrigin('http://localhost:5173/some/path')
    expect(appStartUrl(dev)).toBe('http://localhost:5173/')
    expect(appOriginString(dev)).toBe('http://localhost:5173')
  })

  it('tells the app’s own URLs from everything else', () => {
    const built = appOrigin(null)
    expect(isAppUrl('app://paracord/assets/index.js', built)).toBe(true)
    expect(isAppUrl('app://paracord', built)).toBe(true)
    expect(isAppUrl('app://other/index.html', built)).toBe(false)
    expect(isAppUrl('https://paracord/index.html', built)).toBe(false)
    expect(isAppUrl('file:///index.html', built)).toBe(false)
    expect(isAppUrl('not a url', built)).toBe(false)
  })

  it('is what the IPC sender check trusts', () => {
    const facts = { isMainFrame: true, webContentsId: 1, appWebContentsId: 1 }
    expect(isTrustedSender({ ...facts, frameUrl: `${APP_INDEX_URL}#/x` }, appOrigin(null))).toBe(
      true,
    )
    expect(
      isTrustedSender({ ...facts, frameUrl: 'app://paracord/other.html' }, appOrigin(null)),
    ).toBe(false)
  })
})
