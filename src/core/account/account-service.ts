// The account's life on this device: register, log in, unlock offline, lock, log out, change
// the password, delete the account, and lock by itself after idle time. Every secret is derived
// from the password at unlock and lives only in the UnlockedSession, which lock() wipes.
import { mlsSuite } from '../mls/suite'
import { existsSync, rmSync } from 'node:fs'
import {
  ParacordError,
  type AuthState,
  type BackendCheck,
  type BackendChoice,
  type BackendOptions,
} from '../../shared/api'
import { fromBase64Url, toBase64Url, utf8 } from '../../shared/encoding'
import {
  DEFAULT_KDF,
  accountDeletePayload,
  enclaveWritePayload,
  passwordChangePayload,
  type Enclave,
  type KdfParams,
} from '../../shared/protocol'
import { CacheCorruptError, CacheKeyError, openCache, type LocalCache } from '../cache'
import {
  LoginNameError,
  WrongPasswordError,
  deriveLoginSecrets,
  exportIdentity,
  generateIdentity,
  importIdentity,
  loadSodium,
  loginHandle,
  newSalt,
  publicIdentity,
  randomKey,
  signPayloadB64,
  validateLoginName,
  wipe,
  type Identity,
  type LoginSecrets,
} from '../crypto'
import { ServerUnreachableError } from '../net/errors'
import type { EmbeddedBackendAccess } from '../net/embedded-access'
import { StoreClient } from '../net/http-client'
import type { UnlockedSession } from '../session'
import { DEFAULT_SETTINGS, type VaultData } from '../vault-model'
import { AutoLock } from './auto-lock'
import {
  THIS_COMPUTER,
  backendName,
  backendOfProfile,
  checkBackend,
  locateBackend,
  sameBackend,
  toBackendCheck,
  type UsableBackend,
} from './backend-choice'
import { requireStrongPassword } from './password-rule'
import {
  WRONG_CREDENTIALS,
  WRONG_PASSWORD,
  isApiError,
  lockedError,
  signedOutError,
  toParacordError,
  vaultRollbackError,
} from './errors'
import { ProfileStore, type StoredProfile } from './profile-store'
import { SignInRequiredError, UnlockedSessionImpl } from './unlocked-session'
import {
  challengeLogin,
  openServerVault,
  openVaultData,
  publicKeyB64,
  sealVaultData,
  signVaultWrite,
  writtenVault,
} from './vault-io'

export interface AccountServiceOptions {
  /** The app's data folder; profiles live in `<dataDir>/profiles/`. */
  readonly dataDir: string
  /**
   * The server the host was started with: where register and login go when the caller names
   * none. `embeddedBackend`'s URL means this computer. A known account keeps its own server.
   */
  readonly serverUrl: string
  /** The embedded backend the host started, if any: requests to it carry its secret. */
  readonly embeddedBackend?: EmbeddedBackendAccess | null
  /** Argon2id parameters for new accounts and password changes. */
  readonly kdf?: KdfParams
  readonly now?: () => number
  /** Every change of the auth state, whatever caused it (a call, auto-lock, a refused key). */
  readonly onAuthChanged?: (state: AuthState) => void
  /** The vault changed (a write here, or a newer vault another device wrote). */
  readonly onVaultChanged?: (vault: Readonly<VaultData>) => void
  /**
   * Runs before a session's secrets are wiped, so services stop using it (a voice call posts its
   * leave). Waited for at most `beforeLockTimeoutMs`: then `signal` aborts and the session is
   * wiped regardless.
   */
  readonly onBeforeLock?: (session: UnlockedSession, signal: AbortSignal) => Promise<void> | void
  /** How long locking waits for onBeforeLock; BEFORE_LOCK_TIMEOUT_MS by default. */
  readonly beforeLockTimeoutMs?: number
  /** Failures in background work that no caller awaits. */
  readonly onError?: (error: unknown) => void
  /** Per-request timeout of the HTTP client. */
  readonly requestTimeoutMs?: number
}

