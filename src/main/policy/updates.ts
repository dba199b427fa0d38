// When and how the installed app updates itself (electron-updater, from a generic HTTPS feed
// the operator hosts; see README "Updates"). Decided here, applied by updater.ts:
//   - Only a packaged release build (`PARACORD_RELEASE=1 npm run dist…`, which refuses to build
//     unsigned) looks for updates at all; a development or unsigned build never does.
//   - It checks at start and then once a day (a machine that slept past the day checks on its
//     next tick).
//   - An update is installed only where its signature is verified before it runs: on Windows
//     electron-updater checks the installer's Authenticode signature against the publisher the
//     release build recorded, on macOS Squirrel.Mac checks the new app's code signature against
//     the running one's. Linux packages (AppImage, deb) carry no signature electron-updater
//     checks, and the Windows portable .exe cannot replace itself: those copies only say that a
//     newer version exists.
//   - A version that is not newer than the running one is refused (no downgrade), as is one
//     whose version cannot be read.
//   - Nothing installs by itself: the page shows "Restart to update", and the restart is
//     refused while a voice call is on.
import type { RestartOutcome, UpdateStatus } from '../../shared/desktop-api'

export const UPDATE_CHECK_INTERVAL_MS = 24 * 60 * 60 * 1000
/** How often the shell asks whether a check is due (sleep stops timers; the clock does not). */
export const UPDATE_TICK_MS = 60 * 60 * 1000

export interface UpdateBuild {
  readonly platform: string
  readonly isPackaged: boolean
  /** Built by the release build, which signs (build/dist-plan.mjs). */
  readonly release: boolean
  /** The operator's feed, recorded by the release build; '' when there is none. */
  readonly feedUrl: string
  /** The Windows portable .exe (its launcher sets PORTABLE_EXECUTABLE_DIR). */
  readonly portable: boolean
}

export type UpdateMode =
  | { readonly kind: 'off'; readonly reason: string }
  /** Checks and says a newer version exists; cannot install it. */
  | { readonly kind: 'notify'; readonly feedUrl: string; readonly reason: string }
  /** Checks, downloads, verifies, and installs when the user restarts. */
  | { readonly kind: 'install'; readonly feedUrl: string }

/** The feed as electron-updater's generic provider takes it, or null when it is not usable. */
export function updateFeedUrl(text: string): string | null {
  let url: URL
  try {
    url = new URL(text.trim())
  } catch {
    return null
  }
  if (url.protocol !== 'https:' || url.hostname === '') return null
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '')
    return null
  return url.href
}

export function updateMode(build: UpdateBuild): UpdateMode {
  if (!build.isPackaged) return { kind: 'off', reason: 'not an installed copy' }
  if (!build.release) return { kind: 'off', reason: 'not a signed release build' }
  const feedUrl = updateFeedUrl(build.feedUrl)
  if (feedUrl === null) return { kind: 'off', reason: 'no HTTPS update feed was configured' }
  if (build.platform === 'win32' && build.portable)
    return { kind: 'notify', feedUrl, reason: 'the portable build cannot replace itself' }
  if (build.platform === 'win32' || build.platform === 'darwin') return { kind: 'install', feedUrl }
  return { kind: 'notify', feedUrl, reason: 'no signature to verify an update against' }
}

/** Whether to check now: never checked in this run, or the last check is a day old. */
export function checkDue(now: number, lastCheckedAt: number | null): boolean {
  return lastCheckedAt === null || now - lastCheckedAt >= UPDATE_CHECK_INTERVAL_MS
}

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/

/**
 * Semantic-version order of a and b (negative, zero, positive), or null when either is not a
 * version. A pre-release sorts before its release.
 */
export function compareVersions(a: string, b: string): number | null {
  const left = VERSION.exec(a.trim())
  const right = VERSION.exec(b.trim())
  if (left === null || right === null) return null
  for (const index of [1, 2, 3]) {
    const difference = Number(left[index]) - Number(right[index])
    if (difference !== 0) return Math.sign(difference)
  }
  return comparePrerelease(left[4], right[4])
}

function comparePrerelease(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0
  if (a === undefined) return 1
  if (b === undefined) return -1
  const left = a.split('.')
  const right = b.split('.')
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const x = left[index]
    const y = right[index]
    if (x === undefined) return -1
    if (y === undefined) return 1
    if (x === y) continue
    const numeric = /^\d+$/
    if (numeric.test(x) && numeric.test(y)) return Math.sign(Number(x) - Number(y))
    if (numeric.test(x)) return -1
    if (numeric.test(y)) return 1
    return x < y ? -1 : 1
  }
  return 0
}

export type OfferDecision =
  /** Download it (electron-updater verifies it before it can be installed). */
  | 'download'
  /** Tell the user it exists. */
  | 'notify'
  /** Older than or the same as this version: a downgrade is never offered. */
  | 'refuse-not-newer'
  | 'refuse-unreadable-version'

/** What to do about the version the feed offers. */
export function offerDecision(offered: string, current: string, mode: UpdateMode): OfferDecision {
  const order = compareVersions(offered, current)
  if (order === null) return 'refuse-unreadable-version'
  if (order <= 0) return 'refuse-not-newer'
  if (mode.kind === 'install') return 'download'
  return 'notify'
}

/** What the page shows once a version is known to exist, or is downloaded and verified. */
export function statusFor(
  event: 'available' | 'downloaded',
  offered: string,
  current: string,
  mode: UpdateMode,
): UpdateStatus | null {
  const decision = offerDecision(offered, current, mode)
  if (event === 'available')
    return decision === 'notify' ? { state: 'available', version: offered } : null
  // A download is only ever started for 'download'; the version is checked once more anyway.
  return decision === 'download' ? { state: 'ready', version: offered } : null
}

/** "Restart to update": only with something downloaded, and never in the middle of a call. */
export function restartDecision(status: UpdateStatus, inCall: boolean): RestartOutcome {
  if (status.state !== 'ready') return 'nothing_to_install'
  if (inCall) return 'in_call'
  return 'restarting'
}
