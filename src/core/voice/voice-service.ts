// Voice signalling in the client core (docs/VOICE.md). A voice channel's stream carries only
// presence and signals, each sealed with the channel key, signed by its author and burning a
// minute after it is posted. Sync delivers every voice stream of the joined servers here, so
// the sidebar shows who is in each channel; while this device is in a call it beats every few
// seconds and passes signals between the renderer (where the media lives) and the stream.
import {
  ParacordError,
  type IceConfig,
  type VoiceCall,
  type VoiceChannelState,
  type VoiceEndReason,
  type VoiceState,
} from '../../shared/api'
import type { Shard } from '../../shared/protocol'
import { ApiError } from '../net/errors'
import type { CoreEvents } from '../events'
import { openItem, ShardRejected } from '../shard-codec'
import type { UnlockedSession } from '../session'
import { toParacordError } from '../servers/errors'
import { randomId } from '../servers/ids'
import { postItem } from '../servers/post-item'
import type { ServerService } from '../servers/server-service'
import { isMember } from '../servers/server-view'
import { parseVoiceItem, type VoiceItem } from './voice-items'
import { VoiceRoom, type RoomSelf } from './voice-room'

/** How often a leave is tried while the backend is unreachable (about 2.5 s in all). */
const LEAVE_ATTEMPTS = 4

export interface VoiceTiming {
  /** How long signalling shards live on the server. */
  readonly burnMs: number
  readonly heartbeatMs: number
  /** A participant not heard from this long is dropped. */
  readonly timeoutMs: number
  /** How long a join waits to see its own join come back through the stream. */
  readonly joinWaitMs: number
}

export const VOICE_TIMING: VoiceTiming = {
  burnMs: 60_000,
  heartbeatMs: 5_000,
  timeoutMs: 15_000,
  joinWaitMs: 10_000,
}

/** A full mesh: every participant sends its audio to every other one. */
export const MAX_VOICE_PARTICIPANTS = 8

export interface VoiceServiceOptions {
  readonly session: UnlockedSession
  readonly events: CoreEvents
  readonly servers: ServerService
  readonly timing?: Partial<VoiceTiming>
  /** Fewer than MAX_VOICE_PARTICIPANTS only in tests. */
  readonly maxParticipants?: number
  readonly onError?: (error: unknown) => void
}

interface Call extends RoomSelf {
  readonly serverId: string
  readonly channelId: string
}

interface RoomEntry {
  readonly serverId: string
  readonly room: VoiceRoom
  /** The last seq processed. */
  cursor: number
}

export class VoiceService {
  private readonly session: UnlockedSession
  private readonly events: CoreEvents
  private readonly servers: ServerService
  private readonly timing: VoiceTiming
  private readonly maxParticipants: number
  private readonly onError: (error: unknown) => void
  private readonly rooms = new Map<string, RoomEntry>()
  private readonly seqWaiters = new Set<() => void>()
  private readonly unsubscribers: (() => void)[] = []
  private call: Call | null = null
  private heartbeat: ReturnType<typeof setInterval> | null = null
  private expiryTimer: ReturnType<typeof setTimeout> | null = null
  /** Whether the live connection is up; while it is not, nobody times out. */
  private online = false
  private closed = false
  private closing = false
  /** Joins in flight; close waits for them, so that a late join is taken back before the wipe. */
  private readonly joins = new Set<Promise<unknown>>()
  /** close()'s signal: a late join's leave stops being waited for when it aborts. */
  private closeSignal: AbortSignal | undefined

  constructor(options: VoiceServiceOptions) {
    this.session = options.session
    this.events = options.events
    this.servers = options.servers
    this.timing = { ...VOICE_TIMING, ...options.timing }
    this.maxParticipants = options.maxParticipants ?? MAX_VOICE_PARTICIPANTS
    this.onError = options.onError ?? ((error) => console.error('voice:', error))
    this.unsubscribers.push(
      this.servers.signals.on('serverDropped', ({ serverId }) => this.serverDropped(serverId)),
      this.servers.signals.on('streamsChanged', ({ serverId }) => this.channelsChanged(serverId)),
      this.events.on('connectionChanged', ({ status }) => this.connectionChanged(status)),
    )
  }

  // --- the API --------------------------------------------------------------------------------

  async iceServers(): Promise<IceConfig> {
    const relayOnly = this.session.vault().settings.alwaysRelayCalls
    try {
      await this.session.ensureOnline()
      const turn = await this.session.client.turnCredentials()
      return {
        iceServers: [{ urls: turn.urls, username: turn.username, credential: turn.credential }],
        relayOnly,
        expiresAt: turn.expiresAt,
      }
    } catch (error) {
      // A backend without a relay: direct calls may still work when relaying is not forced.
      if (error instanceof ApiError && error.code === 'unavailable')
        return { iceServers: [], relayOnly, expiresAt: null }
      throw toParacordError(error)
    }
  }

