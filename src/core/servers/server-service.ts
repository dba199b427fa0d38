// The servers service: one object the core calls for everything about servers, built from the
// modules that each do one job (spine-io, create, channels, invites, join, membership, views).
import type {
  ChannelInfo,
  ChannelKind,
  InviteInfo,
  ServerDetails,
  ServerSummary,
} from '../../shared/api'
import type { ReadProof, Shard } from '../../shared/protocol'
import { hasAuthority, type SpineEntry, type SpineState } from '../spine'
import type { CoreEvents } from '../events'
import type { UnlockedSession } from '../session'
import * as channels from './channels'
import { createServer } from './create'
import { toParacordError } from './errors'
import * as invites from './invites'
import { joinByInvite } from './join'
import { Keyring } from './keyring'
import * as membership from './membership'
import type { PeerKeyPins } from './peer-key-pins'
import { ServerSignals, requireServer, type ServerContext } from './server-context'
import { spineHooks } from './spine-effects'
import { SpineIo } from './spine-io'
import { serverDetails, serverSummary } from './views'

export interface ServerServiceOptions {
  readonly session: UnlockedSession
  readonly events: CoreEvents
  readonly peers: PeerKeyPins
  /** Background failures (an automatic rotation that could not finish); console.error by default. */
  readonly onError?: (error: unknown) => void
  /** Delay before a non-owner admin rotates after a member left, so the owner usually goes first. */
  readonly rotationDelayMs?: () => number
}

export class ServerService {
  readonly signals = new ServerSignals()
  readonly keyring: Keyring
  readonly spine: SpineIo
  private readonly ctx: ServerContext
  private readonly onError: (error: unknown) => void
  private readonly rotationDelayMs: () => number
  private unreadSource: (serverId: string, channelId: string) => number = () => 0
  private readonly rotations = new Map<string, Promise<unknown>>()
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()
  private readonly dirty = new Set<string>()
  private flushScheduled = false
  private closed = false

  constructor(options: ServerServiceOptions) {
    const { session, events, peers } = options
    this.onError = options.onError ?? ((error) => console.error('servers:', error))
    this.rotationDelayMs = options.rotationDelayMs ?? (() => 500 + Math.random() * 1500)
    this.keyring = new Keyring(session)
    const getCtx = () => this.ctx
    const host = {
      get ctx() {
        return getCtx()
      },
      changed: (serverId: string) => this.changed(serverId),
      rotationMayBeDue: (serverId: string, entry: SpineEntry) =>
        this.rotationMayBeDue(serverId, entry),
      removed: (serverId: string) => this.removedHere(serverId),
    }
    this.spine = new SpineIo(session, this.keyring, spineHooks(host))
    this.ctx = {
      session,
      keyring: this.keyring,
      spine: this.spine,
      events,
      peers,
      signals: this.signals,
      unread: (serverId, channelId) => this.unreadSource(serverId, channelId),
      rotate: (serverId, epochBefore, mode) => this.rotate(serverId, epochBefore, mode),
    }
  }

  /** Where unread counts come from (the message service). */
  setUnreadSource(source: (serverId: string, channelId: string) => number): void {
    this.unreadSource = source
  }

  // --- the API --------------------------------------------------------------------------------

  listServers(): ServerSummary[] {
    return this.serverIds().map((id) => serverSummary(this.ctx, id))
  }

  getServer(serverId: string): ServerDetails {
    requireServer(this.ctx, serverId)
    return serverDetails(this.ctx, serverId)
  }

  async createServer(name: string): Promise<ServerDetails> {
    const details = await createServer(this.ctx, name)
    this.emitServers()
    return details
  }

  async renameServer(serverId: string, name: string): Promise<ServerDetails> {
    await channels.renameServer(this.ctx, serverId, name)
    return this.getServer(serverId)
  }

  createChannel(
    serverId: string,
    input: { name: string; kind: ChannelKind; burnSeconds: number },
  ): Promise<ChannelInfo> {
    return channels.createChannel(this.ctx, serverId, input)
  }

  updateChannel(
    serverId: string,
    channelId: string,
    change: { name?: string; burnSeconds?: number },
  ): Promise<ChannelInfo> {
    return channels.updateChannel(this.ctx, serverId, channelId, change)
  }

  deleteChannel(serverId: string, channelId: string): Promise<void> {
    return channels.deleteChannel(this.ctx, serverId, channelId)
  }

  createInvite(
    serverId: string,
    maxUses: number | null,
    expiresInSeconds: number | null,
  ): Promise<InviteInfo> {
    return invites.createInvite(this.ctx, serverId, maxUses, expiresInSeconds)
  }

  listInvites(serverId: string): Promise<InviteInfo[]> {
    return invites.listInvites(this.ctx, serverId)
  }

  revokeInvite(serverId: string, inviteId: string): Promise<void> {
    return invites.revokeInvite(this.ctx, serverId, inviteId)
  }

  /** Joins by a code or a paracord://invite/ link. */
  async joinByInvite(invite: string): Promise<ServerDetails> {
    const serverId = await joinByInvite(this.ctx, invite)
    this.emitServers()
    return this.getServer(serverId)
  }

  async leaveServer(serverId: string): Promise<void> {
    await membership.leaveServer(this.ctx, serverId)
    this.emitServers()
  }

  removeMember(serverId: string, userId: string): Promise<void> {
    return membership.removeMember(this.ctx, serverId, userId)
  }