/** A backend that does not answer holds a lock up this long at most (a call's leave). */
export const BEFORE_LOCK_TIMEOUT_MS = 2_000

export class AccountService {
  readonly profiles: ProfileStore
  private readonly serverUrl: string
  private readonly kdf: KdfParams
  private readonly now: () => number
  private readonly onAuthChanged: (state: AuthState) => void
  private readonly onError: (error: unknown) => void
  private readonly autoLock: AutoLock
  private session: UnlockedSessionImpl | null = null
  /** The end of the last session: services letting go of it, then its wipe. */
  private ending: Promise<void> = Promise.resolve()
  private background: Promise<void> = Promise.resolve()

  constructor(private readonly options: AccountServiceOptions) {
    this.profiles = new ProfileStore(options.dataDir)
    this.serverUrl = options.serverUrl
    this.kdf = options.kdf ?? { ...DEFAULT_KDF }
    this.now = options.now ?? (() => Date.now())
    this.onAuthChanged = options.onAuthChanged ?? (() => {})
    this.onError = options.onError ?? ((error) => console.error('account:', error))
    this.autoLock = new AutoLock({
      minutes: () =>
        this.session?.isWiped === false ? this.session.vault().settings.autoLockMinutes : 0,
      onExpire: () => {
        this.lock().catch((error: unknown) => this.onError(error))
      },
      now: this.now,
    })
  }

  // --- state -------------------------------------------------------------------------------

  authState(): AuthState {
    if (this.session !== null)
      return { status: 'unlocked', name: this.session.name, userId: this.session.userId }
    const profile = this.profiles.lastAccount()
    if (profile !== null) return { status: 'locked', name: profile.name, userId: profile.userId }
    return { status: 'signed_out', name: null, userId: null }
  }

  /** The unlocked session; ParacordError 'locked' (or 'signed_out') otherwise. */
  current(): UnlockedSession {
    return this.requireSession()
  }

  /** Marks user activity, postponing auto-lock. */
  touch(): void {
    this.autoLock.touch()
  }

  /** Resolves when the background work started by the last unlock (reconnect, vault refresh) ends. */
  settled(): Promise<void> {
    return this.background
  }

  // --- servers -----------------------------------------------------------------------------

  /** What the sign-in screens offer, and which account on this device lives where. */
  backendOptions(): BackendOptions {
    const current = this.session?.handle ?? this.profiles.lastAccountHandle()
    return {
      thisComputer: this.thisComputer !== null,
      suggested: this.suggestedBackend(),
      accounts: this.profiles.list().map((profile) => ({
        name: profile.name,
        backend: backendOfProfile(profile, this.thisComputer),
        current: profile.handle === current,
      })),
    }
  }

  /** Whether `backend` can be used, as register and login will check it. */
  async checkBackend(backend: BackendChoice): Promise<BackendCheck> {
    return toBackendCheck(
      await checkBackend(backend, {
        thisComputer: this.thisComputer,
        timeoutMs: this.options.requestTimeoutMs,
      }),
    )
  }

  // --- register, login, unlock ------------------------------------------------------------

