import { describe, expect, it } from 'vitest'
import {
  checkDue,
  compareVersions,
  offerDecision,
  restartDecision,
  statusFor,
  UPDATE_CHECK_INTERVAL_MS,
  updateFeedUrl,
  updateMode,
  type UpdateBuild,
} from './updates'

const FEED = 'https://updates.example/paracord/'
const release = (overrides: Partial<UpdateBuild> = {}): UpdateBuild => ({
  platform: 'win32',
  isPackaged: true,
  release: true,
  feedUrl: FEED,
  portable: false,
  ...overrides,
})

describe('updateMode', () => {
  it('installs only in signed release builds on Windows and macOS', () => {
    expect(updateMode(release())).toEqual({ kind: 'install', feedUrl: FEED })
    expect(updateMode(release({ platform: 'darwin' }))).toEqual({ kind: 'install', feedUrl: FEED })
  })

  it('never updates an unsigned, development or feedless build', () => {
    expect(updateMode(release({ release: false }))).toEqual({
      kind: 'off',
      reason: 'not a signed release build',
    })
    expect(updateMode(release({ isPackaged: false }))).toMatchObject({ kind: 'off' })
    expect(updateMode(release({ feedUrl: '' }))).toEqual({
      kind: 'off',
      reason: 'no HTTPS update feed was configured',
    })
    expect(updateMode(release({ feedUrl: 'http://updates.example/' }))).toMatchObject({
      kind: 'off',
    })
  })

  it('only tells where no signature is checked (Linux) or the copy cannot replace itself', () => {
    expect(updateMode(release({ platform: 'linux' }))).toEqual({
      kind: 'notify',
      feedUrl: FEED,
      reason: 'no signature to verify an update against',
    })
    expect(updateMode(release({ portable: true }))).toMatchObject({ kind: 'notify' })
  })
})

describe('updateFeedUrl', () => {
  it('takes an HTTPS folder and nothing that could hide where it leads', () => {
    expect(updateFeedUrl(' https://Updates.Example/p ')).toBe('https://updates.example/p')
    for (const bad of [
      '',
      'not a url',
      'http://updates.example/',
      'file:///srv/updates/',
      'https://user:pw@updates.example/',
      'https://updates.example/?channel=x',
      'https://updates.example/#x',
    ]) {
      expect(updateFeedUrl(bad), bad).toBeNull()
    }
  })
})

describe('checkDue', () => {
  it('checks at start and then once a day, even after sleeping through the timer', () => {
    expect(checkDue(1_000, null)).toBe(true)
    expect(checkDue(1_000 + UPDATE_CHECK_INTERVAL_MS - 1, 1_000)).toBe(false)
    expect(checkDue(1_000 + UPDATE_CHECK_INTERVAL_MS, 1_000)).toBe(true)
    expect(checkDue(1_000 + 3 * UPDATE_CHECK_INTERVAL_MS, 1_000)).toBe(true)
  })
})

describe('compareVersions', () => {
  it('orders semantic versions, a pre-release before its release', () => {
    expect(compareVersions('0.2.0', '0.1.9')).toBe(1)
    expect(compareVersions('0.10.0', '0.9.0')).toBe(1)
    expect(compareVersions('1.0.0', '1.0.0')).toBe(0)
    expect(compareVersions('v1.0.1', '1.0.0')).toBe(1)
    expect(compareVersions('1.0.0-beta.2', '1.0.0')).toBe(-1)
    expect(compareVersions('1.0.0-beta.10', '1.0.0-beta.2')).toBe(1)
    expect(compareVersions('1.0.0-beta', '1.0.0-alpha')).toBe(1)
    expect(compareVersions('1.0.0-1', '1.0.0-alpha')).toBe(-1)
    expect(compareVersions('1.0.0+build.5', '1.0.0')).toBe(0)
  })

  it('does not read what is not a version', () => {
    expect(compareVersions('1.0', '1.0.0')).toBeNull()
    expect(compareVersions('latest', '1.0.0')).toBeNull()
    expect(compareVersions('1.0.0', '')).toBeNull()
  })
})

describe('offerDecision and statusFor', () => {
  const install = updateMode(release())
  const notify = updateMode(release({ platform: 'linux' }))

  it('downloads a newer version where it can be verified, and then offers the restart', () => {
    expect(offerDecision('0.2.0', '0.1.0', install)).toBe('download')
    expect(statusFor('available', '0.2.0', '0.1.0', install)).toBeNull()
    expect(statusFor('downloaded', '0.2.0', '0.1.0', install)).toEqual({
      state: 'ready',
      version: '0.2.0',
    })
  })

  it('only says a newer version exists where it cannot be verified', () => {
    expect(offerDecision('0.2.0', '0.1.0', notify)).toBe('notify')
    expect(statusFor('available', '0.2.0', '0.1.0', notify)).toEqual({
      state: 'available',
      version: '0.2.0',
    })
    expect(statusFor('downloaded', '0.2.0', '0.1.0', notify)).toBeNull()
  })

  it('refuses a downgrade, the same version and an unreadable one', () => {
    expect(offerDecision('0.0.9', '0.1.0', install)).toBe('refuse-not-newer')
    expect(offerDecision('0.1.0', '0.1.0', install)).toBe('refuse-not-newer')
    expect(offerDecision('0.1.0-rc.1', '0.1.0', install)).toBe('refuse-not-newer')
    expect(offerDecision('next', '0.1.0', install)).toBe('refuse-unreadable-version')
    expect(statusFor('downloaded', '0.0.9', '0.1.0', install)).toBeNull()
    expect(statusFor('available', '0.0.9', '0.1.0', notify)).toBeNull()
  })
})

describe('restartDecision', () => {
  it('restarts to install only with a verified download and no call on', () => {
    const ready = { state: 'ready', version: '0.2.0' } as const
    expect(restartDecision(ready, false)).toBe('restarting')
    expect(restartDecision(ready, true)).toBe('in_call')
    expect(restartDecision({ state: 'available', version: '0.2.0' }, false)).toBe(
      'nothing_to_install',
    )
    expect(restartDecision({ state: 'none' }, false)).toBe('nothing_to_install')
  })
})
