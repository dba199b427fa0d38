// The unlocked account: every secret of the session lives in this object and nowhere else, and
// `wipe()` zeroes them. Vault writes are compare-and-swap on the enclave version, re-applying
// the caller's change on top of whatever another device wrote in between.
import { ParacordError } from '../../shared/api'
import type { Enclave, KdfParams } from '../../shared/protocol'
import type { LocalCache } from '../cache'
import { wipe, type Identity, type LoginSecrets } from '../crypto'
import type { StoreClient } from '../net/http-client'
import type { UnlockedSession } from '../session'
import { parseVault, type VaultData } from '../vault-model'
import { isApiError, lockedError, toParacordError } from './errors'
import type { ProfileStore, StoredProfile } from './profile-store'
import {
  challengeLogin,
  openServerVault,
  publicKeyB64,
  sealVaultData,
  signVaultWrite,
  writtenVault,
} from './vault-io'

/** Vault writes retried after a version conflict before giving up. */
export const MAX_VAULT_RETRIES = 5
/** Where the session token is kept: sealed in the account's cache, never in the clear. */
export const TOKEN_VALUE_KEY = 'account.session-token'

interface StoredToken {
  readonly token: string
  readonly expiresAt: number
}

export interface UnlockedSessionInit {
  readonly profile: StoredProfile
  /** Where the account's server answers this run (backend-choice.ts). */
  readonly serverUrl: string
  /** See UnlockedSession.inviteServerUrl. */
  readonly inviteServerUrl: string | null
  readonly secrets: LoginSecrets
  readonly vault: VaultData
  readonly identity: Identity
  readonly cacheKey: Uint8Array
  readonly cache: LocalCache
  readonly client: StoreClient
  readonly profiles: ProfileStore
  readonly now: () => number
  /** The session the server just issued to `client` (login), if any; kept sealed in the cache. */
  readonly login?: { readonly token: string; readonly expiresAt: number }
  /** Told whenever the vault contents change (a write here or a newer vault from another device). */
  readonly onVaultChanged?: (vault: Readonly<VaultData>) => void
  /** Background failures that do not fail the call (a profile write after the server took the vault). */
  readonly onError?: (error: unknown) => void
}

/** The server no longer accepts this device's login key: the password changed or the account is gone. */
export class SignInRequiredError extends ParacordError {
  constructor() {
    super(
      'wrong_password',
      'The server refused this device’s key: the password was changed or the account was deleted on another device. Sign in again.',
    )
  }
}

export class UnlockedSessionImpl implements UnlockedSession {
  readonly name: string
  readonly handle: string
  readonly userId: string
  readonly accountId: string
  readonly serverUrl: string
  readonly inviteServerUrl: string | null
  readonly now: () => number

  private profile: StoredProfile
  private secrets: LoginSecrets
  private data: VaultData
  private readonly identityKeys: Identity
  private readonly cacheKey: Uint8Array
  private readonly localCache: LocalCache
  private readonly storeClient: StoreClient
  private readonly profiles: ProfileStore
  private readonly onVaultChanged: (vault: Readonly<VaultData>) => void
  private readonly onError: (error: unknown) => void
  private online: boolean
  private connecting: Promise<void> | null = null
  /** Serialises this session's vault writes, so they never race each other. */
  private writes: Promise<unknown> = Promise.resolve()
  private wiped = false

  constructor(init: UnlockedSessionInit) {
    this.profile = init.profile
    this.name = init.profile.name
    this.handle = init.profile.handle
    this.accountId = init.profile.accountId
    this.serverUrl = init.serverUrl
    this.inviteServerUrl = init.inviteServerUrl
    this.userId = init.vault.userId
    this.now = init.now
    this.secrets = init.secrets
    this.data = init.vault
    this.identityKeys = init.identity
    this.cacheKey = init.cacheKey
    this.localCache = init.cache
    this.storeClient = init.client
    this.profiles = init.profiles
    this.online = init.login !== undefined
    this.onVaultChanged = init.onVaultChanged ?? (() => {})
    this.onError = init.onError ?? ((error) => console.error('account:', error))
    if (init.login) this.saveToken(init.login.token, init.login.expiresAt)
  }