  setRole(serverId: string, userId: string, role: 'admin' | 'member'): Promise<void> {
    return membership.setRole(this.ctx, serverId, userId, role)
  }

  /** Publishes the account's new profile in every joined server. */
  updateProfile(change: { displayName?: string; status?: string }): Promise<void> {
    return membership.updateProfile(this.ctx, change)
  }

  // --- for the sync and message services -------------------------------------------------------

  serverIds(): string[] {
    return Object.keys(this.ctx.session.vault().servers)
  }

  isServer(streamId: string): boolean {
    return this.keyring.record(streamId) !== null
  }

  spineState(serverId: string): SpineState {
    return this.spine.state(serverId)
  }

  /** The last spine seq processed, for the live subscription. */
  spineCursor(serverId: string): number {
    return this.spine.get(serverId).seq
  }

  /** The server a channel belongs to, among joined servers. */
  serverOfChannel(channelId: string): string | null {
    for (const serverId of this.serverIds())
      if (this.spine.state(serverId).channels.has(channelId)) return serverId
    return null
  }

  textChannels(serverId: string): string[] {
    return [...this.spine.state(serverId).channels]
      .filter(([, channel]) => channel.kind === 'text')
      .map(([id]) => id)
  }

  voiceChannels(serverId: string): string[] {
    return [...this.spine.state(serverId).channels]
      .filter(([, channel]) => channel.kind === 'voice')
      .map(([id]) => id)
  }

  /** The key `userId` joined this server with, whether still a member or not. */
  pinnedKey(serverId: string, userId: string): string | null {
    return this.spine.get(serverId).pinned[userId] ?? null
  }

  /** Reads everything new in the server's spine, then rotates if one is due and ours to do. */
  async catchUp(serverId: string): Promise<void> {
    await this.spine.catchUp(serverId)
    this.checkRotationDue(serverId)
  }

  receiveSpineShard(serverId: string, shard: Shard): Promise<void> {
    return this.spine.receive(serverId, shard)
  }

  readProof(serverId: string, streamId: string, accountId: string): Promise<ReadProof> {
    return this.keyring.currentReadProof(serverId, streamId, accountId)
  }

  /** Stops timers and wipes derived keys (on lock). */
  close(): void {
    this.closed = true
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    this.keyring.wipe()
  }

  // --- internals ------------------------------------------------------------------------------

  private rotate(serverId: string, epochBefore: number, mode: 'due' | 'forced') {
    return this.queueRotation(serverId, () =>
      membership.rotateKeys(this.ctx, serverId, epochBefore, mode),
    )
  }

  /** Rotation work runs one at a time per server. */
  private queueRotation<T>(serverId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.rotations.get(serverId) ?? Promise.resolve()
    const run = previous.then(task, task)
    this.rotations.set(
      serverId,
      run.catch(() => undefined),
    )
    return run
  }

  private rotationMayBeDue(serverId: string, entry: SpineEntry): void {
    // The remover rotates right after its own member_removed; others wait for the catch-up.
    if (entry.author === this.ctx.session.userId) return
    this.later(() => this.checkRotationDue(serverId), 0)
  }

  private checkRotationDue(serverId: string): void {
    if (this.closed || !this.ctx.session.vault().servers[serverId]) return
    const state = this.spine.state(serverId)
    const me = this.ctx.session.userId
    if (!hasAuthority(state, me, 'key_rotated') || !this.keyring.adminSecret(serverId)) return
    const delay = state.ownerId === me ? 0 : this.rotationDelayMs()
    const report = (error: unknown) => {
      if (!this.closed) this.onError(toParacordError(error))
    }
    if (state.rotationDue) {
      const epoch = state.epoch
      this.later(() => void this.rotate(serverId, epoch, 'due').catch(report), delay)
      return
    }
    // The spine moved to a new epoch but its stream did not: a rotation was left half done.
    const info = this.keyring.cachedStreamInfo(serverId)
    const streamEpoch = info
      ? this.keyring.keyVersions(serverId, serverId, info).at(-1)?.epoch
      : null
    if (streamEpoch != null && streamEpoch < state.epoch)
      this.later(
        () =>
          void this.queueRotation(serverId, () =>
            membership.finishRotation(this.ctx, serverId),
          ).catch(report),
        delay + 1000,
      )
  }

  private removedHere(serverId: string): void {
    // After the spine work in progress (which holds the lock) has finished.
    void this.spine
      .withLock(serverId, () => Promise.resolve())
      .then(() => membership.dropServer(this.ctx, serverId, 'removed'))
      .then(() => this.emitServers())
      .catch((error: unknown) => this.onError(error))
  }

  private changed(serverId: string): void {
    this.dirty.add(serverId)
    if (this.flushScheduled) return
    this.flushScheduled = true
    this.later(() => {
      this.flushScheduled = false
      const servers = [...this.dirty]
      this.dirty.clear()
      for (const id of servers) {
        if (!this.ctx.session.vault().servers[id]) continue
        this.ctx.events.emit('serverChanged', serverDetails(this.ctx, id))
      }
      this.emitServers()
    }, 0)
  }

  private emitServers(): void {
    if (!this.closed) this.ctx.events.emit('serversChanged', this.listServers())
  }

  private later(task: () => void, ms: number): void {
    if (this.closed) return
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      if (!this.closed) task()
    }, ms)
    this.timers.add(timer)
  }
}
