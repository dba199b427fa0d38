// One WebSocket per client for live shards. It keeps the set of streams the core wants, and
// whatever happens to the socket (drops, server restarts, slow-consumer kicks, silent peers) it
// comes back, resubscribes each stream from the last seq delivered, and hands every shard to
// the consumer once, in seq order.
import WebSocket from 'ws'
import { Compile } from 'typebox/compile'
import {
  CLOSE_CODES,
  Id,
  LIMITS,
  ServerFrame,
  Subscription,
  type ClientFrame,
  type ReadProof,
  type Shard,
} from '../../shared/protocol'
import { DEFAULT_BACKOFF, backoffDelay, type BackoffPolicy } from './backoff'
import { embeddedAccessHeaders, type EmbeddedBackendAccess } from './embedded-access'
import { InvalidRequestError } from './errors'
import { insecureUrlProblem } from './server-url'
import { TypedEmitter } from './typed-emitter'

export interface LiveSubscription {
  readonly stream: string
  /** The last seq already held (0 for none); only later shards are delivered. */
  readonly after: number
  /** Makes a fresh read proof. Called on every (re)subscribe, because proofs expire. */
  readonly proof: (accountId: string) => ReadProof | Promise<ReadProof>
}

export type LiveState =
  | { readonly status: 'connecting'; readonly attempt: number }
  | { readonly status: 'online'; readonly accountId: string }
  /** Disconnected; a retry follows after `retryInMs` (null: none, the connection was closed). */
  | { readonly status: 'offline'; readonly reason: string; readonly retryInMs: number | null }
  /** The server refused the session token; nothing is retried until connect() is called again. */
  | { readonly status: 'unauthorized'; readonly reason: string }

export interface LiveEvents {
  /** A new shard of a subscribed stream: per stream in rising seq order, each seq once. */
  shard: Shard
  /** The server accepted a subscription; `headSeq` tells how far the backlog reaches. */
  subscribed: { readonly stream: string; readonly headSeq: number }
  /** The stream's keys rotated and its subscription ended; subscribe() again with a new proof. */
  revoked: { readonly stream: string; readonly keyVersion: number }
  /** One subscription was refused (or its proof could not be made); it waits for subscribe(). */
  subscriptionError: { readonly stream: string; readonly error: string; readonly message: string }
  /** An error frame not tied to a stream. */
  serverError: { readonly error: string; readonly message: string }
  state: LiveState
}

/** The timer functions used, injectable so tests can drive time. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface LiveConnectionOptions {
  /** Source of the backoff jitter, in [0, 1). */
  readonly random?: () => number
  readonly timers?: Timers
  readonly backoff?: BackoffPolicy
  /** How often an application-level ping is sent while online. */
  readonly pingIntervalMs?: number
  /** How long the socket may stay silent after a ping before it is taken for dead. */
  readonly pongTimeoutMs?: number
  /** How long connecting and authenticating may take. */
  readonly handshakeTimeoutMs?: number
  /** Receives what an event listener throws. */
  readonly onListenerError?: (error: unknown) => void
  /** The host's embedded backend: an upgrade to it carries its secret. */
  readonly embeddedBackend?: EmbeddedBackendAccess | null
}

const NODE_TIMERS: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/** Largest frame accepted: a full shard in base64url plus its envelope, with room to spare. */
const MAX_INCOMING_FRAME_BYTES = LIMITS.maxShardBytes * 2
/** How long close() waits for a polite closing handshake before cutting the socket. */
const CLOSE_GRACE_MS = 1000

const checkFrame = Compile(ServerFrame)
const checkSubscription = Compile(Subscription)
const checkId = Compile(Id)

interface WantedStream {
  readonly stream: string
  /** The last seq delivered or declared held. */
  cursor: number
  proof: LiveSubscription['proof']
  /** False after a revocation or refusal: kept (with its cursor) but not resubscribed. */
  active: boolean
}

export class LiveConnection extends TypedEmitter<LiveEvents> {
  private readonly random: () => number
  private readonly timers: Timers
  private readonly backoff: BackoffPolicy
  private readonly pingIntervalMs: number
  private readonly pongTimeoutMs: number
  private readonly handshakeTimeoutMs: number
  private readonly embeddedBackend: EmbeddedBackendAccess | null

