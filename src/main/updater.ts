// Applies policy/updates.ts with electron-updater: the feed the release build recorded, checks
// at start and daily, a download only where the update's signature is verified, and the
// install only when the user restarts for it, never during a call.
import electronUpdater from 'electron-updater'
import type { RestartOutcome, UpdateStatus } from '../shared/desktop-api'
import {
  UPDATE_TICK_MS,
  checkDue,
  offerDecision,
  restartDecision,
  statusFor,
  type UpdateBuild,
  type UpdateMode,
} from './policy/updates'

/** What the release build records (build/dist-plan.mjs); absent from every other build. */
export function buildFacts(isPackaged: boolean): UpdateBuild {
  return {
    platform: process.platform,
    isPackaged,
    release: import.meta.env.MAIN_VITE_PARACORD_RELEASE === '1',
    feedUrl: import.meta.env.MAIN_VITE_PARACORD_UPDATE_URL ?? '',
    portable: process.env.PORTABLE_EXECUTABLE_DIR !== undefined,
  }
}

export interface Updates {
  readonly mode: UpdateMode
  status(): UpdateStatus
  /** Checks now and then daily. */
  start(): void
  restart(): Promise<RestartOutcome>
  stop(): void
}

export interface UpdatesConfig {
  readonly mode: UpdateMode
  readonly currentVersion: string
  readonly isInCall: () => Promise<boolean>
  readonly onStatus: (status: UpdateStatus) => void
  readonly onError: (what: string, error: unknown) => void
  readonly log: (line: string) => void
}

export function createUpdates(config: UpdatesConfig): Updates {
  const { mode } = config
  let status: UpdateStatus = { state: 'none' }
  if (mode.kind === 'off') {
    config.log(`updates are off: ${mode.reason}`)
    return {
      mode,
      status: () => status,
      start() {},
      restart: () => Promise.resolve('nothing_to_install'),
      stop() {},
    }
  }

  const { autoUpdater } = electronUpdater
  // Every step is the policy's to take: no download, install or downgrade by itself.
  autoUpdater.autoDownload = false
  autoUpdater.autoInstallOnAppQuit = false
  autoUpdater.allowDowngrade = false
  autoUpdater.allowPrerelease = false
  autoUpdater.logger = {
    info: (message: unknown) => config.log(`updater: ${String(message)}`),
    warn: (message: unknown) => config.log(`updater: ${String(message)}`),
    error: (message: unknown) => config.onError('updating', message),
  }
  autoUpdater.setFeedURL({ provider: 'generic', url: mode.feedUrl })
  if (mode.kind === 'notify') config.log(`updates are announced, not installed: ${mode.reason}`)

  const show = (next: UpdateStatus | null) => {
    if (next === null) return
    status = next
    config.onStatus(status)
  }
  autoUpdater.on('update-available', (info) => {
    const decision = offerDecision(info.version, config.currentVersion, mode)
    if (decision === 'download') {
      autoUpdater.downloadUpdate().catch((error: unknown) => config.onError('downloading', error))
    } else if (decision === 'notify') {
      show(statusFor('available', info.version, config.currentVersion, mode))
    } else {
      config.log(`updater: refused version ${info.version} (${decision})`)
    }
  })
  // Emitted only after electron-updater verified the download (its hash, and its signature).
  autoUpdater.on('update-downloaded', (event) => {
    show(statusFor('downloaded', event.version, config.currentVersion, mode))
  })
  autoUpdater.on('error', (error) => config.onError('updating', error))

  let lastCheckedAt: number | null = null
  let timer: ReturnType<typeof setInterval> | undefined
  const checkIfDue = () => {
    if (!checkDue(Date.now(), lastCheckedAt)) return
    lastCheckedAt = Date.now()
    autoUpdater.checkForUpdates().catch((error: unknown) => config.onError('checking', error))
  }

  return {
    mode,
    status: () => status,
    start() {
      if (timer !== undefined) return
      checkIfDue()
      timer = setInterval(checkIfDue, UPDATE_TICK_MS)
    },
    async restart() {
      const outcome = restartDecision(status, await config.isInCall())
      if (outcome === 'restarting') setImmediate(() => autoUpdater.quitAndInstall(false, true))
      return outcome
    },
    stop() {
      clearInterval(timer)
    },
  }
}