  /** `backend`: where the account will live; the host's server when absent. */
  async register(
    name: string,
    password: string,
    backend?: BackendChoice,
  ): Promise<UnlockedSession> {
    await Promise.all([loadSodium(), mlsSuite()])
    const normalised = requireLoginName(name)
    await requireStrongPassword(password, normalised)
    const handle = loginHandle(normalised)
    const target = await this.usableBackend(backend, handle, normalised)
    // 1. Fresh salt, password-derived secrets, a new identity and cache key.
    const salt = await newSalt()
    const secrets = await deriveLoginSecrets(password, salt, this.kdf)
    const identity = generateIdentity()
    const cacheKey = randomKey()
    let handedOver = false
    try {
      const vault: VaultData = {
        v: 2,
        userId: identity.userId,
        identity: exportIdentity(identity),
        cacheKey: toBase64Url(cacheKey),
        profile: { displayName: normalised, status: '' },
        settings: { ...DEFAULT_SETTINGS },
        servers: {},
      }
      // 2. The first vault, sealed and signed by the login key that will own it.
      const loginPublicKey = publicKeyB64(secrets.loginKeys)
      const body = sealVaultData(vault, secrets.vaultKey, handle, 1)
      const signature = signVaultWrite(
        { handle, version: 1, ownerKey: loginPublicKey, body },
        secrets.loginKeys.privateKey,
      )
      const client = this.newClient(target.url)
      try {
        await client.register({
          handle,
          loginPublicKey,
          salt: toBase64Url(salt),
          kdf: this.kdf,
          vault: { body, signature },
        })
      } catch (error) {
        if (isApiError(error, 'already_exists'))
          throw new ParacordError('name_taken', 'This name is taken: choose another one')
        throw error
      }
      // 3. Log in, publish the public identity, then save the profile and open the cache.
      const login = await challengeLogin(client, handle, secrets.loginKeys)
      await publishIdentity(client, identity)
      const profile: StoredProfile = {
        v: 1,
        name: normalised,
        handle,
        accountId: login.accountId,
        userId: identity.userId,
        server: target.backend,
        salt: toBase64Url(salt),
        kdf: { ...this.kdf },
        vault: login.vault,
      }
      const session = await this.startSession({
        profile,
        serverUrl: target.url,
        secrets,
        vault,
        identity,
        cacheKey,
        client,
        login,
      })
      handedOver = true
      return session
    } catch (error) {
      throw toParacordError(error, 'Registering')
    } finally {
      if (!handedOver)
        wipe(
          secrets.vaultKey,
          secrets.loginKeys.privateKey,
          identity.signing.privateKey,
          identity.box.privateKey,
          cacheKey,
        )
    }
  }

  /** `backend`: where the account lives; the host's server when absent. */
  async login(name: string, password: string, backend?: BackendChoice): Promise<UnlockedSession> {
    await Promise.all([loadSodium(), mlsSuite()])
    const normalised = requireLoginName(name)
    const handle = loginHandle(normalised)
    const target = await this.usableBackend(backend, handle, normalised)
    const client = this.newClient(target.url)
    let secrets: LoginSecrets | null = null
    let handedOver = false
    try {
      // 1. The account's salt (unknown names get a stable fake one, so this reveals nothing).
      const { salt, kdf } = await client.getSalt(handle)
      secrets = await deriveLoginSecrets(password, fromBase64Url(salt), kdf)
      // 2. Challenge–response. The backend answers one refusal for an unknown name and a
      //    wrong password alike, so names cannot be enumerated, and we cannot tell them apart.
      let login
      try {
        login = await challengeLogin(client, handle, secrets.loginKeys)
      } catch (error) {
        if (isApiError(error, 'invalid_credentials'))
          throw new ParacordError('wrong_password', WRONG_CREDENTIALS)
        throw error
      }
      // 3. The login key was right, so the vault must open with the vault key of the same
      //    password, as the version the server says it is. A device that already knows this
      //    account refuses a vault older than the newest it has seen (its profile's), and one
      //    relabelled; without a profile, one that does not open is damaged.
      //    The backend chooses the account id, so it alone does not decide which account this
      //    is: a profile whose vault opens with this password is this account whatever the id.
      const existing = this.readProfileQuietly(handle)
      if (
        existing !== null &&
        existing.accountId !== login.accountId &&
        (await this.opensLocalVault(existing, password, salt, kdf, secrets.vaultKey))
      )
        throw vaultRollbackError(
          'The server claims another account for this name, whose vault on this device opens with this password: refused, so the vault this device holds is neither replaced by an older one nor removed.',
        )
      const known = existing?.accountId === login.accountId ? existing : null
      const vault =
        known === null
          ? openDamagedAware(login.vault, secrets.vaultKey, handle)
          : (openServerVault(login.vault, secrets.vaultKey, handle, known.vault) ??
            openDamagedAware(known.vault, secrets.vaultKey, handle))
      const identity = importIdentity(vault.identity)
      const cacheKey = fromBase64Url(vault.cacheKey)
      await publishIdentity(client, identity).catch((error: unknown) => this.onError(error))
      // 4. A profile left by a deleted namesake (another account id, and a vault this password
      //    does not open) goes, cache and all.
      if (existing !== null && known === null) this.profiles.remove(handle)
      const profile: StoredProfile = {
        v: 1,
        name: normalised,
        handle,
        accountId: login.accountId,
        userId: vault.userId,
        server: target.backend,
        salt,
        kdf,
        vault: login.vault,
      }
      const session = await this.startSession({
        profile,
        serverUrl: target.url,
        secrets,
        vault,
        identity,
        cacheKey,
        client,
        login,
      })
      handedOver = true
      return session
    } catch (error) {
      throw toParacordError(error, 'Signing in')
    } finally {
      if (!handedOver && secrets) wipe(secrets.vaultKey, secrets.loginKeys.privateKey)
    }
  }