  private readonly wanted = new Map<string, WantedStream>()
  private url: string | null = null
  private token: string | null = null
  private socket: WebSocket | null = null
  /** Bumped for every socket, so events of a replaced socket are ignored. */
  private generation = 0
  /** Failed connection attempts since the last time the server said ready. */
  private attempt = 0
  private stopped = true
  private accountId: string | null = null
  private retryTimer: unknown = null
  private pingTimer: unknown = null
  private deadlineTimer: unknown = null
  private pingCounter = 0
  /** Why this side cut the socket, when it did; reported instead of the bare close code. */
  private dropReason: string | null = null
  private lastSocketError: string | null = null
  private currentState: LiveState = { status: 'offline', reason: 'not connected', retryInMs: null }
  private invalidFrameCount = 0
  private duplicateShardCount = 0

  constructor(options: LiveConnectionOptions = {}) {
    super(options.onListenerError)
    this.random = options.random ?? Math.random
    this.timers = options.timers ?? NODE_TIMERS
    this.backoff = options.backoff ?? DEFAULT_BACKOFF
    this.pingIntervalMs = options.pingIntervalMs ?? 20_000
    this.pongTimeoutMs = options.pongTimeoutMs ?? 10_000
    this.handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000
    this.embeddedBackend = options.embeddedBackend ?? null
  }

  get state(): LiveState {
    return this.currentState
  }

  /** Frames from the server that were not valid protocol frames (ignored). */
  get invalidFrames(): number {
    return this.invalidFrameCount
  }

  /** Shards received again at or below a stream's cursor (not delivered again). */
  get duplicateShards(): number {
    return this.duplicateShardCount
  }

  /** The last seq delivered for `stream`, or undefined when it is not wanted. */
  cursor(stream: string): number | undefined {
    return this.wanted.get(stream)?.cursor
  }

  /**
   * Connects (or reconnects with a new token) to the server at `url`: its http(s) base URL, or
   * the ws(s) URL of the live endpoint itself. Subscriptions made before are kept.
   */
  connect(url: string, token: string): void {
    this.url = liveUrl(url)
    this.token = token
    this.stopped = false
    this.attempt = 0
    this.dropSocket()?.terminate()
    this.open()
  }

  /** Disconnects for good (until connect()); resolves once the socket is closed. */
  close(): Promise<void> {
    this.stopped = true
    const socket = this.socket
    this.dropSocket()
    this.setState({ status: 'offline', reason: 'closed', retryInMs: null })
    if (!socket || socket.readyState === WebSocket.CLOSED) return Promise.resolve()
    return new Promise((resolve) => {
      socket.once('close', () => resolve())
      if (socket.readyState === WebSocket.OPEN) {
        socket.close(CLOSE_CODES.normal, 'client closed')
        const grace = this.timers.setTimeout(() => socket.terminate(), CLOSE_GRACE_MS)
        socket.once('close', () => this.timers.clearTimeout(grace))
      } else socket.terminate()
    })
  }

  /** Skips the current backoff wait and tries now (the UI's "retry" button). */
  reconnectNow(): void {
    if (this.stopped || this.currentState.status !== 'offline') return
    this.clearTimer('retryTimer')
    this.open()
  }

  /**
   * Wants the shards of `sub.stream` after `sub.after`. Subscribing again to a wanted stream
   * replaces its proof maker and resumes it after a revocation; its cursor never moves back.
   */
  subscribe(sub: LiveSubscription): void {
    if (!checkId.Check(sub.stream))
      throw new InvalidRequestError(`invalid stream id: ${String(sub.stream)}`)
    if (!Number.isSafeInteger(sub.after) || sub.after < 0)
      throw new InvalidRequestError(`invalid cursor for ${sub.stream}: ${sub.after}`)
    const known = this.wanted.get(sub.stream)
    const entry: WantedStream = {
      stream: sub.stream,
      cursor: Math.max(known?.cursor ?? 0, sub.after),
      proof: sub.proof,
      active: true,
    }
    this.wanted.set(sub.stream, entry)
    if (this.accountId !== null) void this.sendSubscriptions([entry.stream])
  }

  /** Stops wanting `stream`; its shards in flight are dropped. */
  unsubscribe(stream: string): void {
    if (!this.wanted.delete(stream)) return
    if (this.accountId !== null) this.send({ type: 'unsubscribe', streams: [stream] })
  }

  /** Declares shards up to `seq` held (e.g. fetched over HTTP), so they are not delivered. */
  updateCursor(stream: string, seq: number): void {
    if (!Number.isSafeInteger(seq) || seq < 0)
      throw new InvalidRequestError(`invalid cursor for ${stream}: ${seq}`)
    const entry = this.wanted.get(stream)
    if (entry) entry.cursor = Math.max(entry.cursor, seq)
  }

  // --- socket life cycle ----------------------------------------------------------------------

