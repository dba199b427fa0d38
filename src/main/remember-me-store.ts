// "Remember me" on top of safeStorage: offered only where policy/remember-me.ts finds a real
// keyring. When on, the next successful sign-in stores the password encrypted by the keyring;
// at launch a remembered password unlocks its account once. Turning it off, signing out or
// deleting the account removes the file.
import { rm, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { safeStorage } from 'electron'
import type { ParacordApi } from '../shared/api'
import type { CallReport } from './policy/api-observer'
import {
  REMEMBER_ME_FILE,
  decodeRemembered,
  encodeRemembered,
  rememberMeSupport,
  type RememberMeSupport,
} from './policy/remember-me'

export interface RememberMe {
  readonly support: RememberMeSupport
  readonly enabled: boolean
  setEnabled(enabled: boolean): Promise<void>
  /** Sees every successful call the page makes (through observeApi). */
  observe(report: CallReport): void
  /** At launch: unlocks with the remembered password when the locked account is its owner. */
  unlockAtLaunch(api: ParacordApi): Promise<void>
}

export async function createRememberMe(
  userDataDir: string,
  onError: (what: string, error: unknown) => void,
): Promise<RememberMe> {
  const file = join(userDataDir, REMEMBER_ME_FILE)
  const support = rememberMeSupport({
    platform: process.platform,
    encryptionAvailable: safeStorage.isEncryptionAvailable(),
    linuxBackend: process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null,
  })
  const forget = () => rm(file, { force: true })
  if (!support.available) await forget().catch((error: unknown) => onError('remember me', error))

  let stored = support.available ? await read() : null
  // Turned on but nothing stored yet: the next sign-in stores.
  let enabled = stored !== null

  async function read() {
    try {
      const remembered = decodeRemembered(await readFile(file, 'utf8'))
      if (remembered === null) await forget()
      return remembered
    } catch {
      return null
    }
  }

  const store = (name: string, password: string) => {
    if (!support.available || !enabled) return
    stored = { name, encrypted: safeStorage.encryptString(password) }
    writeFile(file, encodeRemembered(stored), { mode: 0o600 }).catch((error: unknown) =>
      onError('remember me', error),
    )
  }
  const drop = () => {
    stored = null
    forget().catch((error: unknown) => onError('remember me', error))
  }

  return {
    support,
    get enabled() {
      return enabled
    },
    setEnabled(value) {
      enabled = support.available && value
      if (!enabled) drop()
      return Promise.resolve()
    },
    observe(report) {
      switch (report.method) {
        case 'login':
        case 'register':
          if (report.output.name !== null) store(report.output.name, report.input.password)
          break
        case 'unlock':
          if (report.output.name !== null) store(report.output.name, report.input.password)
          break
        case 'changePassword':
          if (stored !== null) store(stored.name, report.input.newPassword)
          break
        case 'logout':
        case 'deleteAccount':
          drop()
          break
        default:
          break
      }
    },
    async unlockAtLaunch(api) {
      if (stored === null) return
      const auth = await api.getAuthState({})
      if (auth.status !== 'locked' || auth.name !== stored.name) return
      try {
        const password = safeStorage.decryptString(Buffer.from(stored.encrypted))
        await api.unlock({ password })
      } catch {
        // A password changed elsewhere, or a keyring that lost its key: forget, ask as usual.
        drop()
        enabled = true
      }
    },
  }
}