  /**
   * Unlocks the last account OFFLINE, from its local profile: the password re-derives the keys
   * that open the stored vault. Then, in the background, it reconnects and takes a newer vault.
   */
  async unlock(password: string): Promise<UnlockedSession> {
    await Promise.all([loadSodium(), mlsSuite()])
    if (this.session !== null) return this.session
    const profile = this.profiles.lastAccount()
    if (profile === null) throw new ParacordError('unknown_account', 'No account on this device')
    // The server refused this device's key earlier (password changed elsewhere): sign in anew.
    if (profile.signInRequired)
      return this.login(profile.name, password, backendOfProfile(profile, this.thisComputer))
    const target = this.storedBackend(profile)
    const secrets = await deriveLoginSecrets(password, fromBase64Url(profile.salt), profile.kdf)
    let handedOver = false
    try {
      let vault: VaultData
      try {
        vault = openVaultData(
          profile.vault.body,
          secrets.vaultKey,
          profile.handle,
          profile.vault.version,
        )
      } catch (error) {
        if (error instanceof WrongPasswordError)
          throw new ParacordError('wrong_password', WRONG_PASSWORD)
        throw error
      }
      const identity = importIdentity(vault.identity)
      const cacheKey = fromBase64Url(vault.cacheKey)
      const client = this.newClient(target.url)
      const session = await this.startSession({
        profile: withBackend(profile, target.backend),
        serverUrl: target.url,
        secrets,
        vault,
        identity,
        cacheKey,
        client,
      })
      handedOver = true
      this.background = this.reconnect(session)
      return session
    } catch (error) {
      throw toParacordError(error, 'Unlocking')
    } finally {
      if (!handedOver) wipe(secrets.vaultKey, secrets.loginKeys.privateKey)
    }
  }

  // --- lock, logout ------------------------------------------------------------------------

  /**
   * Wipes every secret and closes the cache; the profile stays, so the app shows "locked". The
   * services let go of the session first (a voice call's leave goes out), for a bounded time.
   */
  async lock(): Promise<AuthState> {
    if (this.session === null) {
      await this.ending
      return this.authState()
    }
    await this.endSession()
    return this.changed()
  }