  private open(): void {
    const url = this.url
    if (url === null || this.stopped) return
    const generation = ++this.generation
    this.setState({ status: 'connecting', attempt: this.attempt })
    const socket = new WebSocket(url, {
      maxPayload: MAX_INCOMING_FRAME_BYTES,
      headers: embeddedAccessHeaders(this.embeddedBackend, url),
    })
    this.socket = socket
    // Connecting and authenticating share one deadline; pings take over once online.
    this.armDeadline(this.handshakeTimeoutMs, 'no ready frame from the server in time')
    const current = () => generation === this.generation
    socket.on('open', () => {
      if (current() && this.token !== null) this.send({ type: 'auth', token: this.token })
    })
    socket.on('message', (data, isBinary) => {
      if (current()) this.receive(data, isBinary)
    })
    socket.on('error', (error) => {
      if (current()) this.lastSocketError = error.message
    })
    socket.on('close', (code, reason) => {
      if (current()) this.closed(code, reason.toString())
    })
  }

  private closed(code: number, reason: string): void {
    const wasOnline = this.accountId !== null
    const why = this.dropReason ?? describeClose(code, reason, this.lastSocketError)
    this.socket = null
    this.accountId = null
    this.dropReason = null
    this.lastSocketError = null
    this.clearTimer('pingTimer')
    this.clearTimer('deadlineTimer')
    if (this.stopped) return
    // 1. A refused token will be refused again: stop, and say so distinctly.
    if (code === CLOSE_CODES.unauthorized) {
      this.stopped = true
      this.setState({ status: 'unauthorized', reason: why })
      return
    }
    // 2. Kicked for reading too slowly: the server is fine, resume from the cursor at once.
    if (code === CLOSE_CODES.slowConsumer && wasOnline) {
      this.open()
      return
    }
    // 3. Anything else: wait a jittered, growing delay.
    const delay = backoffDelay(this.attempt, this.random, this.backoff)
    this.attempt++
    this.setState({ status: 'offline', reason: why, retryInMs: delay })
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null
      this.open()
    }, delay)
  }

  /** Forgets the current socket (its events are ignored from now on) and returns it. */
  private dropSocket(): WebSocket | null {
    this.generation++
    this.clearTimer('retryTimer')
    this.clearTimer('pingTimer')
    this.clearTimer('deadlineTimer')
    this.accountId = null
    const socket = this.socket
    this.socket = null
    return socket
  }

  // --- frames ---------------------------------------------------------------------------------

  private receive(data: WebSocket.RawData, isBinary: boolean): void {
    // Any frame shows the socket is alive; before ready, the handshake deadline still runs.
    if (this.accountId !== null) this.clearTimer('deadlineTimer')
    const frame = isBinary ? undefined : parseFrame(data)
    if (!checkFrame.Check(frame)) {
      this.invalidFrameCount++
      return
    }
    switch (frame.type) {
      case 'ready':
        return this.ready(frame.accountId)
      case 'shard':
        return this.deliver(frame.shard)
      case 'subscribed':
        if (this.wanted.has(frame.stream))
          this.emit('subscribed', { stream: frame.stream, headSeq: frame.headSeq })
        return
      case 'revoked': {
        const entry = this.wanted.get(frame.stream)
        if (!entry) return
        entry.active = false
        this.emit('revoked', { stream: frame.stream, keyVersion: frame.keyVersion })
        return
      }
      case 'error': {
        const entry = frame.stream === undefined ? undefined : this.wanted.get(frame.stream)
        if (entry) this.pause(entry, frame.error, frame.message)
        else if (frame.stream === undefined)
          this.emit('serverError', { error: frame.error, message: frame.message })
        return
      }
      case 'pong':
        return
    }
  }

  private ready(accountId: string): void {
    if (this.accountId !== null) return
    this.accountId = accountId
    this.attempt = 0
    this.clearTimer('deadlineTimer')
    this.setState({ status: 'online', accountId })
    this.schedulePing()
    void this.sendSubscriptions([...this.wanted.keys()])
  }

  private deliver(shard: Shard): void {
    const entry = this.wanted.get(shard.stream)
    if (!entry) return
    if (shard.seq <= entry.cursor) {
      this.duplicateShardCount++
      return
    }
    entry.cursor = shard.seq
    this.emit('shard', shard)
  }

  private pause(entry: WantedStream, error: string, message: string): void {
    entry.active = false
    this.emit('subscriptionError', { stream: entry.stream, error, message })
  }

  /** Subscribes `streams` (those still active) with fresh proofs, in batches the server takes. */
  private async sendSubscriptions(streams: readonly string[]): Promise<void> {
    const generation = this.generation
    const accountId = this.accountId
    if (accountId === null) return
    const batch: Subscription[] = []
    for (const stream of streams) {
      const entry = this.wanted.get(stream)
      if (!entry?.active) continue
      let proof: ReadProof
      try {
        proof = await entry.proof(accountId)
      } catch (error) {
        this.pause(entry, 'proof_failed', error instanceof Error ? error.message : String(error))
        continue
      }
      // The socket may have changed while the proof was made; the new one subscribes anew.
      if (generation !== this.generation) return
      if (this.wanted.get(stream) !== entry || !entry.active) continue
      const subscription = { stream, after: entry.cursor, proof }
      // A malformed frame would get the whole socket closed: refuse it here, for this stream.
      if (!checkSubscription.Check(subscription)) {
        this.pause(entry, 'bad_proof', 'the read proof does not fit the protocol')
        continue
      }
      batch.push(subscription)
    }
    for (let i = 0; i < batch.length; i += LIMITS.maxSubscribeBatch)
      this.send({ type: 'subscribe', streams: batch.slice(i, i + LIMITS.maxSubscribeBatch) })
  }

  private send(frame: ClientFrame): void {
    const socket = this.socket
    // A failed send shows up as a close, which the reconnect path handles.
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame), () => {})
  }

  // --- liveness -------------------------------------------------------------------------------

  private schedulePing(): void {
    this.pingTimer = this.timers.setTimeout(() => {
      this.pingTimer = null
      if (this.accountId === null) return
      this.send({ type: 'ping', n: this.pingCounter++ })
      if (this.deadlineTimer === null)
        this.armDeadline(this.pongTimeoutMs, 'no answer to ping: connection presumed dead')
      this.schedulePing()
    }, this.pingIntervalMs)
  }

  private armDeadline(ms: number, reason: string): void {
    this.clearTimer('deadlineTimer')
    const socket = this.socket
    this.deadlineTimer = this.timers.setTimeout(() => {
      this.deadlineTimer = null
      if (socket !== this.socket || !socket) return
      this.dropReason = reason
      socket.terminate()
    }, ms)
  }

  private clearTimer(name: 'retryTimer' | 'pingTimer' | 'deadlineTimer'): void {
    if (this[name] !== null) this.timers.clearTimeout(this[name])
    this[name] = null
  }

  private setState(state: LiveState): void {
    if (JSON.stringify(state) === JSON.stringify(this.currentState)) return
    this.currentState = state
    this.emit('state', state)
  }
}

