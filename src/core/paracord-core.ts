// ParacordCore: the client core behind one ParacordApi. It validates every input at the
// boundary, keeps the account service alive for the whole run, and builds the per-session
// services (peers, servers, messages, sync) on unlock and tears them down on lock.
import {
  ParacordError,
  type ApiEvents,
  type ApiInput,
  type ApiMethodName,
  type ApiMethods,
  type ApiOutputs,
  type ParacordApi,
  type Unsubscribe,
} from '../shared/api'
import { validateApiInput } from '../shared/api-validate'
import type { KdfParams } from '../shared/protocol'
import { loadSodium } from './crypto'
import { AccountService } from './account'
import { CoreEvents } from './events'
import type { EmbeddedBackendAccess } from './net/embedded-access'
import { parseServerUrl, ServerUrlError } from './net/server-url'
import { PeerDirectory } from './peers'
import { SessionServices } from './session-services'
import type { UnlockedSession } from './session'

export interface ParacordCoreOptions {
  /** The profile folder: one sub-folder per account (vault copy, encrypted cache). */
  readonly dataDir: string
  /**
   * The server the host was started with, e.g. http://127.0.0.1:8443 (`embeddedBackend`'s URL:
   * this computer): the default for register and login. A known account keeps its own.
   */
  readonly serverUrl: string
  /** The embedded backend the host started, if any: requests to it carry its secret. */
  readonly embeddedBackend?: EmbeddedBackendAccess | null
  /** Argon2id parameters for new accounts and password changes. */
  readonly kdf?: KdfParams
  readonly now?: () => number
  /** Background failures; console.error by default. */
  readonly onError?: (error: unknown) => void
}

export interface ParacordCore extends ParacordApi {
  /** Resolves once the live connection is online and caught up on every followed stream. */
  whenSynced(timeoutMs?: number): Promise<void>
  /** Closes the session services, the cache and the connection. */
  close(): Promise<void>
}

export async function createParacordCore(options: ParacordCoreOptions): Promise<ParacordCore> {
  requireServerUrl(options.serverUrl)
  await loadSodium()
  return new Core(options)
}

/** Whatever host made the options, the core talks to no backend the URL rule refuses. */
function requireServerUrl(text: string): void {
  try {
    parseServerUrl(text, 'The server URL')
  } catch (error) {
    if (error instanceof ServerUrlError) throw new ParacordError('invalid_input', error.message)
    throw error
  }
}

class Core implements ParacordCore {
  private readonly events: CoreEvents
  private readonly accounts: AccountService
  private readonly onError: (error: unknown) => void
  private readonly embeddedBackend: EmbeddedBackendAccess | null
  private services: SessionServices | null = null
  private closed = false

  constructor(options: ParacordCoreOptions) {
    this.onError = options.onError ?? ((error) => console.error('paracord core:', error))
    this.events = new CoreEvents(this.onError)
    this.embeddedBackend = options.embeddedBackend ?? null
    this.accounts = new AccountService({
      dataDir: options.dataDir,
      serverUrl: options.serverUrl,
      embeddedBackend: this.embeddedBackend,
      ...(options.kdf ? { kdf: options.kdf } : {}),
      ...(options.now ? { now: options.now } : {}),
      onError: this.onError,
      // Every way out of a session (lock, logout, auto-lock, close) stops the services first,
      // so a call's leave goes out while the session can still sign it.
      onAuthChanged: (state) => this.events.emit('authChanged', state),
      onBeforeLock: (_session, signal) => this.stopServices(signal),
      onVaultChanged: () => this.services?.vaultChanged(),
    })
  }

  on<E extends keyof ApiEvents>(event: E, listener: (payload: ApiEvents[E]) => void): Unsubscribe {
    return this.events.on(event, listener)
  }

  async whenSynced(timeoutMs = 15_000): Promise<void> {
    await this.accounts.settled()
    await this.requireServices().sync.whenSynced(timeoutMs)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.accounts.lock()
    await this.stopServices()
  }

