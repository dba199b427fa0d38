// Sync: one live connection for every joined server's log, text and voice channels. On each
// connect it first reads every server's log over HTTP (which is how keys rotated while offline
// are learnt), then the live subscriptions deliver each stream from its cursor; shards go to the
// servers or message service one at a time per stream, and a cursor moves only once its shard
// was processed. Then the outbox is flushed.
import { ParacordError, type ConnectionState } from '../../shared/api'
import type { Shard } from '../../shared/protocol'
import { LiveConnection, type LiveConnectionOptions, type LiveState } from '../net/live-connection'
import type { CoreEvents } from '../events'
import type { MessageService } from '../messages/message-service'
import type { ServerService } from '../servers/server-service'
import type { UnlockedSession } from '../session'
import type { VoiceService } from '../voice/voice-service'

export interface SyncServiceOptions {
  readonly session: UnlockedSession
  readonly events: CoreEvents
  readonly servers: ServerService
  readonly messages: MessageService
  /** Where voice channels' signalling shards go. */
  readonly voice: VoiceService
  /** The backend's base URL (http(s)://host:port). */
  readonly url: string
  readonly live?: LiveConnectionOptions
  /** First delay before signing in again when the backend could not be reached; it doubles. */
  readonly retryMs?: number
  readonly onError?: (error: unknown) => void
}

/** Times a stream is refreshed after refusals before it waits for the next connection. */
const MAX_REFRESHES = 3
const MAX_RETRY_MS = 30_000
/** A stream silent this long after subscribing counts as caught up (burned shards leave gaps). */
const QUIET_MS = 300

export class SyncService {
  private readonly session: UnlockedSession
  private readonly events: CoreEvents
  private readonly servers: ServerService
  private readonly messages: MessageService
  private readonly voice: VoiceService
  private readonly url: string
  private readonly live: LiveConnection
  private readonly retryMs: number
  private readonly onError: (error: unknown) => void
  /** Stream id → the server it belongs to, for every stream subscribed. */
  private readonly watched = new Map<string, string>()
  /** Per stream: the processing of its shards so far (one at a time, in order). */
  private readonly queues = new Map<string, Promise<void>>()
  /** Streams whose processing failed: later shards are skipped until it is resubscribed. */
  private readonly broken = new Set<string>()
  private readonly refreshes = new Map<string, number>()
  /** Per server: the log catch-up of the current connection, which proofs wait for. */
  private readonly logsRead = new Map<string, Promise<void>>()
  private readonly unsubscribers: (() => void)[] = []
  /** Per stream: the head seq the backend reported when the subscription started. */
  private readonly heads = new Map<string, number>()
  private readonly lastActivity = new Map<string, number>()
  /** Whoever waits in whenSynced, woken after every change that may have caught sync up. */
  private readonly syncWaiters = new Set<() => void>()
  /** Wakes the waiters when the next stream behind its head has been quiet long enough. */
  private quietTimer: ReturnType<typeof setTimeout> | null = null
  /** Connecting, log reads, refreshes and flushes under way: stop() waits for them. */
  private readonly running = new Set<Promise<void>>()
  /** The current connection's log reads and outbox flush are done. */
  private initialSyncDone = false
  private status: ConnectionState = {
    status: 'offline',
    outbox: 0,
    reason: 'not started',
    sendingPausedUntil: null,
  }
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  private flushTimer: ReturnType<typeof setTimeout> | null = null
  private retryDelay: number
  private started = false