/** The live endpoint's URL from the server's base URL (or the ws(s) URL itself). */
export function liveUrl(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new InvalidRequestError(`not a URL: ${url}`)
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(parsed.protocol))
    throw new InvalidRequestError(`the server URL must be http(s) or ws(s): ${url}`)
  const insecure = insecureUrlProblem(parsed, 'the server URL', url)
  if (insecure !== null) throw new InvalidRequestError(insecure)
  if (parsed.protocol === 'ws:' || parsed.protocol === 'wss:') return parsed.href
  parsed.protocol = parsed.protocol === 'https:' ? 'wss:' : 'ws:'
  parsed.pathname = parsed.pathname.replace(/\/$/, '') + '/v1/ws'
  parsed.search = ''
  parsed.hash = ''
  return parsed.href
}

function parseFrame(data: WebSocket.RawData): unknown {
  const text = Array.isArray(data)
    ? Buffer.concat(data).toString('utf8')
    : Buffer.from(data as ArrayBuffer).toString('utf8')
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const CLOSE_NAMES: Readonly<Record<number, string>> = {
  [CLOSE_CODES.normal]: 'closed by the server',
  [CLOSE_CODES.goingAway]: 'server going away',
  [CLOSE_CODES.badFrame]: 'server rejected a frame',
  [CLOSE_CODES.unauthorized]: 'session token refused',
  [CLOSE_CODES.authTimeout]: 'authentication timed out',
  [CLOSE_CODES.slowConsumer]: 'too slow to read',
  [CLOSE_CODES.frameTooLarge]: 'frame too large',
  [CLOSE_CODES.rateLimited]: 'rate limited',
  1006: 'connection lost',
  1009: 'server frame too large',
}

function describeClose(code: number, reason: string, socketError: string | null): string {
  if (socketError && code === 1006) return `connection failed: ${socketError}`
  const name = CLOSE_NAMES[code] ?? 'closed'
  return reason ? `${name} (${code}: ${reason})` : `${name} (${code})`
}