  state(): VoiceState {
    const channels: VoiceChannelState[] = []
    for (const [channelId, entry] of this.rooms) {
      const state = this.channelState(entry.serverId, channelId)
      if (state.participants.length > 0) channels.push(state)
    }
    return { call: this.call ? this.callState(this.call) : null, channels }
  }

  async join(serverId: string, channelId: string): Promise<VoiceCall> {
    if (this.closing) throw endedError()
    this.requireVoiceChannel(serverId, channelId)
    if (this.call?.channelId === channelId) return this.callState(this.call)
    if (this.call) await this.leave()
    // 1. A new session, announced by a join shard.
    const call: Call = { serverId, channelId, userId: this.session.userId, sessionId: randomId() }
    this.call = call
    const joining = this.enter(call)
    this.joins.add(joining)
    try {
      return await joining
    } finally {
      this.joins.delete(joining)
    }
  }

  private async enter(call: Call): Promise<VoiceCall> {
    const { serverId, channelId } = call
    try {
      const seq = await this.post(serverId, channelId, {
        type: 'join',
        session: call.sessionId,
        at: this.session.now(),
      })
      // Ended meanwhile (close, leave, another join): that leave may have reached the backend
      // before this join, so the others would keep a ghost until the timeout. Take it back.
      if (this.call !== call) {
        await this.postLeave(call, this.closeSignal)
        throw endedError()
      }
      // 2. Once the stream has delivered everything up to it, the room knows who came first.
      await this.waitForCursor(channelId, seq, call)
      if (this.call !== call) {
        await this.postLeave(call, this.closeSignal)
        throw endedError()
      }
      const room = this.room(serverId, channelId)
      // 3. Beyond the first eight: not in; say so and take the join back.
      if (!room.isAdmitted(call.userId, call.sessionId)) {
        this.call = null
        await this.postLeave(call)
        throw new ParacordError(
          'conflict',
          `This voice channel is full: at most ${this.maxParticipants} people can talk at once.`,
        )
      }
    } catch (error) {
      if (this.call === call) {
        this.call = null
        void this.postLeave(call)
      }
      throw toParacordError(error)
    }
    // 4. In: beat until leaving.
    this.heartbeat = setInterval(() => this.beat(), this.timing.heartbeatMs)
    return this.callState(call)
  }

  async leave(): Promise<void> {
    const call = this.call
    if (!call) return
    this.endCall()
    await this.postLeave(call)
  }

  async sendSignal(input: {
    serverId: string
    channelId: string
    to: string
    toSession: string
    signal: string
  }): Promise<void> {
    const call = this.call
    if (!call || call.serverId !== input.serverId || call.channelId !== input.channelId)
      throw new ParacordError('not_found', 'You are not in this voice channel.')
    if (!this.room(call.serverId, call.channelId).isAdmitted(input.to, input.toSession))
      throw new ParacordError('not_found', 'That person is no longer in the call.')
    try {
      await this.post(call.serverId, call.channelId, {
        type: 'signal',
        session: call.sessionId,
        to: input.to,
        toSession: input.toSession,
        signal: input.signal,
        at: this.session.now(),
      })
    } catch (error) {
      throw toParacordError(error)
    }
  }

  // --- for sync -------------------------------------------------------------------------------

  /** The last seq processed of a voice stream (0: subscribe from its oldest unburned shard). */
  cursor(channelId: string): number {
    return this.rooms.get(channelId)?.cursor ?? 0
  }

  /** One shard of a voice stream, in seq order. */
  receiveShard(serverId: string, channelId: string, shard: Shard): void {
    const entry = this.entry(serverId, channelId)
    if (shard.seq <= entry.cursor) return
    try {
      this.apply(serverId, channelId, entry.room, shard)
    } finally {
      entry.cursor = shard.seq
      this.seqWaiters.forEach((wake) => wake())
    }
  }

