// The WebSocket hub: which sockets follow which streams, fed by LiveNotifier events.
import type { FastifyBaseLogger } from 'fastify'
import type { WebSocket } from 'ws'
import { CLOSE_CODES } from '../../shared/protocol'
import type { ServerMetrics } from '../metrics'
import type { Store } from '../store/types'
import { LiveConnection } from './connection'
import type { LiveEvent, LiveNotifier } from './notifier'

export interface LiveHubOptions {
  readonly store: Store
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
  track(stream: string, connection: LiveConnection): void
  untrack(stream: string, connection: LiveConnection): void
  forget(connection: LiveConnection): void
}

export class LiveHub {
  private readonly connections = new Set<LiveConnection>()
  private readonly followers = new Map<string, Set<LiveConnection>>()
  private readonly context: LiveContext
  private readonly heartbeat: ReturnType<typeof setInterval>
  private readonly stopListening: () => void
  private closing = false

  constructor(private readonly options: LiveHubOptions) {
    this.context = {
      ...options,
      track: (stream, connection) => {
        let set = this.followers.get(stream)
        if (!set) this.followers.set(stream, (set = new Set()))
        set.add(connection)
      },
      untrack: (stream, connection) => {
        const set = this.followers.get(stream)
        set?.delete(connection)
        if (set?.size === 0) this.followers.delete(stream)
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
      case 'rotated':
        // Subscriptions read the store themselves (and see a rotation there): just wake them.
        for (const connection of this.followers.get(event.stream) ?? [])
          connection.wake(event.stream)
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