  // --- accounts -------------------------------------------------------------------------------

  getAuthState = this.method('getAuthState', () => this.accounts.authState())

  register = this.method('register', async ({ name, password, backend }) => {
    this.startServices(await this.accounts.register(name, password, backend))
    return this.accounts.authState()
  })

  login = this.method('login', async ({ name, password, backend }) => {
    this.startServices(await this.accounts.login(name, password, backend))
    return this.accounts.authState()
  })

  unlock = this.method('unlock', async ({ password }) => {
    this.startServices(await this.accounts.unlock(password))
    return this.accounts.authState()
  })

  lock = this.method('lock', () => this.accounts.lock())
  logout = this.method('logout', () => this.accounts.logout())

  changePassword = this.method('changePassword', async ({ currentPassword, newPassword }) => {
    await this.accounts.changePassword(currentPassword, newPassword)
    return null
  })

  deleteAccount = this.method('deleteAccount', ({ password }) =>
    this.accounts.deleteAccount(password),
  )

  touch = this.method('touch', () => null)

  getBackendOptions = this.method('getBackendOptions', () => this.accounts.backendOptions())
  checkBackend = this.method('checkBackend', ({ backend }) => this.accounts.checkBackend(backend))

  getProfile = this.method('getProfile', () => this.requireServices().profile())

  updateProfile = this.method('updateProfile', (change) =>
    this.requireServices().updateProfile(change),
  )

  getSettings = this.method('getSettings', () => this.accounts.current().vault().settings)

  updateSettings = this.method('updateSettings', async (change) => {
    const session = this.accounts.current()
    const vault = await session.updateVault((v) => ({
      ...v,
      settings: { ...v.settings, ...change },
    }))
    return vault.settings
  })

  // --- servers --------------------------------------------------------------------------------

  listServers = this.method('listServers', () => this.servers().listServers())
  getServer = this.method('getServer', ({ serverId }) => this.servers().getServer(serverId))
  createServer = this.method('createServer', ({ name }) => this.servers().createServer(name))
  renameServer = this.method('renameServer', ({ serverId, name }) =>
    this.servers().renameServer(serverId, name),
  )

  leaveServer = this.method('leaveServer', async ({ serverId }) => {
    await this.servers().leaveServer(serverId)
    return null
  })

  createChannel = this.method('createChannel', ({ serverId, name, kind, burnSeconds }) =>
    this.servers().createChannel(serverId, { name, kind, burnSeconds }),
  )

  updateChannel = this.method('updateChannel', ({ serverId, channelId, ...change }) =>
    this.servers().updateChannel(serverId, channelId, change),
  )

  deleteChannel = this.method('deleteChannel', async ({ serverId, channelId }) => {
    await this.servers().deleteChannel(serverId, channelId)
    return null
  })

  createInvite = this.method('createInvite', ({ serverId, maxUses, expiresInSeconds }) =>
    this.servers().createInvite(serverId, maxUses, expiresInSeconds),
  )

  listInvites = this.method('listInvites', ({ serverId }) => this.servers().listInvites(serverId))

  revokeInvite = this.method('revokeInvite', async ({ serverId, inviteId }) => {
    await this.servers().revokeInvite(serverId, inviteId)
    return null
  })

  joinByInvite = this.method('joinByInvite', async ({ invite }) => {
    const details = await this.servers().joinByInvite(invite)
    this.requireServices().followServers()
    return details
  })

  removeMember = this.method('removeMember', async ({ serverId, userId }) => {
    await this.servers().removeMember(serverId, userId)
    return null
  })

  setRole = this.method('setRole', async ({ serverId, userId, role }) => {
    await this.servers().setRole(serverId, userId, role)
    return null
  })

  // --- messages -------------------------------------------------------------------------------