  /**
   * Signs out and REMOVES THE ACCOUNT'S DATA FROM THIS DEVICE: the profile folder with the
   * local vault copy and the cache (messages, outbox) are deleted. The account stays on the
   * server; logging in again restores the vault. Logging out while locked cannot end the
   * server session (its token is sealed in the cache); it expires on its own.
   */
  async logout(): Promise<AuthState> {
    const handle = this.session?.handle ?? this.profiles.lastAccountHandle()
    const wasUnlocked = this.session !== null
    // The server session ends after the services let go: a call's leave needs its token.
    await this.endSession(async (session) => {
      try {
        await session.client.logout()
      } catch (error) {
        // Unreachable or already ended: the device forgets the token either way.
        if (!(error instanceof ServerUnreachableError || isApiError(error, 'unauthorized')))
          this.onError(error)
      }
    })
    if (wasUnlocked) this.changed()
    if (handle !== null) this.profiles.remove(handle)
    this.profiles.clearLastAccount()
    return this.changed()
  }

  // --- password and deletion ---------------------------------------------------------------

  /**
   * Changes the password: a new salt and login key, the vault re-sealed under the new vault key
   * (version + 1, signed by the old login key, with a proof by the new one). The server ends
   * every other session of the account; this one keeps working.
   */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    const session = this.requireSession()
    await requireStrongPassword(newPassword, session.name)
    await this.verifyPassword(session, currentPassword)
    try {
      await session.ensureOnline()
      const salt = await newSalt()
      const next = await deriveLoginSecrets(newPassword, salt, this.kdf)
      let handedOver = false
      try {
        await session.exclusive(async () => {
          for (let attempt = 0; ; attempt++) {
            const current = session.storedProfile().vault
            // 1. The vault re-sealed under the new key, one version on, owned by the new login key.
            const version = current.version + 1
            const ownerKey = publicKeyB64(next.loginKeys)
            const body = sealVaultData(
              structuredClone(session.vault()),
              next.vaultKey,
              session.handle,
              version,
            )
            // 2. Signed by the old login key (the current owner); the new key proves possession.
            const signature = signVaultWrite(
              { handle: session.handle, version, ownerKey, body },
              session.loginKeys().privateKey,
            )
            const proof = signPayloadB64(
              passwordChangePayload({ handle: session.handle, loginPublicKey: ownerKey, version }),
              next.loginKeys.privateKey,
            )
            try {
              await session.client.changePassword({
                loginPublicKey: ownerKey,
                salt: toBase64Url(salt),
                kdf: this.kdf,
                vault: { version, body, signature },
                proof,
              })
            } catch (error) {
              // 3. Another device wrote the vault meanwhile: take it and try once more.
              if (isApiError(error, 'version_conflict') && attempt === 0) {
                session.adoptIfNewer(await session.client.getEnclave(session.handle))
                continue
              }
              throw error
            }
            // 4. The session now holds the new secrets; the local profile the new salt and vault.
            session.replaceLoginSecrets(next, {
              salt: toBase64Url(salt),
              kdf: { ...this.kdf },
              vault: writtenVault(
                session.handle,
                { version, ownerKey, body, signature },
                this.now(),
              ),
            })
            handedOver = true
            return
          }
        })
      } finally {
        if (!handedOver) wipe(next.vaultKey, next.loginKeys.privateKey)
      }
    } catch (error) {
      throw toParacordError(error, 'Changing the password')
    }
  }

  /** Deletes the account on the server (after the password and a fresh challenge) and on this device. */
  async deleteAccount(password: string): Promise<AuthState> {
    const session = this.requireSession()
    await this.verifyPassword(session, password)
    try {
      await session.ensureOnline()
      const { challengeId, nonce } = await session.client.challenge(session.handle)
      const signature = signPayloadB64(
        accountDeletePayload({ handle: session.handle, challengeId, nonce }),
        session.loginKeys().privateKey,
      )
      await session.client.deleteAccount({ challengeId, signature })
    } catch (error) {
      throw toParacordError(error, 'Deleting the account')
    }
    const handle = session.handle
    await this.lock()
    this.profiles.remove(handle)
    this.profiles.clearLastAccount()
    return this.changed()
  }

  // --- internals ---------------------------------------------------------------------------

  /**
   * Ends the unlocked session (none: waits for the end under way). `lastly` runs after the
   * services let go and before the wipe, while the session still holds its token.
   */
  private endSession(lastly?: (session: UnlockedSessionImpl) => Promise<void>): Promise<void> {
    const session = this.session
    if (session === null) return this.ending
    // 1. From now on the account reads as locked, and no new call reaches the session.
    this.session = null
    this.autoLock.stop()
    this.ending = this.letGo(session, lastly)
    return this.ending
  }

  private async letGo(
    session: UnlockedSessionImpl,
    lastly?: (session: UnlockedSessionImpl) => Promise<void>,
  ): Promise<void> {
    try {
      // 2. The services stop using it, for as long as the backend answers in time.
      await this.beforeLock(session)
      await lastly?.(session)
    } finally {
      // 3. Then every secret goes.
      session.wipe()
    }
  }

  /** onBeforeLock, given BEFORE_LOCK_TIMEOUT_MS (or the configured time) and no longer. */
  private async beforeLock(session: UnlockedSessionImpl): Promise<void> {
    const hook = this.options.onBeforeLock
    if (!hook) return
    const deadline = new AbortController()
    let timer: ReturnType<typeof setTimeout> | undefined
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        deadline.abort()
        resolve()
      }, this.options.beforeLockTimeoutMs ?? BEFORE_LOCK_TIMEOUT_MS)
    })
    try {
      await Promise.race([Promise.resolve().then(() => hook(session, deadline.signal)), timedOut])
    } catch (error) {
      this.onError(error)
    } finally {
      clearTimeout(timer)
    }
  }

  private async startSession(parts: {
    profile: StoredProfile
    /** Where the session's requests and live connection go (see backend-choice.ts). */
    serverUrl: string
    secrets: LoginSecrets
    vault: VaultData
    identity: Identity
    cacheKey: Uint8Array
    client: StoreClient
    login?: { token: string; expiresAt: number }
  }): Promise<UnlockedSessionImpl> {
    // 1. Another account still unlocked is locked only now, once this one is known to work
    //    (and a lock under way finishes first: its cache closes before any opens).
    if (this.session !== null) await this.lock()
    await this.ending
    // 2. The profile first, so a crash after this still leaves an account that unlocks.
    this.profiles.write(parts.profile)
    this.profiles.setLastAccount(parts.profile.handle)
    if (parts.profile.server !== undefined) this.profiles.setLastBackend(parts.profile.server)
    // 3. The cache, sealed with the vault's cache key.
    const cache = await this.openCacheOrRebuild(
      this.profiles.cachePathOf(parts.profile.handle),
      parts.cacheKey,
    )
    const backend = backendOfProfile(parts.profile, this.thisComputer)
    const session = new UnlockedSessionImpl({
      ...parts,
      inviteServerUrl: backend.kind === 'address' ? backend.url : null,
      cache,
      profiles: this.profiles,
      now: this.now,
      onVaultChanged: (vault) => {
        this.autoLock.reschedule()
        this.options.onVaultChanged?.(vault)
      },
      onError: this.onError,
    })
    this.session = session
    this.autoLock.start()
    this.changed()
    return session
  }

  /**
   * The cache only mirrors the server; a cache that does not open with the vault's key (left by
   * an older install) or is damaged is replaced by an empty one rather than locking the user out.
   */
  private async openCacheOrRebuild(path: string, cacheKey: Uint8Array): Promise<LocalCache> {
    try {
      return await openCache({ path, cacheKey, now: this.now, onError: this.onError })
    } catch (error) {
      if (!(error instanceof CacheKeyError || error instanceof CacheCorruptError)) throw error
      this.onError(error)
      for (const suffix of ['', '-wal', '-shm'])
        if (existsSync(path + suffix)) rmSync(path + suffix, { force: true })
      return openCache({ path, cacheKey, now: this.now, onError: this.onError })
    }
  }

  /** After an offline unlock: reconnect and refresh the vault; react if the key was refused. */
  private async reconnect(session: UnlockedSessionImpl): Promise<void> {
    try {
      await session.ensureOnline()
    } catch (error) {
      if (session.isWiped) return
      if (error instanceof SignInRequiredError) {
        // Another device changed the password (or deleted the account): this device's vault
        // copy is stale. Lock, and let the next unlock sign in online with the new password.
        this.profiles.write({ ...session.storedProfile(), signInRequired: true })
        if (this.session === session) await this.lock()
        return
      }
      if (error instanceof ParacordError && error.code === 'server_unreachable') return
      this.onError(error)
    }
  }

  private async verifyPassword(session: UnlockedSessionImpl, password: string): Promise<void> {
    const profile = session.storedProfile()
    const check = await deriveLoginSecrets(password, fromBase64Url(profile.salt), profile.kdf)
    try {
      openVaultData(profile.vault.body, check.vaultKey, profile.handle, profile.vault.version)
    } catch (error) {
      if (error instanceof WrongPasswordError)
        throw new ParacordError('wrong_password', WRONG_PASSWORD)
      throw toParacordError(error, 'Checking the password')
    } finally {
      wipe(check.vaultKey, check.loginKeys.privateKey)
    }
  }

  private requireSession(): UnlockedSessionImpl {
    if (this.session !== null) return this.session
    throw this.profiles.lastAccount() !== null ? lockedError() : signedOutError()
  }

  /**
   * Whether the profile's stored vault opens with `password` (with its own salt and KDF, which
   * this device made or saw; the key of the served salt is reused when it is the same).
   */
  private async opensLocalVault(
    profile: StoredProfile,
    password: string,
    servedSalt: string,
    servedKdf: KdfParams,
    servedVaultKey: Uint8Array,
  ): Promise<boolean> {
    const sameKey = profile.salt === servedSalt && sameKdf(profile.kdf, servedKdf)
    const own = sameKey
      ? null
      : await deriveLoginSecrets(password, fromBase64Url(profile.salt), profile.kdf)
    try {
      openVaultData(
        profile.vault.body,
        own?.vaultKey ?? servedVaultKey,
        profile.handle,
        profile.vault.version,
      )
      return true
    } catch {
      return false
    } finally {
      if (own !== null) wipe(own.vaultKey, own.loginKeys.privateKey)
    }
  }

  private readProfileQuietly(handle: string): StoredProfile | null {
    try {
      return this.profiles.read(handle)
    } catch {
      return null
    }
  }

  /** This run's own server, when the host started one. */
  private get thisComputer() {
    return this.options.embeddedBackend ?? null
  }

  /** The server the host was started with, where register and login go by default. */
  private hostBackend(): BackendChoice {
    return this.thisComputer !== null && this.serverUrl === this.thisComputer.url
      ? THIS_COMPUTER
      : { kind: 'address', url: this.serverUrl }
  }

  /**
   * What the sign-in screens start with: a server the host was started with; else the one
   * used last on this device (still on offer); else this computer.
   */
  private suggestedBackend(): BackendChoice {
    const host = this.hostBackend()
    if (host.kind === 'address') return host
    const last = this.profiles.lastBackend()
    return last !== null && locateBackend(last, this.thisComputer).ok ? last : host
  }

  /**
   * Before a name goes to a server: the server checked (backend-choice.ts), and not another
   * server than the one this device keeps the same name's account on (whose local data a new
   * profile would replace).
   */
  private async usableBackend(
    choice: BackendChoice | undefined,
    handle: string,
    name: string,
  ): Promise<UsableBackend> {
    const verdict = await checkBackend(choice ?? this.hostBackend(), {
      thisComputer: this.thisComputer,
      timeoutMs: this.options.requestTimeoutMs,
    })
    if (!verdict.ok)
      throw new ParacordError(
        verdict.problem === 'unreachable' ? 'server_unreachable' : 'server_unsuitable',
        verdict.message,
      )
    const existing = this.readProfileQuietly(handle)
    const kept = existing === null ? null : backendOfProfile(existing, this.thisComputer)
    if (kept !== null && !sameBackend(kept, verdict.backend))
      throw new ParacordError(
        'server_unsuitable',
        `This device keeps the account ${name} on ${backendName(kept)}. To use ${name} on ${backendName(verdict.backend)}, first log out of it here.`,
      )
    return verdict
  }

  /**
   * Where a stored account's requests go, for unlock and everything after it: its own server,
   * with "this computer" meaning this run's server whatever port an earlier run had.
   */
  private storedBackend(profile: StoredProfile): UsableBackend {
    const backend = backendOfProfile(profile, this.thisComputer)
    const located = locateBackend(backend, this.thisComputer)
    if (located.ok) return located
    throw new ParacordError(
      located.problem === 'unavailable' ? 'server_unreachable' : 'server_unsuitable',
      located.problem === 'unavailable'
        ? `The account ${profile.name} lives on this computer’s own server, which paracord does not run when started for another server. Start paracord without a server address to use it.`
        : located.message,
    )
  }

  private newClient(baseUrl: string): StoreClient {
    return new StoreClient({
      baseUrl,
      timeoutMs: this.options.requestTimeoutMs,
      embeddedBackend: this.options.embeddedBackend,
    })
  }

  private changed(): AuthState {
    const state = this.authState()
    try {
      this.onAuthChanged(state)
    } catch (error) {
      this.onError(error)
    }
    return state
  }
}