  /**
   * Leaves the call and stops every timer; on lock, logout and quit. Once `signal` aborts, the
   * leave is no longer waited for: the session is about to be wiped.
   */
  async close(signal?: AbortSignal): Promise<void> {
    if (this.closing) return
    this.closing = true
    this.closeSignal = signal
    const call = this.call
    if (call) {
      this.endCall()
      this.events.emit('voiceEnded', {
        serverId: call.serverId,
        channelId: call.channelId,
        reason: 'session_ended',
      })
      await this.postLeave(call, signal)
    }
    // A join in flight takes itself back (see enter); wait for it, as for the leave above.
    await unlessAborted(Promise.allSettled([...this.joins]), signal).catch(() => undefined)
    this.closed = true
    if (this.expiryTimer) clearTimeout(this.expiryTimer)
    this.expiryTimer = null
    this.unsubscribers.splice(0).forEach((off) => off())
    this.rooms.clear()
  }

  // --- receiving ------------------------------------------------------------------------------

  private apply(serverId: string, channelId: string, room: VoiceRoom, shard: Shard): void {
    // 1. Open it under its own stream, id, burn time and epoch; check the author signature.
    const binding = { stream: channelId, shardId: shard.id, burnAt: shard.burnAt }
    const keyFor = (epoch: number) =>
      this.servers.keyring.streamKeys(serverId, channelId, epoch)?.contentKey ?? null
    let opened
    try {
      opened = openItem(binding, shard.body, keyFor)
    } catch (error) {
      if (error instanceof ShardRejected) return
      throw error
    }
    // 2. The author must be a member now, with the identity key their devices carry.
    const member = this.servers.view(serverId).members.get(opened.author)
    if (!member || member.identityKey !== opened.authorKey) return
    const item = parseVoiceItem(opened.payload)
    if (!item) return
    // 3. Fold it into the room; announce what changed.
    const self = this.call?.channelId === channelId ? this.call : null
    const outcome = room.apply(opened.author, item, shard.seq, this.session.now(), self)
    if (outcome.changed) this.participantsChanged(serverId, channelId)
    if (outcome.signal) this.events.emit('voiceSignal', { serverId, channelId, ...outcome.signal })
    this.scheduleExpiry()
  }

  private participantsChanged(serverId: string, channelId: string): void {
    if (!this.closed) this.events.emit('voiceParticipants', this.channelState(serverId, channelId))
  }

  private connectionChanged(status: 'online' | 'connecting' | 'offline'): void {
    const online = status === 'online'
    if (online === this.online) return
    this.online = online
    // Back from being cut off: everyone gets the full timeout to be heard from again.
    if (online) for (const { room } of this.rooms.values()) room.refresh(this.session.now())
    this.scheduleExpiry()
  }