  listMessages = this.method('listMessages', (input) => this.messages().listMessages(input))
  sendMessage = this.method('sendMessage', (input) => this.messages().sendMessage(input))
  editMessage = this.method('editMessage', (input) => this.messages().editMessage(input))

  deleteMessage = this.method('deleteMessage', async (input) => {
    await this.messages().deleteMessage(input)
    return null
  })

  markRead = this.method('markRead', ({ serverId, channelId }) => {
    this.messages().markRead(serverId, channelId)
    return null
  })

  // --- peers and connection -------------------------------------------------------------------

  getSafetyNumber = this.method('getSafetyNumber', ({ userId }) =>
    this.requireServices().safetyNumber(userId),
  )

  acceptKeyChange = this.method('acceptKeyChange', ({ userId }) => {
    this.requireServices().acceptKeyChange(userId)
    return null
  })

  getConnectionState = this.method('getConnectionState', () => {
    const services = this.services
    if (!services)
      return { status: 'offline', outbox: 0, reason: 'locked', sendingPausedUntil: null } as const
    // The window asks when it regains focus or the network returns: while offline, that is
    // the moment to try the backend again rather than wait out the backoff.
    services.sync.reconnectNow()
    return services.sync.connectionState()
  })

  // --- voice ----------------------------------------------------------------------------------

  getIceServers = this.method('getIceServers', () => this.voice().iceServers())
  getVoiceState = this.method('getVoiceState', () => this.voice().state())
  joinVoice = this.method('joinVoice', ({ serverId, channelId }) =>
    this.voice().join(serverId, channelId),
  )

  leaveVoice = this.method('leaveVoice', async () => {
    await this.voice().leave()
    return null
  })

  sendVoiceSignal = this.method('sendVoiceSignal', async (input) => {
    await this.voice().sendSignal(input)
    return null
  })

  // --- internals ------------------------------------------------------------------------------

  /**
   * Wraps one API method: validates the input against the contract, counts the call as user
   * activity (auto-lock), and runs it. `run` may answer synchronously: the wrapper is async, so
   * a throw still reaches the caller as a rejection.
   */
  private method<M extends ApiMethodName>(
    name: M,
    run: (input: ApiInput<M>) => ApiOutputs[M] | Promise<ApiOutputs[M]>,
  ): ApiMethods[M] {
    const wrapped = async (input: unknown) => {
      if (this.closed) throw new ParacordError('signed_out', 'paracord is shutting down')
      const valid = validateApiInput(name, input ?? {})
      if (this.accounts.authState().status === 'unlocked') this.accounts.touch()
      return run(valid)
    }
    return wrapped as ApiMethods[M]
  }

  private startServices(session: UnlockedSession): void {
    if (this.services?.session === session) return
    void this.stopServices()
    const peers = new PeerDirectory({
      session,
      onKeyChanged: (change) => this.services?.keyChanged(change.userId),
    })
    this.services = new SessionServices({
      session,
      peers,
      events: this.events,
      // The session's own server, as its HTTP client uses: one rule (backend-choice.ts).
      serverUrl: session.serverUrl,
      embeddedBackend: this.embeddedBackend,
      onError: this.onError,
    })
    this.services.start()
  }

  /** `signal` aborts when the caller stops waiting (a lock waits only so long for a leave). */
  private async stopServices(signal?: AbortSignal): Promise<void> {
    const services = this.services
    this.services = null
    // A failure is reported, never left unhandled: not every caller waits.
    await services?.stop(signal).catch(this.onError)
  }

  private requireServices(): SessionServices {
    if (this.services) return this.services
    // Throws the precise reason: locked or signed out.
    this.accounts.current()
    throw new ParacordError('locked', 'paracord is locked')
  }

  private servers() {
    return this.requireServices().servers
  }

  private messages() {
    return this.requireServices().messages
  }

  private voice() {
    return this.requireServices().voice
  }
}