  constructor(options: SyncServiceOptions) {
    this.session = options.session
    this.events = options.events
    this.servers = options.servers
    this.messages = options.messages
    this.voice = options.voice
    this.url = options.url
    this.retryMs = options.retryMs ?? 1000
    this.retryDelay = this.retryMs
    this.onError = options.onError ?? ((error) => console.error('sync:', error))
    this.live = new LiveConnection(options.live)
    this.unsubscribers.push(
      this.live.on('state', (state) => this.onLiveState(state)),
      this.live.on('shard', (shard) => this.route(shard)),
      this.live.on('revoked', ({ stream }) => this.inBackground(() => this.refresh(stream))),
      this.live.on('subscriptionError', ({ stream }) =>
        this.inBackground(() => this.refresh(stream)),
      ),
      this.live.on('subscribed', ({ stream, headSeq }) => {
        this.refreshes.delete(stream)
        this.heads.set(stream, headSeq)
        this.lastActivity.set(stream, Date.now())
        this.syncMayHaveChanged()
      }),
      this.servers.signals.on('serverAdded', ({ serverId }) => this.watchServer(serverId)),
      this.servers.signals.on('streamsChanged', ({ serverId }) => this.watchServer(serverId)),
      this.servers.signals.on('serverDropped', ({ serverId }) => this.unwatchServer(serverId)),
      this.messages.onOutboxChanged(() => this.setStatus({ ...this.status })),
    )
  }

  connectionState(): ConnectionState {
    return {
      ...this.status,
      outbox: this.messages.outboxSize(),
      sendingPausedUntil: this.messages.sendingPausedUntil(),
    }
  }

  /** Subscribes to every joined server not followed yet (joining does this by itself too). */
  followServers(): void {
    for (const serverId of this.servers.serverIds()) this.watchServer(serverId)
  }

