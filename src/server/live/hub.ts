// The WebSocket hub: the sockets, and one shared feed per stream that any of them follows,
// woken by LiveNotifier events.
import type { FastifyBaseLogger } from 'fastify'
import type { WebSocket } from 'ws'
import { CLOSE_CODES } from '../../shared/protocol'
import type { SessionCache } from '../auth'
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
}

/** What a connection needs from its hub. */
export interface LiveContext extends LiveHubOptions {
  /** The stream's shared feed, started from `stream` (as just read) if there is none yet. */
  feedFor(stream: StreamRecord): StreamFeed
  /** A subscription left `feed`; the last one to leave ends it. */
  leftFeed(feed: StreamFeed): void
  forget(connection: LiveConnection): void
}

export class LiveHub {
  private readonly connections = new Set<LiveConnection>()
  private readonly feeds = new Map<string, StreamFeed>()
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
          feed = new StreamFeed(options.store, stream, options.now)
          this.feeds.set(stream.id, feed)
          // Posts between that read and now woke no feed: read once to catch them.
          feed.wake()
        }
        return feed
      },
      leftFeed: (feed) => {
        if (feed.readerCount === 0 && this.feeds.get(feed.id) === feed) this.feeds.delete(feed.id)
      },
      forget: (connection) => {
        if (this.connections.delete(connection)) options.metrics.wsConnections.dec()
      },
    }
    this.stopListening = options.notifier.onPublish((event) => this.onEvent(event))
    this.heartbeat = setInterval(() => {
      const now = options.now()
      for (const connection of this.connections) connection.heartbeat(now)
    }, options.pingIntervalMs)
    this.heartbeat.unref()
  }

  accept(socket: WebSocket): void {
    if (this.closing) {
      socket.close(CLOSE_CODES.goingAway, 'server shutting down')
      return
    }
    this.connections.add(new LiveConnection(socket, this.context))
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
