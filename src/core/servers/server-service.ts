// The servers service: one object the core calls for everything about servers, built from the
// modules that each do one job (group io, create, join, channels, invites, membership, views),
// and the upkeep every server needs: committing members' leave requests, a new epoch at least
// daily, streams and the join enclave kept on the current epoch, old epoch keys wiped.
import {
  ParacordError,
  type ChannelInfo,
  type ChannelKind,
  type InviteInfo,
  type ServerDetails,
  type ServerSummary,
} from '../../shared/api'
import { LIMITS, type ReadProof, type Shard } from '../../shared/protocol'
import { GroupError, type ServerGroup } from '../mls/group'
import { isRemovedLeaf } from '../mls/rules'
import type { CoreEvents } from '../events'
import type { UnlockedSession } from '../session'
import * as channels from './channels'
import { createServer } from './create'
import { isUnreachable, toParacordError } from './errors'
import { CommitRaceError, GroupIo, type Accepted } from './group-io'
import * as invites from './invites'
import { addOwnProfile, joinAsDevice, joinByInvite } from './join'
import { joinInfoEpoch } from './join-info'
import { Keyring } from './keyring'
import * as membership from './membership'
import type { PeerKeyPins } from './peer-key-pins'
import {
  commitChange,
  ServerSignals,
  settleEpoch,
  warn,
  type ServerContext,
} from './server-context'
import type { ServerView } from './server-view'
import { serverDetails, serverSummary } from './views'

/** A device refreshes its leaf, and so starts a new epoch, at least this often while in use. */
export const LEAF_REFRESH_MS = 24 * 3600 * 1000
/** Unlocking after a lock longer than this refreshes the leaf too. */
export const LONG_LOCK_MS = 3600 * 1000
const UPKEEP_EVERY_MS = 60_000
/** How often idle() looks again while an upkeep is only due. */
const IDLE_POLL_MS = 20

export interface ServerServiceOptions {
  readonly session: UnlockedSession
  readonly events: CoreEvents
  readonly peers: PeerKeyPins
  /** Background failures (upkeep that could not finish); console.error by default. */
  readonly onError?: (error: unknown) => void
  /** Delay before a member who did not make a change does the upkeep it needs. */
  readonly upkeepDelayMs?: () => number
}

/** Where the moment this device last locked is kept (the sealed cache). */
const LOCKED_AT_KEY = 'locked-at'

/** How long an ended epoch's keys stay: the longest burn of the server's channels, and slack. */
export function epochKeepMs(view: ServerView): number {
  let longest = 0
  for (const channel of view.channels.values()) longest = Math.max(longest, channel.burnSeconds)
  return longest * 1000 + LIMITS.burnSkewMs
}

export class ServerService {
  readonly signals = new ServerSignals()
  readonly keyring: Keyring
  readonly io: GroupIo
  private readonly ctx: ServerContext
  private readonly onError: (error: unknown) => void
  private readonly upkeepDelayMs: () => number
  private unreadSource: (serverId: string, channelId: string) => number = () => 0
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()
  private readonly dirty = new Set<string>()
  private readonly upkeeps = new Map<string, Promise<void>>()
  private readonly joins = new Map<string, Promise<void>>()
  private readonly settled = new Map<string, number>()
  private readonly lockedSince: number
  private flushScheduled = false
  private closed = false
  private interval: ReturnType<typeof setInterval> | null = null

  constructor(options: ServerServiceOptions) {
    const { session, events, peers } = options
    this.onError = options.onError ?? ((error) => console.error('servers:', error))
    this.upkeepDelayMs = options.upkeepDelayMs ?? (() => 500 + Math.random() * 1500)
    this.lockedSince = session.cache.getValue<number>(LOCKED_AT_KEY) ?? 0
    this.keyring = new Keyring(session)
    this.keyring.onMismatch((serverId, reason) => warn(this.ctx, serverId, reason))
    this.io = new GroupIo(
      session,
      this.keyring,
      {
        accepted: (serverId, accepted) => this.accepted(serverId, accepted),
        proposed: (serverId) => this.later(() => this.upkeep(serverId), this.upkeepDelayMs()),
        rejected: (serverId, reason) => warn(this.ctx, serverId, reason),
        desynced: (serverId, reason) => this.rejoin(serverId, reason),
      },
      epochKeepMs,
    )
    this.ctx = {
      session,
      keyring: this.keyring,
      io: this.io,
      events,
      peers,
      signals: this.signals,
      unread: (serverId, channelId) => this.unreadSource(serverId, channelId),
    }
    this.interval = setInterval(() => {
      for (const serverId of this.serverIds()) void this.upkeep(serverId)
    }, UPKEEP_EVERY_MS)
    this.interval.unref?.()
  }

  /** Where unread counts come from (the message service). */
  setUnreadSource(source: (serverId: string, channelId: string) => number): void {
    this.unreadSource = source
  }

  // --- the API --------------------------------------------------------------------------------

  listServers(): ServerSummary[] {
    return this.joinedIds().map((id) => serverSummary(this.ctx, id))
  }