  /**
   * Resolves once online, every server's log read, every followed stream caught up to the head
   * it had when subscribed (or quiet for a moment, where burned shards leave a gap) and the
   * outbox empty; server_unreachable after `timeoutMs`.
   */
  whenSynced(timeoutMs = 15_000): Promise<void> {
    if (this.isSynced()) return Promise.resolve()
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.syncWaiters.delete(wake)
        reject(new ParacordError('server_unreachable', 'Not caught up with the server in time.'))
      }, timeoutMs)
      const wake = () => {
        if (!this.isSynced()) return
        clearTimeout(timer)
        this.syncWaiters.delete(wake)
        resolve()
      }
      this.syncWaiters.add(wake)
      this.syncMayHaveChanged()
    })
  }

  /** Subscribes to every joined server and connects (retrying while the backend is away). */
  start(): void {
    if (this.started) return
    this.started = true
    this.setStatus({ status: 'connecting', outbox: 0, reason: null })
    for (const serverId of this.servers.serverIds()) this.watchServer(serverId)
    this.inBackground(() => this.connect())
  }

  /** Skips the current wait and tries to connect now. */
  reconnectNow(): void {
    if (!this.started) return
    if (this.retryTimer) {
      clearTimeout(this.retryTimer)
      this.retryTimer = null
      this.inBackground(() => this.connect())
    } else this.live.reconnectNow()
  }

  /** Disconnects; start() connects again, resuming every stream from its cursor. */
  async stop(): Promise<void> {
    this.started = false
    if (this.retryTimer) clearTimeout(this.retryTimer)
    if (this.flushTimer) clearTimeout(this.flushTimer)
    this.retryTimer = null
    this.flushTimer = null
    if (this.quietTimer) clearTimeout(this.quietTimer)
    this.quietTimer = null
    await this.live.close()
    // Nothing started before may touch the session once this resolves (locking wipes it next).
    await Promise.allSettled([...this.queues.values(), ...this.running])
    this.setStatus({ status: 'offline', outbox: 0, reason: 'stopped' })
  }

  /** Disconnects for good and lets go of every listener. */
  async dispose(): Promise<void> {
    await this.stop()
    this.unsubscribers.splice(0).forEach((off) => off())
  }

  // --- connecting -----------------------------------------------------------------------------

  private async connect(): Promise<void> {
    this.retryTimer = null
    if (!this.started) return
    try {
      await this.session.ensureOnline()
    } catch (error) {
      if (!this.started) return
      this.setStatus({ status: 'offline', outbox: 0, reason: describe(error) })
      this.retryTimer = setTimeout(() => this.inBackground(() => this.connect()), this.retryDelay)
      this.retryDelay = Math.min(this.retryDelay * 2, MAX_RETRY_MS)
      return
    }
    if (!this.started) return
    this.retryDelay = this.retryMs
    const token = this.session.client.token
    if (this.started && token) this.live.connect(this.url, token)
  }

  private onLiveState(state: LiveState): void {
    this.initialSyncDone = false
    this.heads.clear()
    switch (state.status) {
      case 'connecting':
        this.setStatus({ status: 'connecting', outbox: 0, reason: null })
        return
      case 'offline':
        this.setStatus({ status: 'offline', outbox: 0, reason: state.reason })
        return
      case 'unauthorized':
        // The session ended on the server: sign in again with the login key, then reconnect.
        this.setStatus({ status: 'connecting', outbox: 0, reason: 'signing in again' })
        this.session.client.setToken(null)
        this.inBackground(() => this.connect())
        return
      case 'online':
        this.setStatus({ status: 'online', outbox: 0, reason: null })
        this.inBackground(() => this.online())
        return
    }
  }

  /** Just connected: read every server's log, then flush what was composed offline. */
  private async online(): Promise<void> {
    this.refreshes.clear()
    const reads = this.servers.serverIds().map((serverId) => {
      const read = this.servers.catchUp(serverId).catch((error: unknown) => this.onError(error))
      this.logsRead.set(serverId, read)
      return read
    })
    await Promise.all(reads)
    if (!this.started) return
    for (const serverId of this.servers.serverIds()) {
      this.watchServer(serverId)
      this.live.updateCursor(serverId, this.servers.logCursor(serverId))
    }
    await this.flush()
    if (this.started && this.status.status === 'online') this.initialSyncDone = true
    this.syncMayHaveChanged()
  }

  /** Runs `work` now, reporting its failure; stop() waits for it. */
  private inBackground(work: () => Promise<void>): void {
    const run = work().catch((error: unknown) => this.onError(error))
    this.running.add(run)
    void run.then(() => this.running.delete(run))
  }

  /**
   * Wakes whoever waits for sync; while they still wait, re-checks when the next stream behind
   * its head will count as quiet (the one thing that changes by time alone).
   */
  private syncMayHaveChanged(): void {
    if (this.syncWaiters.size === 0) return
    for (const wake of [...this.syncWaiters]) wake()
    if (this.quietTimer) clearTimeout(this.quietTimer)
    this.quietTimer = null
    if (this.syncWaiters.size === 0) return
    let soonest: number | null = null
    for (const stream of this.watched.keys()) {
      const quietAt = (this.lastActivity.get(stream) ?? 0) + QUIET_MS + 1
      if (quietAt > Date.now() && (soonest === null || quietAt < soonest)) soonest = quietAt
    }
    if (soonest === null) return
    this.quietTimer = setTimeout(() => {
      this.quietTimer = null
      this.syncMayHaveChanged()
    }, soonest - Date.now())
  }

  private isSynced(): boolean {
    if (this.status.status !== 'online' || !this.initialSyncDone) return false
    if (this.messages.outboxSize() > 0) return false
    for (const [stream, serverId] of this.watched) {
      const head = this.heads.get(stream)
      if (head === undefined || this.queues.has(stream)) return false
      const quiet = Date.now() - (this.lastActivity.get(stream) ?? 0) > QUIET_MS
      if (this.cursorOf(serverId, stream) < head && !quiet) return false
    }
    return true
  }

  /** Flushes the outbox; while online and items remain (a dropped request), tries again. */
  private async flush(attempt = 0): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer)
    this.flushTimer = null
    try {
      await this.messages.flushOutbox()
    } catch (error) {
      this.onError(error)
    }
    if (!this.started || this.status.status !== 'online' || this.messages.outboxSize() === 0) return
    const delay = Math.min(this.retryMs * 2 ** attempt, MAX_RETRY_MS)
    this.flushTimer = setTimeout(() => this.inBackground(() => this.flush(attempt + 1)), delay)
  }

  // --- subscriptions --------------------------------------------------------------------------

  private watchServer(serverId: string): void {
    if (!this.servers.isServer(serverId)) return
    this.subscribe(serverId, serverId)
    const channels = new Set([
      ...this.servers.textChannels(serverId),
      ...this.servers.voiceChannels(serverId),
    ])
    for (const channelId of channels) this.subscribe(serverId, channelId)
    for (const [stream, owner] of this.watched)
      if (owner === serverId && stream !== serverId && !channels.has(stream))
        this.unsubscribe(stream)
  }

  private unwatchServer(serverId: string): void {
    for (const [stream, owner] of this.watched) if (owner === serverId) this.unsubscribe(stream)
    this.logsRead.delete(serverId)
  }

  private subscribe(serverId: string, stream: string, force = false): void {
    if (this.watched.has(stream) && !force) return
    this.watched.set(stream, serverId)
    this.broken.delete(stream)
    this.live.subscribe({
      stream,
      after: this.cursorOf(serverId, stream),
      proof: async (accountId) => {
        await this.logsRead.get(serverId)
        return this.servers.readProof(serverId, stream, accountId)
      },
    })
  }

  private unsubscribe(stream: string): void {
    this.watched.delete(stream)
    this.live.unsubscribe(stream)
    this.syncMayHaveChanged()
  }

  private cursorOf(serverId: string, stream: string): number {
    if (stream === serverId) return this.servers.logCursor(serverId)
    // Voice streams hold only the last minute of signalling, kept in memory.
    if (this.isVoice(serverId, stream)) return this.voice.cursor(stream)
    return this.session.cache.getCursor(stream) ?? 0
  }

  private isVoice(serverId: string, stream: string): boolean {
    return this.servers.view(serverId).channels.get(stream)?.kind === 'voice'
  }

  /** The stream's keys changed (or a proof was refused): read the log, then subscribe again. */
  private async refresh(stream: string): Promise<void> {
    const serverId = this.watched.get(stream)
    if (!serverId) return
    const count = (this.refreshes.get(stream) ?? 0) + 1
    this.refreshes.set(stream, count)
    if (count > MAX_REFRESHES) return
    try {
      this.servers.keyring.forgetStream(stream)
      const read = this.servers.catchUp(serverId)
      this.logsRead.set(
        serverId,
        read.catch(() => undefined),
      )
      await read
    } catch (error) {
      this.onError(error)
    }
    if (!this.started) return
    if (this.watched.get(stream) === serverId && this.servers.isServer(serverId))
      this.subscribe(serverId, stream, true)
  }

  // --- shards ---------------------------------------------------------------------------------

  private route(shard: Shard): void {
    const serverId = this.watched.get(shard.stream)
    if (!serverId) return
    const stream = shard.stream
    this.lastActivity.set(stream, Date.now())
    const previous = this.queues.get(stream) ?? Promise.resolve()
    const next = previous.then(async () => {
      if (this.broken.has(stream) || !this.watched.has(stream)) return
      try {
        if (stream === serverId) await this.servers.receiveLogShard(serverId, shard)
        else if (this.isVoice(serverId, stream)) this.voice.receiveShard(serverId, stream, shard)
        else await this.messages.receiveShard(serverId, stream, shard)
      } catch (error) {
        // Not processed (e.g. offline mid-way): start the stream again from its saved cursor.
        this.onError(error)
        this.broken.add(stream)
        this.live.unsubscribe(stream)
        this.watched.delete(stream)
        setTimeout(() => {
          if (this.started && this.servers.isServer(serverId)) this.watchServer(serverId)
        }, this.retryMs)
      }
    })
    this.queues.set(stream, next)
    void next.then(() => {
      if (this.queues.get(stream) === next) this.queues.delete(stream)
      this.syncMayHaveChanged()
    })
  }

  /** Emits the state when it changed; the outbox's size and wait are read here, fresh. */
  private setStatus(next: Omit<ConnectionState, 'sendingPausedUntil'>): void {
    // Stopping is part of locking: once stopped, the session and its outbox may be closed.
    const state: ConnectionState = {
      ...next,
      outbox: this.started ? this.messages.outboxSize() : 0,
      sendingPausedUntil: this.started ? this.messages.sendingPausedUntil() : null,
    }
    if (
      state.status === this.status.status &&
      state.outbox === this.status.outbox &&
      state.reason === this.status.reason &&
      state.sendingPausedUntil === this.status.sendingPausedUntil
    )
      return
    this.status = state
    this.events.emit('connectionChanged', state)
    this.syncMayHaveChanged()
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