  get identity(): Identity {
    this.requireUnlocked()
    return this.identityKeys
  }

  get client(): StoreClient {
    this.requireUnlocked()
    return this.storeClient
  }

  get cache(): LocalCache {
    this.requireUnlocked()
    return this.localCache
  }

  get isWiped(): boolean {
    return this.wiped
  }

  vault(): Readonly<VaultData> {
    this.requireUnlocked()
    return this.data
  }

  // --- for the account service -------------------------------------------------------------

  /** The local profile as last saved (salt, KDF, vault enclave). */
  storedProfile(): StoredProfile {
    this.requireUnlocked()
    return this.profile
  }

  /** The login key pair (owner of the vault enclave). */
  loginKeys(): LoginSecrets['loginKeys'] {
    this.requireUnlocked()
    return this.secrets.loginKeys
  }

  /** After a password change: the new login secrets, salt, KDF and vault enclave replace the old. */
  replaceLoginSecrets(
    secrets: LoginSecrets,
    change: { salt: string; kdf: KdfParams; vault: Enclave },
  ): void {
    this.requireUnlocked()
    const old = this.secrets
    this.secrets = secrets
    wipe(old.vaultKey, old.loginKeys.privateKey)
    this.saveProfile({ ...this.profile, ...change, signInRequired: undefined })
  }

  /**
   * Takes a vault enclave fetched from the server if it is newer than the one held; the one held
   * again is nothing new. An older one, or one not sealed as the version it claims, is refused
   * with 'vault_rollback' and changes nothing.
   */
  adoptIfNewer(enclave: Enclave): boolean {
    this.requireUnlocked()
    const data = openServerVault(enclave, this.secrets.vaultKey, this.handle, this.profile.vault)
    if (data === null) return false
    if (data.userId !== this.userId)
      throw new ParacordError('internal', 'The vault on the server belongs to another identity')
    this.adopt(enclave, data)
    return true
  }

  // --- UnlockedSession ---------------------------------------------------------------------

  async ensureOnline(options: { force?: boolean } = {}): Promise<void> {
    this.requireUnlocked()
    if (this.online && !options.force) return
    this.connecting ??= this.connect(options.force === true).finally(() => {
      this.connecting = null
    })
    return this.connecting
  }

  updateVault(change: (vault: VaultData) => VaultData): Promise<Readonly<VaultData>> {
    return this.exclusive(() => this.writeVault(change))
  }

  /** Runs `task` after every vault write queued before it and before any queued after it. */
  async exclusive<T>(task: () => Promise<T>): Promise<T> {
    this.requireUnlocked()
    const run = this.writes.then(() => {
      this.requireUnlocked()
      return task()
    })
    this.writes = run.catch(() => {})
    return run
  }

  /** Zeroes every secret this session holds, scrubs the vault object and closes the cache. */
  wipe(): void {
    if (this.wiped) return
    this.wiped = true
    this.online = false
    wipe(
      this.secrets.vaultKey,
      this.secrets.loginKeys.privateKey,
      this.identityKeys.signing.privateKey,
      this.identityKeys.box.privateKey,
      this.cacheKey,
    )
    scrubVault(this.data)
    this.storeClient.setToken(null)
    try {
      this.localCache.close()
    } catch (error) {
      this.onError(error)
    }
  }

  // --- internals ---------------------------------------------------------------------------

  private async connect(force: boolean): Promise<void> {
    try {
      // 1. A token we hold (from login, or sealed in the cache) is checked by reading our own
      //    vault, which also brings in what other devices wrote meanwhile.
      const token = this.storeClient.token ?? this.loadToken()
      if (token !== null && !force) {
        this.storeClient.setToken(token)
        try {
          const enclave = await this.storeClient.getEnclave(this.handle)
          this.requireUnlocked()
          this.adoptIfNewer(enclave)
          this.online = true
          return
        } catch (error) {
          if (!isApiError(error, 'unauthorized')) throw error
        }
      }
      // 2. No valid token: log in again with the login key still in memory.
      let login
      try {
        login = await challengeLogin(this.storeClient, this.handle, this.secrets.loginKeys)
      } catch (error) {
        if (isApiError(error, 'invalid_credentials')) throw new SignInRequiredError()
        throw error
      }
      this.requireUnlocked()
      this.saveToken(login.token, login.expiresAt)
      this.adoptIfNewer(login.vault)
      this.online = true
    } catch (error) {
      if (this.wiped) throw lockedError()
      throw toParacordError(error, 'Connecting to the server')
    }
  }

