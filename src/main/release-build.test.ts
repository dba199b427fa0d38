// `npm run dist…` (build/dist.mjs): a development build needs nothing and never updates; a
// release build (PARACORD_RELEASE=1) refuses to start without signing, notarization and an
// update feed, forces electron-builder to sign, and records the feed in the app.
import { describe, expect, it } from 'vitest'
import { distPlan, releaseFeedUrl, releaseProblems } from '../../build/dist-plan.mjs'
import { updateFeedUrl } from './policy/updates'

const FEED = 'https://updates.example/paracord/'
const WINDOWS_SIGNING = { CSC_LINK: '/secrets/paracord.pfx', CSC_KEY_PASSWORD: 'pw' }
const MAC_SIGNING = {
  CSC_NAME: 'Developer ID Application: paracord (TEAM123)',
  APPLE_API_KEY: '/secrets/AuthKey.p8',
  APPLE_API_KEY_ID: 'KEY123',
  APPLE_API_ISSUER: 'issuer-uuid',
}

describe('a development build', () => {
  it('builds for the platform asked, unsigned if need be, with no update feed', () => {
    const plan = distPlan({ argv: ['--linux'], env: {}, hostPlatform: 'darwin' })
    expect(plan).toEqual({
      ok: true,
      release: false,
      platform: 'linux',
      steps: [
        {
          command: 'npx',
          args: ['electron-vite', 'build'],
          env: { MAIN_VITE_PARACORD_RELEASE: '', MAIN_VITE_PARACORD_UPDATE_URL: '' },
        },
        {
          command: 'npx',
          args: ['electron-builder', '--linux', '--publish', 'never'],
          env: { PARACORD_UPDATE_URL: '' },
        },
      ],
    })
  })

  it('needs no signing environment on any platform, and defaults to this one', () => {
    for (const hostPlatform of ['linux', 'win32', 'darwin']) {
      const plan = distPlan({ argv: [], env: { PARACORD_RELEASE: '0' }, hostPlatform })
      expect(plan.ok && plan.platform).toBe(hostPlatform)
      expect(plan.ok && plan.steps[1]?.args).not.toContain('-c.forceCodeSigning=true')
    }
  })

  it('cannot be made to look like a release by a stray variable', () => {
    const plan = distPlan({
      argv: ['--win'],
      env: { MAIN_VITE_PARACORD_RELEASE: '1', PARACORD_UPDATE_URL: FEED },
      hostPlatform: 'win32',
    })
    expect(plan.ok && plan.steps[0]?.env).toEqual({
      MAIN_VITE_PARACORD_RELEASE: '',
      MAIN_VITE_PARACORD_UPDATE_URL: '',
    })
  })
})

describe('a release build', () => {
  it('fails before building when signing, notarization or the feed is missing', () => {
    const windows = distPlan({
      argv: ['--win'],
      env: { PARACORD_RELEASE: '1' },
      hostPlatform: 'win32',
    })
    expect(windows.ok).toBe(false)
    expect(!windows.ok && windows.problems).toEqual([
      expect.stringMatching(/^PARACORD_UPDATE_URL must be the HTTPS folder/),
      expect.stringMatching(/^Windows signing needs WIN_CSC_LINK and WIN_CSC_KEY_PASSWORD/),
    ])
    const mac = distPlan({
      argv: ['--mac'],
      env: { PARACORD_RELEASE: '1', PARACORD_UPDATE_URL: FEED, CSC_LINK: '/cert.p12' },
      hostPlatform: 'darwin',
    })
    expect(!mac.ok && mac.problems).toEqual([
      expect.stringMatching(/^macOS signing needs CSC_LINK and CSC_KEY_PASSWORD/),
      expect.stringMatching(/^macOS notarization needs APPLE_API_KEY/),
    ])
    const linux = distPlan({
      argv: ['--linux'],
      env: { PARACORD_RELEASE: '1', PARACORD_UPDATE_URL: 'http://updates.example/' },
      hostPlatform: 'linux',
    })
    expect(!linux.ok && linux.problems).toHaveLength(1)
  })

  it('forces signing and records that it is a release, with its feed', () => {
    const plan = distPlan({
      argv: ['--win'],
      env: { PARACORD_RELEASE: '1', PARACORD_UPDATE_URL: FEED, ...WINDOWS_SIGNING },
      hostPlatform: 'win32',
    })
    expect(plan).toEqual({
      ok: true,
      release: true,
      platform: 'win32',
      steps: [
        {
          command: 'npx',
          args: ['electron-vite', 'build'],
          env: { MAIN_VITE_PARACORD_RELEASE: '1', MAIN_VITE_PARACORD_UPDATE_URL: FEED },
        },
        {
          command: 'npx',
          args: ['electron-builder', '--win', '--publish', 'never', '-c.forceCodeSigning=true'],
          env: { PARACORD_UPDATE_URL: FEED },
        },
      ],
    })
  })

  it('takes each platform’s credentials in every documented form', () => {
    expect(releaseProblems('darwin', { PARACORD_UPDATE_URL: FEED, ...MAC_SIGNING })).toEqual([])
    expect(
      releaseProblems('darwin', {
        PARACORD_UPDATE_URL: FEED,
        CSC_LINK: '/cert.p12',
        CSC_KEY_PASSWORD: 'pw',
        APPLE_ID: 'me@example.com',
        APPLE_APP_SPECIFIC_PASSWORD: 'abcd-efgh',
        APPLE_TEAM_ID: 'TEAM123',
      }),
    ).toEqual([])
    expect(
      releaseProblems('win32', {
        PARACORD_UPDATE_URL: FEED,
        WIN_CSC_LINK: '/w.pfx',
        WIN_CSC_KEY_PASSWORD: 'pw',
      }),
    ).toEqual([])
    expect(
      releaseProblems('win32', { PARACORD_UPDATE_URL: FEED, CSC_LINK: '/w.pfx' }),
    ).toHaveLength(1)
    expect(releaseProblems('linux', { PARACORD_UPDATE_URL: FEED })).toEqual([])
  })
})

describe('dist.mjs arguments', () => {
  it('refuses what it does not know', () => {
    expect(distPlan({ argv: ['--linux', '--win'], env: {}, hostPlatform: 'linux' }).ok).toBe(false)
    expect(distPlan({ argv: ['--publish=always'], env: {}, hostPlatform: 'linux' })).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^usage: node build\/dist.mjs/)],
    })
    expect(distPlan({ argv: [], env: {}, hostPlatform: 'freebsd' })).toMatchObject({ ok: false })
    expect(distPlan({ argv: [], env: { PARACORD_RELEASE: 'yes' }, hostPlatform: 'linux' })).toEqual(
      {
        ok: false,
        problems: ['PARACORD_RELEASE must be 1 (a release build) or unset'],
      },
    )
  })
})

describe('the feed rule', () => {
  it('is the same at build time and in the app', () => {
    for (const text of [
      FEED,
      ' https://Updates.Example/p ',
      'http://updates.example/',
      'https://u:p@updates.example/',
      'https://updates.example/?x=1',
      'https://updates.example/#x',
      'file:///srv/',
      '',
      'nonsense',
    ]) {
      expect(releaseFeedUrl(text), text).toBe(updateFeedUrl(text))
    }
  })
})
