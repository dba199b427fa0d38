// One WebSocket: authenticate with the first frame, then subscriptions, pings and pongs.
// Frames from the client are handled one at a time, in order; shards go out from the
// subscriptions' pumps, which never wait on the socket, so a slow reader stalls only itself.
import type { WebSocket, RawData } from 'ws'
import { Compile } from 'typebox/compile'
import { EncodingError } from '../../shared/encoding'
import {
  CLOSE_CODES,
  ClientFrame,
  LIMITS,
  type ServerFrame,
  type Subscription,
} from '../../shared/protocol'
import type { Session } from '../auth'
import { ApiError } from '../errors'
import { checkReadProof } from '../read-access'
import type { LiveContext } from './hub'
import { LiveSubscription } from './subscription'

const clientFrame = Compile(ClientFrame)

/** Invalid frames tolerated (each answered with an error frame) before the socket is closed. */
const MAX_BAD_FRAMES = 5

export class LiveConnection {
  session: Session | null = null
  private readonly subscriptions = new Map<string, LiveSubscription>()
  private inbox: Promise<void> = Promise.resolve()
  private closed = false
  private alive = true
  private badFrames = 0
  private framesThisMinute = 0
  private minuteStartedAt: number
  private readonly authTimer: ReturnType<typeof setTimeout>
  /** Pumps waiting for the socket's backlog to go down. */
  private readonly drainWaiters = new Set<() => void>()

  constructor(
    private readonly socket: WebSocket,
    /** The client address as the limits count it. */
    readonly address: string,
    private readonly context: LiveContext,
  ) {
    this.minuteStartedAt = context.now()
    this.authTimer = setTimeout(
      () => this.close(CLOSE_CODES.authTimeout, 'no auth frame in time'),
      context.authTimeoutMs,
    )
    socket.on('message', (data, isBinary) => {
      // Handled strictly in arrival order: a subscribe must see the auth before it.
      this.inbox = this.inbox
        .then(() => this.receive(data, isBinary))
        .catch((error: unknown) => {
          context.log.error({ err: error }, 'websocket frame failed')
          this.close(CLOSE_CODES.goingAway, 'internal error')
        })
    })
    socket.on('pong', () => (this.alive = true))
    socket.on('close', () => this.dispose())
  }

  get accountId(): string | null {
    return this.session?.accountId ?? null
  }

  /** Called on the heartbeat: a socket that did not answer the last ping is dead. */
  heartbeat(now: number): void {
    if (this.closed) return
    if (!this.alive) {
      this.socket.terminate()
      return
    }
    if (this.session !== null && this.session.expiresAt <= now) {
      this.close(CLOSE_CODES.unauthorized, 'session expired')
      return
    }
    this.alive = false
    this.socket.ping()
  }

  close(code: number, reason: string): void {
    if (this.closed) return
    this.closed = true
    clearTimeout(this.authTimer)
    for (const subscription of this.subscriptions.values()) subscription.cancel()
    this.onFlushed()
    this.socket.close(code, reason)
  }

  private dispose(): void {
    this.closed = true
    clearTimeout(this.authTimer)
    this.onFlushed()
    for (const subscription of this.subscriptions.values()) this.endSubscription(subscription)
    this.subscriptions.clear()
    this.context.forget(this)
  }

  private async receive(data: RawData, isBinary: boolean): Promise<void> {
    if (this.closed) return
    // 1. Size and rate before any parsing.
    const size = Array.isArray(data)
      ? data.reduce((sum, b) => sum + b.length, 0)
      : data instanceof ArrayBuffer
        ? data.byteLength
        : data.length
    if (size > LIMITS.maxFrameBytes) return this.close(CLOSE_CODES.frameTooLarge, 'frame too large')
    if (this.overRate()) return this.close(CLOSE_CODES.rateLimited, 'too many frames')
    // 2. JSON, then the ClientFrame schema.
    if (isBinary) return this.badFrame('frames are JSON text')
    let value: unknown
    try {
      value = JSON.parse(frameText(data))
    } catch {
      return this.badFrame('frame is not valid JSON')
    }
    if (!clientFrame.Check(value)) {
      const first = clientFrame.Errors(value)[0]
      return this.badFrame(
        `invalid frame${first ? `: ${first.instancePath || '/'} ${first.message}` : ''}`,
      )
    }
    const frame = value
    // 3. The first frame must authenticate.
    if (this.session === null) {
      if (frame.type !== 'auth') return this.close(CLOSE_CODES.unauthorized, 'auth first')
      const session = await this.context.sessions.find(frame.token, this.context.now())
      if (this.closed) return
      if (session === null) return this.close(CLOSE_CODES.unauthorized, 'invalid session')
      clearTimeout(this.authTimer)
      const refusal = this.context.admit(this, session)
      if (refusal !== null) return this.close(CLOSE_CODES.rateLimited, refusal)
      this.session = session
      this.send({ type: 'ready', accountId: session.accountId })
      return
    }
    switch (frame.type) {
      case 'auth':
        return this.badFrame('already authenticated')
      case 'ping':
        this.send({ type: 'pong', n: frame.n })
        return
      case 'unsubscribe':
        for (const stream of frame.streams) this.unsubscribe(stream)
        return
      case 'subscribe':
        for (const subscription of frame.streams) await this.subscribe(subscription, this.session)
        return
    }
  }