  getServer(serverId: string): ServerDetails {
    if (!this.isServer(serverId)) throw toParacordError(new Error('not in this server'))
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

  /** Every server the account is in (a new device joins the ones it lacks on catch-up). */
  serverIds(): string[] {
    return Object.keys(this.ctx.session.vault().servers)
  }

  /** The servers this device is in now. */
  private joinedIds(): string[] {
    return this.serverIds().filter((id) => this.io.has(id))
  }

  isServer(streamId: string): boolean {
    return this.io.has(streamId) && !!this.ctx.session.vault().servers[streamId]
  }

  /** The server as this device sees it now; empty for a server it is not in. */
  view(serverId: string): ServerView {
    return this.io.view(serverId)
  }

  /** The last log seq processed, for the live subscription. */
  logCursor(serverId: string): number {
    return this.io.seq(serverId)
  }

  /** The server a channel belongs to, among joined servers. */
  serverOfChannel(channelId: string): string | null {
    for (const serverId of this.joinedIds())
      if (this.io.view(serverId).channels.has(channelId)) return serverId
    return null
  }

  textChannels(serverId: string): string[] {
    return [...this.io.view(serverId).channels]
      .filter(([, channel]) => channel.kind === 'text')
      .map(([id]) => id)
  }

  voiceChannels(serverId: string): string[] {
    return [...this.io.view(serverId).channels]
      .filter(([, channel]) => channel.kind === 'voice')
      .map(([id]) => id)
  }

  /** The identity key `userId` was first seen with in this server, member or not any more. */
  pinnedKey(serverId: string, userId: string): string | null {
    return this.io.pinned(serverId, userId)
  }

  /**
   * Resolves once no upkeep runs and none is due: a caller about to stop reading (a test that
   * plays the backend, an orderly shutdown) knows nothing more will be committed behind its back.
   */
  async idle(): Promise<void> {
    while (!this.closed && (this.timers.size > 0 || this.upkeeps.size > 0))
      await Promise.race([
        ...this.upkeeps.values(),
        new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS)),
      ])
  }

  /** Reads everything new in the server's log (joining it first on a new device), then upkeep. */
  async catchUp(serverId: string): Promise<void> {
    if (!this.io.has(serverId)) {
      await this.joinHere(serverId)
      if (!this.io.has(serverId)) return
    }
    await this.io.catchUp(serverId)
    this.later(() => this.upkeep(serverId), 0)
  }

  /** A shard of the server's log, from the live connection. */
  receiveLogShard(serverId: string, shard: Shard): Promise<void> {
    return this.io.receive(serverId, shard)
  }

  readProof(serverId: string, streamId: string, accountId: string): Promise<ReadProof> {
    return this.keyring.currentReadProof(serverId, streamId, accountId)
  }

  /** Stops timers and wipes derived keys (on lock). */
  close(): void {
    if (!this.closed)
      try {
        this.ctx.session.cache.setValue(LOCKED_AT_KEY, this.ctx.session.now())
      } catch {
        // The cache closed first: the next unlock then counts from the last refresh alone.
      }
    this.closed = true
    if (this.interval) clearInterval(this.interval)
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    this.keyring.wipe()
  }

  // --- internals ------------------------------------------------------------------------------

  /**
   * This device's group state cannot follow the others (a change it cannot open): it forgets
   * it and joins again from the join enclave, as a new device would, then takes its old leaf out.
   */
  private rejoin(serverId: string, reason: string): void {
    warn(this.ctx, serverId, `${reason}; joining the server again`)
    const stale = this.io.group(serverId)?.ownLeafIndex()
    this.later(() => {
      void this.io
        .withLock(serverId, () => Promise.resolve())
        .then(async () => {
          this.io.forget(serverId)
          await this.joinHere(serverId)
          if (stale === undefined || !this.io.has(serverId)) return
          const me = this.ctx.session.userId
          await commitChange(this.ctx, serverId, (g) => {
            const old = g.leaves().find((l) => l.leafIndex === stale && l.userId === me)
            return old && old.leafIndex !== g.ownLeafIndex() ? { removeLeaves: [stale] } : null
          })
        })
        .catch((error: unknown) => {
          if (!this.closed) this.onError(toParacordError(error))
        })
    }, 0)
  }

  /** A server of the account that this device is not in yet: join it as a further device. */
  private joinHere(serverId: string): Promise<void> {
    let run = this.joins.get(serverId)
    if (!run) {
      run = joinAsDevice(this.ctx, serverId)
        .then(() => this.emitServers())
        .catch((error: unknown) => {
          if (!this.closed) this.onError(toParacordError(error))
        })
        .finally(() => this.joins.delete(serverId))
      this.joins.set(serverId, run)
    }
    return run
  }

  private accepted(serverId: string, accepted: Accepted): Promise<void> {
    const { ctx } = this
    const me = ctx.session.userId
    // Taken out, or marked removed: this device stops here, whoever takes its leaves out.
    if (membership.isOutOfServer(ctx, serverId)) {
      this.removedHere(serverId)
      return Promise.resolve()
    }
    for (const [userId, member] of accepted.after.members) {
      if (userId === me || accepted.before.members.get(userId)?.identityKey === member.identityKey)
        continue
      try {
        ctx.peers.observe(userId, member.identityKey, `group:${serverId}`)
      } catch (error) {
        warn(ctx, serverId, `the key of ${userId} could not be pinned: ${String(error)}`)
      }
    }
    ctx.signals.emit('streamsChanged', { serverId })
    this.changed(serverId)
    // Someone else's commit: they move the streams on; if they did not, a member does.
    if (!accepted.mine) this.later(() => this.upkeep(serverId), this.upkeepDelayMs())
    return Promise.resolve()
  }

  /** The upkeep of one server, one run at a time. */
  private upkeep(serverId: string): Promise<void> {
    if (this.closed || !this.isServer(serverId)) return Promise.resolve()
    const running = this.upkeeps.get(serverId)
    if (running) return running
    const run = this.upkeepNow(serverId)
      .catch((error: unknown) => {
        // Offline, raced or just removed: the next pass (every minute, and after each
        // catch-up) does what is still to do.
        const code = error instanceof ParacordError ? error.code : null
        const transient =
          isUnreachable(error) ||
          error instanceof CommitRaceError ||
          error instanceof GroupError ||
          code === 'server_unreachable' ||
          code === 'conflict' ||
          code === 'not_found'
        if (!this.closed && !transient) this.onError(toParacordError(error))
      })
      .finally(() => this.upkeeps.delete(serverId))
    this.upkeeps.set(serverId, run)
    return run
  }

  private async upkeepNow(serverId: string): Promise<void> {
    const { ctx, io } = this
    const group = io.group(serverId)
    if (!group) return
    // A device whose user is marked removed tries nothing (the rules would refuse it): it stops.
    if (membership.isOutOfServer(ctx, serverId)) {
      this.removedHere(serverId)
      return
    }
    const now = ctx.session.now()
    // 1. Members' requests to leave, devices of users an admin marked removed, profiles of those
    // gone.
    if (group.pendingProposals() > 0)
      await commitChange(ctx, serverId, (g) => (g.pendingProposals() > 0 ? {} : null))
    const marked = (g: ServerGroup) =>
      g
        .leaves()
        .filter((leaf) => leaf.leafIndex !== g.ownLeafIndex() && isRemovedLeaf(g.state, leaf))
        .map((leaf) => leaf.leafIndex)
    if (marked(io.group(serverId) ?? group).length > 0)
      await commitChange(ctx, serverId, (g) =>
        marked(g).length > 0 ? { removeLeaves: marked(g) } : null,
      )
    const lingering = (g: ServerGroup) =>
      Object.keys(g.state.members).some((id) => !g.userIds().includes(id))
    if (lingering(io.group(serverId) ?? group))
      await commitChange(ctx, serverId, (g) => (lingering(g) ? { state: (s) => s } : null))
    // 2. This member's profile, if its join did not get that far.
    if (!group.state.members[ctx.session.userId]) await addOwnProfile(ctx, serverId)
    // 3. A fresh leaf daily, and after a long lock (post-compromise recovery).
    const leafAge = now - io.leafUpdatedAt(serverId)
    const epochAge = now - io.epochStartedAt(serverId)
    const longLock = this.lockedSince > 0 && io.leafUpdatedAt(serverId) < this.lockedSince
    if (
      leafAge > LEAF_REFRESH_MS ||
      epochAge > LEAF_REFRESH_MS ||
      (longLock && leafAge > LONG_LOCK_MS)
    )
      await membership.refreshOwnLeaf(ctx, serverId)
    // 4. Streams and join enclave on the current epoch (once per epoch on this device).
    const epoch = ctx.keyring.currentEpoch(serverId)
    if (this.settled.get(serverId) !== epoch) {
      const info = await ctx.keyring.streamInfo(serverId, serverId, true)
      const logEpoch = ctx.keyring.keyVersions(serverId, serverId, info).at(-1)?.epoch
      if (logEpoch !== epoch || (await joinInfoEpoch(ctx.session, serverId)) < epoch)
        await settleEpoch(ctx, serverId)
      this.settled.set(serverId, epoch)
    }
    // 5. Keys of epochs whose messages have all burned, and dead invites.
    io.prune(serverId)
    await invites.sweepInvites(ctx, serverId)
  }

  private removedHere(serverId: string): void {
    // After the log work in progress (which holds the lock) has finished.
    void membership
      .dropIfRemoved(this.ctx, serverId)
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
        if (!this.isServer(id)) continue
        this.ctx.events.emit('serverChanged', serverDetails(this.ctx, id))
      }
      this.emitServers()
    }, 0)
  }

  private emitServers(): void {
    if (!this.closed) this.ctx.events.emit('serversChanged', this.listServers())
  }

  private later(task: () => unknown, ms: number): void {
    if (this.closed) return
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      if (!this.closed) void task()
    }, ms)
    this.timers.add(timer)
  }
}
