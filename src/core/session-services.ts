// The services that live while one account is unlocked: peers, servers, messages and sync,
// linked together, plus the profile and key-change glue the API needs. Built on unlock, closed
// (wiping every derived key) on lock.
import { ParacordError, type Profile, type SafetyNumber } from '../shared/api'
import type { CoreEvents } from './events'
import type { EmbeddedBackendAccess } from './net/embedded-access'
import type { PeerDirectory } from './peers'
import type { UnlockedSession } from './session'
import { createServerCore, type ServerCore } from './sync/services'

export interface SessionServicesOptions {
  readonly session: UnlockedSession
  readonly peers: PeerDirectory
  readonly events: CoreEvents
  readonly serverUrl: string
  readonly embeddedBackend?: EmbeddedBackendAccess | null
  readonly onError: (error: unknown) => void
}

export class SessionServices {
  readonly session: UnlockedSession
  private readonly peers: PeerDirectory
  private readonly events: CoreEvents
  private readonly core: ServerCore

  constructor(options: SessionServicesOptions) {
    this.session = options.session
    this.peers = options.peers
    this.events = options.events
    this.core = createServerCore({
      session: options.session,
      events: options.events,
      peers: options.peers,
      url: options.serverUrl,
      live: { embeddedBackend: options.embeddedBackend },
      onError: options.onError,
    })
  }

  get servers() {
    return this.core.servers
  }

  get messages() {
    return this.core.messages
  }

  get sync() {
    return this.core.sync
  }

  get voice() {
    return this.core.voice
  }

  start(): void {
    this.core.sync.start()
  }

  /** `signal`: see ServerCore.close. */
  async stop(signal?: AbortSignal): Promise<void> {
    await this.core.close(signal)
  }

  /** A server joined or created elsewhere (another device): follow its streams. */
  vaultChanged(): void {
    this.core.sync.followServers()
  }

  followServers(): void {
    this.core.sync.followServers()
  }

  profile(): Profile {
    const vault = this.session.vault()
    return {
      userId: this.session.userId,
      name: this.session.name,
      displayName: vault.profile.displayName,
      status: vault.profile.status,
    }
  }

  async updateProfile(change: { displayName?: string; status?: string }): Promise<Profile> {
    await this.session.updateVault((v) => ({ ...v, profile: { ...v.profile, ...change } }))
    await this.core.servers.updateProfile(change)
    return this.profile()
  }

  async safetyNumber(userId: string): Promise<SafetyNumber> {
    if (userId === this.session.userId)
      throw new ParacordError('invalid_input', 'A safety number compares you with someone else.')
    return this.peers.safetyNumber(userId, this.displayName(userId))
  }

  acceptKeyChange(userId: string): void {
    this.peers.acceptKeyChange(userId)
  }

  keyChanged(userId: string): void {
    this.events.emit('keyChanged', { userId, displayName: this.displayName(userId) })
  }

  /** The name a user goes by in the first joined server that knows them. */
  private displayName(userId: string): string {
    for (const serverId of this.core.servers.serverIds()) {
      const member = this.core.servers.view(serverId).members.get(userId)
      if (member) return member.displayName
    }
    return 'Unknown user'
  }
}