  private async writeVault(change: (vault: VaultData) => VaultData): Promise<Readonly<VaultData>> {
    await this.ensureOnline()
    let reauthenticated = false
    for (let attempt = 0; attempt <= MAX_VAULT_RETRIES; attempt++) {
      this.requireUnlocked()
      // 1. Apply the change to a copy of the latest vault we know; check the result's shape.
      const next = parseVault(JSON.stringify(change(structuredClone(this.data))))
      if (next.userId !== this.userId || next.identity.userId !== this.userId)
        throw new ParacordError('invalid_input', 'A vault change may not replace the identity')
      // 2. Seal it as version + 1 and sign that with the login key, which owns the vault.
      const version = this.profile.vault.version + 1
      const ownerKey = publicKeyB64(this.secrets.loginKeys)
      const body = sealVaultData(next, this.secrets.vaultKey, this.handle, version)
      const signature = signVaultWrite(
        { handle: this.handle, version, ownerKey, body },
        this.secrets.loginKeys.privateKey,
      )
      // 3. Compare-and-swap on the server.
      try {
        const stored = await this.storeClient.updateEnclave(this.handle, {
          version,
          ownerKey,
          body,
          expiresAt: null,
          signature,
        })
        this.requireUnlocked()
        // What was written, not what the server says it stored: only the version and body
        // signed here become the high-water mark.
        this.adopt(
          writtenVault(this.handle, { version, ownerKey, body, signature }, stored.updatedAt),
          next,
        )
        return this.data
      } catch (error) {
        if (this.wiped) throw lockedError()
        // 4. Another device wrote first: take its vault and apply the change again on top.
        if (isApiError(error, 'version_conflict')) {
          this.adoptIfNewer(await this.storeClient.getEnclave(this.handle))
          continue
        }
        if (isApiError(error, 'unauthorized') && !reauthenticated) {
          reauthenticated = true
          await this.ensureOnline({ force: true })
          attempt--
          continue
        }
        throw toParacordError(error, 'Saving the vault')
      }
    }
    throw new ParacordError(
      'conflict',
      'The vault kept changing on another device; the change was not saved. Try again.',
    )
  }

  /** Makes `enclave` (holding `data`) the current vault, here and in the local profile. */
  private adopt(enclave: Enclave, data: VaultData): void {
    // The previous object is dropped, not scrubbed: callers may still be reading it.
    this.data = data
    this.saveProfile({ ...this.profile, vault: enclave })
    try {
      this.onVaultChanged(this.data)
    } catch (error) {
      this.onError(error)
    }
  }

  private saveProfile(profile: StoredProfile): void {
    this.profile = profile
    try {
      this.profiles.write(profile)
    } catch (error) {
      // The server holds the vault; a stale local copy is refreshed on the next connect.
      this.onError(error)
    }
  }

  private loadToken(): string | null {
    const stored = this.localCache.getValue<StoredToken>(TOKEN_VALUE_KEY)
    if (stored === null || typeof stored.token !== 'string') return null
    return stored.expiresAt > this.now() ? stored.token : null
  }

  private saveToken(token: string, expiresAt: number): void {
    this.localCache.setValue<StoredToken>(TOKEN_VALUE_KEY, { token, expiresAt })
  }

  private requireUnlocked(): void {
    if (this.wiped) throw lockedError()
  }
}

/**
 * Drops every secret string from a vault object in place, so that code still holding a
 * reference sees nothing (JavaScript strings cannot be overwritten; they become garbage).
 */
function scrubVault(data: VaultData): void {
  data.identity = { userId: data.identity.userId, signSecretKey: '', boxSecretKey: '' }
  data.cacheKey = ''
  data.servers = {}
}