function requireLoginName(name: string): string {
  try {
    return validateLoginName(name)
  } catch (error) {
    if (error instanceof LoginNameError) throw new ParacordError('invalid_input', error.message)
    throw error
  }
}

/**
 * Opens the vault a successful login returned; failing to is damage (or an old vault relabelled,
 * which a device without a profile of the account cannot tell apart), not a wrong password.
 */
function openDamagedAware(enclave: Enclave, vaultKey: Uint8Array, handle: string): VaultData {
  try {
    return openVaultData(enclave.body, vaultKey, handle, enclave.version)
  } catch (error) {
    throw new ParacordError(
      'internal',
      `The account's vault is damaged and cannot be opened (${error instanceof Error ? error.message : String(error)})`,
    )
  }
}

/**
 * Publishes the public identity enclave (id = user id, owner = the identity signing key) unless
 * it is already there, so a registration interrupted after the account was made heals at login.
 */
async function publishIdentity(client: StoreClient, identity: Identity): Promise<void> {
  try {
    await client.getEnclave(identity.userId)
    return
  } catch (error) {
    if (!isApiError(error, 'not_found')) throw error
  }
  const ownerKey = toBase64Url(identity.signing.publicKey)
  const body = toBase64Url(utf8(JSON.stringify(publicIdentity(identity))))
  const signature = signPayloadB64(
    enclaveWritePayload({
      id: identity.userId,
      kind: 'identity',
      version: 1,
      ownerKey,
      expiresAt: null,
      body,
    }),
    identity.signing.privateKey,
  )
  try {
    await client.createEnclave({
      id: identity.userId,
      kind: 'identity',
      ownerKey,
      body,
      expiresAt: null,
      signature,
    })
  } catch (error) {
    if (!isApiError(error, 'already_exists')) throw error
  }
}

/** The profile naming its server as the picker does (a profile from before it named a URL). */
function withBackend(profile: StoredProfile, backend: BackendChoice): StoredProfile {
  const { serverUrl: _replaced, ...rest } = profile
  return { ...rest, server: backend }
}

const sameKdf = (a: KdfParams, b: KdfParams): boolean =>
  a.alg === b.alg && a.opsLimit === b.opsLimit && a.memLimit === b.memLimit