  private async subscribe(request: Subscription, session: Session): Promise<void> {
    const { stream: streamId } = request
    const { maxSubscriptionsPerSocket } = this.context
    if (!this.subscriptions.has(streamId) && this.subscriptions.size >= maxSubscriptionsPerSocket)
      return this.refuse(
        streamId,
        'rate_limited',
        `at most ${maxSubscriptionsPerSocket} subscriptions per socket`,
      )
    // 1. The stream and a valid read proof for it, exactly as fetch checks them.
    const stream = await this.context.store.getStream(streamId)
    if (this.closed) return
    if (stream === null) return this.refuse(streamId, 'not_found', 'stream not found')
    let access
    try {
      access = checkReadProof(stream, session.accountId, request.proof, this.context.now())
    } catch (error) {
      if (error instanceof ApiError) return this.refuse(streamId, error.code, error.message)
      if (error instanceof EncodingError) return this.refuse(streamId, 'bad_request', error.message)
      throw error
    }
    // 2. Replace any earlier subscription to the stream, then confirm before any shard.
    this.unsubscribe(streamId)
    const feed = this.context.feedFor(stream)
    const subscription: LiveSubscription = new LiveSubscription(
      streamId,
      access,
      request.after,
      feed,
      this.context.store,
      {
        sendFrame: (frame) => this.sendBytes(frame),
        overLimit: () => this.socket.bufferedAmount > this.context.maxBufferedBytes,
        drained: () => this.drained(),
        revoked: (id, keyVersion) => {
          this.send({ type: 'revoked', stream: id, keyVersion })
          if (this.subscriptions.get(id) === subscription) this.unsubscribe(id)
          else this.context.leftFeed(feed)
        },
        failed: (id, error) => {
          this.context.log.error({ err: error, stream: id }, 'live subscription failed')
          this.refuse(id, 'internal', 'the subscription failed; subscribe again')
          if (this.subscriptions.get(id) === subscription) this.unsubscribe(id)
          else this.context.leftFeed(feed)
        },
      },
      this.context.now,
    )
    this.subscriptions.set(streamId, subscription)
    this.send({ type: 'subscribed', stream: streamId, headSeq: stream.headSeq })
    // 3. Backlog after `after`, then live pushes, all from the one pump.
    subscription.wake()
  }

  private unsubscribe(stream: string): void {
    const subscription = this.subscriptions.get(stream)
    if (!subscription) return
    this.subscriptions.delete(stream)
    this.endSubscription(subscription)
  }

  private endSubscription(subscription: LiveSubscription): void {
    subscription.cancel()
    this.context.leftFeed(subscription.feed)
  }

  /**
   * Pumps pause while the socket holds more than its limit of unsent bytes. A reader that does
   * not bring it back under within the drain timeout is cut off rather than buffered without
   * bound; it resumes by fetch or a new subscribe from its last seq. Other sockets never wait.
   */
  private drained(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false)
    if (this.socket.bufferedAmount <= this.context.maxBufferedBytes) return Promise.resolve(true)
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.drainWaiters.delete(done)
        this.context.metrics.wsSlowConsumers.inc()
        this.close(CLOSE_CODES.slowConsumer, 'slow consumer')
        resolve(false)
      }, this.context.drainTimeoutMs)
      const done = () => {
        clearTimeout(timer)
        resolve(!this.closed)
      }
      this.drainWaiters.add(done)
    })
  }

  private onFlushed(): void {
    if (this.drainWaiters.size === 0) return
    if (!this.closed && this.socket.bufferedAmount > this.context.maxBufferedBytes) return
    for (const done of this.drainWaiters) done()
    this.drainWaiters.clear()
  }

  private send(frame: ServerFrame): boolean {
    return this.sendBytes(Buffer.from(JSON.stringify(frame)))
  }

  /** A UTF-8 JSON frame, sent as text; shard frames arrive here already serialised, shared. */
  private sendBytes(frame: Buffer): boolean {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return false
    this.socket.send(frame, { binary: false }, this.flushed)
    return true
  }

  private readonly flushed = () => this.onFlushed()

  private refuse(stream: string, error: string, message: string): void {
    this.send({ type: 'error', error, message, stream })
  }

  private badFrame(message: string): void {
    this.send({ type: 'error', error: 'bad_request', message })
    if (++this.badFrames > MAX_BAD_FRAMES) this.close(CLOSE_CODES.badFrame, 'too many bad frames')
  }

  private overRate(): boolean {
    const now = this.context.now()
    if (now - this.minuteStartedAt >= 60_000) {
      this.minuteStartedAt = now
      this.framesThisMinute = 0
    }
    return ++this.framesThisMinute > this.context.framesPerMinute
  }
}

/** A text frame's characters, whichever of its forms ws hands over. */
function frameText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return (data instanceof ArrayBuffer ? Buffer.from(data) : data).toString('utf8')
}
