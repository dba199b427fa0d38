// "Remember me on this device": the account password, encrypted by the operating system's
// keyring through Electron's safeStorage, so the app unlocks itself at launch. Offered only
// where that keyring is real: on Linux safeStorage falls back to a hard-coded key
// ('basic_text') when no secret service runs, which would leave the password as good as
// plaintext beside the profile it protects; that backend, and an unknown one, are refused.
// The file holds the login name in the clear (it is in the profile folder already) and the
// encrypted password; nothing else.

export type LinuxStorageBackend =
  'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown'

export interface KeyringFacts {
  readonly platform: NodeJS.Platform
  /** safeStorage.isEncryptionAvailable() after the app is ready. */
  readonly encryptionAvailable: boolean
  /** safeStorage.getSelectedStorageBackend(), asked on Linux only. */
  readonly linuxBackend: LinuxStorageBackend | null
}

export type RememberMeSupport =
  { readonly available: true } | { readonly available: false; readonly reason: string }

const REAL_LINUX_KEYRINGS = new Set(['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6'])

export function rememberMeSupport(facts: KeyringFacts): RememberMeSupport {
  if (!facts.encryptionAvailable)
    return { available: false, reason: 'the system keyring is not available' }
  if (facts.platform === 'linux' && !REAL_LINUX_KEYRINGS.has(facts.linuxBackend ?? 'unknown'))
    return {
      available: false,
      reason: 'no system keyring (GNOME Keyring or KWallet) is running',
    }
  if (facts.platform !== 'linux' && facts.platform !== 'darwin' && facts.platform !== 'win32')
    return { available: false, reason: `no known keyring on ${facts.platform}` }
  return { available: true }
}

export const REMEMBER_ME_FILE = 'remember-me.json'

export interface RememberedSecret {
  readonly name: string
  /** The password as safeStorage.encryptString returned it. */
  readonly encrypted: Uint8Array
}

export function encodeRemembered(secret: RememberedSecret): string {
  return JSON.stringify({
    v: 1,
    name: secret.name,
    encrypted: Buffer.from(secret.encrypted).toString('base64'),
  })
}

/** The saved secret, or null when the file is not one (it is then deleted by the caller). */
export function decodeRemembered(text: string): RememberedSecret | null {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return null
  }
  if (typeof value !== 'object' || value === null) return null
  const { v, name, encrypted } = value as Record<string, unknown>
  if (v !== 1 || typeof name !== 'string' || name === '' || typeof encrypted !== 'string')
    return null
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypted)) return null
  return { name, encrypted: new Uint8Array(Buffer.from(encrypted, 'base64')) }
}
