// The WebSocket hub: the sockets, and one shared feed per stream that any of them follows,
// woken by LiveNotifier events.
import type { FastifyBaseLogger } from 'fastify'
import type { WebSocket } from 'ws'
import { CLOSE_CODES } from '../../shared/protocol'
import type { Session, SessionCache } from '../auth'
import { ConcurrencyCount } from '../limits'
import type { ServerMetrics } from '../metrics'
import type { Store, StreamRecord } from '../store/types'
import { LiveConnection } from './connection'
import type { LiveEvent, LiveNotifier } from './notifier'
import { StreamFeed } from './stream-feed'

export interface LiveHubOptions {
  readonly store: Store
  readonly sessions: SessionCache
  readonly notifier: LiveNotifier
  readonly metrics: ServerMetrics
  readonly log: FastifyBaseLogger
  readonly now: () => number
  /** Unsent bytes per socket above which its pumps pause. */
  readonly maxBufferedBytes: number
  /** How long a socket may stay above maxBufferedBytes before it is closed as slow. */
  readonly drainTimeoutMs: number
  readonly authTimeoutMs: number
  readonly pingIntervalMs: number
  /** Client frames per minute per socket before it is closed as rate-limited. */
  readonly framesPerMinute: number
  readonly maxSocketsPerSession: number
  readonly maxSocketsPerAccount: number
  /** Sockets per client address that have not authenticated yet. */
  readonly maxPendingSocketsPerAddress: number
  readonly maxSubscriptionsPerSocket: number
  /** Streams whose feed keeps a ring of recent shards; the least recently grown lose theirs. */
  readonly maxStreamRings: number
}

/** What a connection needs from its hub. */
export interface LiveContext extends LiveHubOptions {
  /** The stream's shared feed, started from `stream` (as just read) if there is none yet. */
  feedFor(stream: StreamRecord): StreamFeed
  /** A subscription left `feed`; the last one to leave ends it. */
  leftFeed(feed: StreamFeed): void
  /**
   * The connection authenticated as `session`: it stops counting against its address and
   * starts counting against its session and account. Null when admitted, else why not.
   */
  admit(connection: LiveConnection, session: Session): string | null
  forget(connection: LiveConnection): void
}

export class LiveHub {
  private readonly connections = new Set<LiveConnection>()
  private readonly feeds = new Map<string, StreamFeed>()
  /** Feeds holding shards in their ring, least recently grown first. */
  private readonly rings = new Map<string, StreamFeed>()
  /** Sockets not yet authenticated, by client address. */
  private readonly pending = new ConcurrencyCount()
  private readonly perSession = new ConcurrencyCount()
  private readonly perAccount = new ConcurrencyCount()
  private readonly context: LiveContext
  private readonly heartbeat: ReturnType<typeof setInterval>
  private readonly stopListening: () => void
  private closing = false

  constructor(private readonly options: LiveHubOptions) {
    this.context = {
      ...options,
      feedFor: (stream) => {
        let feed = this.feeds.get(stream.id)
        if (!feed) {
          feed = new StreamFeed(options.store, stream, options.now, (grown) => this.ringGrew(grown))
          this.feeds.set(stream.id, feed)
          // Posts between that read and now woke no feed: read once to catch them.
          feed.wake()
        }
        return feed
      },
      leftFeed: (feed) => {
        if (feed.readerCount > 0 || this.feeds.get(feed.id) !== feed) return
        this.feeds.delete(feed.id)
        if (this.rings.delete(feed.id)) options.metrics.streamRings.set(this.rings.size)
      },
      admit: (connection, session) => {
        // 1. Over a cap: refused; the socket keeps counting as pending until it closes.
        if (this.perSession.count(session.tokenHash) >= options.maxSocketsPerSession)
          return this.refused(
            'session',
            `at most ${options.maxSocketsPerSession} sockets per session`,
          )
        if (!this.perAccount.tryAcquire(session.accountId, options.maxSocketsPerAccount))
          return this.refused(
            'account',
            `at most ${options.maxSocketsPerAccount} sockets per account`,
          )
        // 2. From the address's budget to the session's and the account's.
        this.perSession.tryAcquire(session.tokenHash, Infinity)
        this.pending.release(connection.address)
        return null
      },
      forget: (connection) => {
        if (!this.connections.delete(connection)) return
        options.metrics.wsConnections.dec()
        const session = connection.session
        if (session === null) return this.pending.release(connection.address)
        this.perSession.release(session.tokenHash)
        this.perAccount.release(session.accountId)
      },
    }
    this.stopListening = options.notifier.onPublish((event) => this.onEvent(event))
    this.heartbeat = setInterval(() => {
      const now = options.now()
      for (const connection of this.connections) connection.heartbeat(now)
    }, options.pingIntervalMs)
    this.heartbeat.unref()
  }

  /** Whether `address` may open another socket before authenticating (checked before upgrade). */
  mayConnect(address: string): boolean {
    if (this.pending.count(address) < this.options.maxPendingSocketsPerAddress) return true
    this.refused('pending', 'too many sockets of this address have not authenticated')
    return false
  }

  /** A new socket from the client `address` (as the limits count it). */
  accept(socket: WebSocket, address: string): void {
    if (this.closing) {
      socket.close(CLOSE_CODES.goingAway, 'server shutting down')
      return
    }
    // Checked before the upgrade too; concurrent upgrades may still pass that check together.
    if (!this.pending.tryAcquire(address, this.options.maxPendingSocketsPerAddress)) {
      this.options.metrics.wsRefused.inc({ reason: 'pending' })
      socket.close(CLOSE_CODES.rateLimited, 'too many unauthenticated sockets from this address')
      return
    }
    this.connections.add(new LiveConnection(socket, address, this.context))
    this.options.metrics.wsConnections.inc()
  }

  /** Closes every socket with 1001 (going away); new sockets are turned away. */
  close(): void {
    this.closing = true
    clearInterval(this.heartbeat)
    this.stopListening()
    for (const connection of this.connections)
      connection.close(CLOSE_CODES.goingAway, 'server shutting down')
  }

  private refused(reason: string, message: string): string {
    this.options.metrics.wsRefused.inc({ reason })
    return message
  }

  /** `feed` read new shards into its ring: it is now the most recent; the oldest beyond the cap drop theirs. */
  private ringGrew(feed: StreamFeed): void {
    // A feed that ended while it was reading keeps nothing.
    if (this.feeds.get(feed.id) !== feed) return feed.dropRing()
    this.rings.delete(feed.id)
    this.rings.set(feed.id, feed)
    for (const [id, oldest] of this.rings) {
      if (this.rings.size <= this.options.maxStreamRings) break
      this.rings.delete(id)
      oldest.dropRing()
    }
    this.options.metrics.streamRings.set(this.rings.size)
  }

  private onEvent(event: LiveEvent): void {
    switch (event.kind) {
      case 'posted':
        this.feeds.get(event.stream)?.wake(event.seq)
        return
      case 'rotated':
        // The feed reads the new keys; proofs of the old key end at their cap.
        this.feeds.get(event.stream)?.wake()
        return
      case 'resync':
        for (const feed of this.feeds.values()) feed.wake()
        return
      case 'sessions_ended':
        for (const connection of this.connections) {
          const session = connection.session
          if (session === null || session.accountId !== event.accountId) continue
          if (event.tokenHash !== null && session.tokenHash !== event.tokenHash) continue
          if (session.tokenHash === event.exceptTokenHash) continue
          connection.close(CLOSE_CODES.unauthorized, 'session ended')
        }
        return
    }
  }
}