  /** One timer, on the soonest timeout of any room; none while cut off from the backend. */
  private scheduleExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer)
    this.expiryTimer = null
    if (!this.online) return
    let soonest: number | null = null
    for (const { room } of this.rooms.values()) {
      const at = room.nextExpiry()
      if (at !== null && (soonest === null || at < soonest)) soonest = at
    }
    if (soonest === null || this.closed) return
    const delay = Math.max(0, soonest - this.session.now())
    this.expiryTimer = setTimeout(() => {
      this.expiryTimer = null
      const now = this.session.now()
      for (const [channelId, entry] of this.rooms)
        if (entry.room.expire(now)) this.participantsChanged(entry.serverId, channelId)
      this.scheduleExpiry()
    }, delay)
  }

  // --- posting --------------------------------------------------------------------------------

  /** Posts one item (sealed, signed, retried once after a key rotation); returns its seq. */
  private async post(serverId: string, channelId: string, item: VoiceItem): Promise<number> {
    const posted = await postItem(this.session, this.servers.keyring, {
      serverId,
      streamId: channelId,
      shardId: randomId(),
      burnAt: this.session.now() + this.timing.burnMs,
      payload: () => item,
      catchUp: () => this.servers.catchUp(serverId),
    })
    if (!posted) throw new ParacordError('forbidden', 'You hold no key for this channel.')
    return posted.seq
  }

  private beat(): void {
    const call = this.call
    if (!call) return
    const item = { type: 'heartbeat', session: call.sessionId, at: this.session.now() } as const
    // Offline for a moment: the next beat tries again; others drop us only after the timeout.
    this.post(call.serverId, call.channelId, item).catch((error: unknown) => {
      if (this.call === call && !(toParacordError(error).code === 'server_unreachable'))
        this.onError(error)
    })
  }

  /**
   * Posts the leave. A few quick tries while the backend is unreachable: the first request after
   * a backend restart can meet a dead pooled connection, and a lost leave keeps the others
   * waiting for the presence timeout. Any other failure is reported. Once `signal` aborts, the
   * leave is given up, and what its last try comes to no longer matters.
   */
  private async postLeave(call: Call, signal?: AbortSignal): Promise<void> {
    const item = { type: 'leave', session: call.sessionId, at: this.session.now() } as const
    for (let attempt = 0; attempt < LEAVE_ATTEMPTS && !signal?.aborted; attempt++) {
      try {
        await unlessAborted(this.post(call.serverId, call.channelId, item), signal)
        return
      } catch (error) {
        if (signal?.aborted) return
        if (toParacordError(error).code !== 'server_unreachable') {
          this.onError(error)
          return
        }
        if (attempt + 1 < LEAVE_ATTEMPTS)
          await unlessAborted(sleep(250 * (attempt + 1)), signal).catch(() => undefined)
      }
    }
    // Still unreachable: the others drop this session when its heartbeats stop.
  }

  private endCall(): void {
    this.call = null
    if (this.heartbeat) clearInterval(this.heartbeat)
    this.heartbeat = null
    // A join waiting for its shard stops waiting: the call it was for is over.
    this.seqWaiters.forEach((wake) => wake())
  }

  /** Until the stream has delivered `seq`, or `call` is no longer this device's call. */
  private waitForCursor(channelId: string, seq: number, call: Call): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.call === call && this.cursor(channelId) < seq) return
        done()
        resolve()
      }
      const timer = setTimeout(() => {
        done()
        reject(new ParacordError('server_unreachable', 'The voice channel did not answer in time.'))
      }, this.timing.joinWaitMs)
      const done = () => {
        clearTimeout(timer)
        this.seqWaiters.delete(check)
      }
      this.seqWaiters.add(check)
      check()
    })
  }

  // --- servers and channels coming and going ----------------------------------------------------

  private serverDropped(serverId: string): void {
    if (this.call?.serverId === serverId) this.endByCore('server_left')
    for (const [channelId, entry] of this.rooms)
      if (entry.serverId === serverId) this.rooms.delete(channelId)
  }

  private channelsChanged(serverId: string): void {
    const channels = this.servers.view(serverId).channels
    const call = this.call
    if (call?.serverId === serverId && channels.get(call.channelId)?.kind !== 'voice')
      this.endByCore('channel_deleted')
    for (const [channelId, entry] of this.rooms)
      if (entry.serverId === serverId && !channels.has(channelId)) this.rooms.delete(channelId)
  }

  private endByCore(reason: VoiceEndReason): void {
    const call = this.call
    if (!call) return
    this.endCall()
    this.events.emit('voiceEnded', { serverId: call.serverId, channelId: call.channelId, reason })
    void this.postLeave(call)
  }

  // --- views ----------------------------------------------------------------------------------

  private requireVoiceChannel(serverId: string, channelId: string): void {
    if (!this.servers.isServer(serverId))
      throw new ParacordError('not_found', 'You are not in this server.')
    const state = this.servers.view(serverId)
    if (state.channels.get(channelId)?.kind !== 'voice')
      throw new ParacordError('not_found', 'This voice channel does not exist.')
    if (!isMember(state, this.session.userId))
      throw new ParacordError('forbidden', 'You are not a member of this server.')
  }

  private entry(serverId: string, channelId: string): RoomEntry {
    let entry = this.rooms.get(channelId)
    if (!entry) {
      const room = new VoiceRoom({
        maxParticipants: this.maxParticipants,
        timeoutMs: this.timing.timeoutMs,
      })
      entry = { serverId, room, cursor: 0 }
      this.rooms.set(channelId, entry)
    }
    return entry
  }

  private room(serverId: string, channelId: string): VoiceRoom {
    return this.entry(serverId, channelId).room
  }

  private channelState(serverId: string, channelId: string): VoiceChannelState {
    const members = this.servers.view(serverId).members
    const participants = (this.rooms.get(channelId)?.room.participants() ?? []).map((p) => ({
      userId: p.userId,
      sessionId: p.sessionId,
      displayName: members.get(p.userId)?.displayName ?? 'former member',
    }))
    return { serverId, channelId, participants }
  }

  private callState(call: Call): VoiceCall {
    return { ...this.channelState(call.serverId, call.channelId), sessionId: call.sessionId }
  }
}

const endedError = () =>
  new ParacordError('conflict', 'The call was ended before joining it finished.')

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * `work`, or a rejection as soon as `signal` aborts. A try left running then settles unobserved:
 * whoever aborted has stopped waiting for it (and is wiping what it would use).
 */
function unlessAborted<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work
  const aborted = new Promise<never>((_, reject) => {
    const stop = () => reject(new Error('aborted'))
    if (signal.aborted) stop()
    else signal.addEventListener('abort', stop, { once: true })
  })
  work.catch(() => undefined)
  return Promise.race([work, aborted])
}
