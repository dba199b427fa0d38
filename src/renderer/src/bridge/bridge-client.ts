// ParacordApi over the web host's WebSocket bridge: one function per method of the contract,
// replies matched to calls by id, failures as ParacordError, events to on() listeners, and a
// reconnect when the socket drops. No DOM and no Node here: the socket comes from outside, so
// the same code runs in the browser and in the host's tests.
import type {
  ApiEventName,
  ApiEvents,
  ApiMethodName,
  ConnectionState,
  ParacordApi,
  Unsubscribe,
} from '../../../shared/api'
import { isApiErrorCode, ParacordError } from '../../../shared/api-errors'
import { API_EVENT_NAMES, API_METHOD_NAMES } from '../../../shared/api-names'
import {
  BRIDGE_CLOSE_BAD_TOKEN,
  BRIDGE_SUBPROTOCOL,
  BRIDGE_TOKEN_PREFIX,
  type BridgeCall,
} from '../../../shared/bridge-protocol'

export interface SocketHandlers {
  onOpen(): void
  onMessage(data: unknown): void
  onClose(code: number, reason: string): void
}

export interface BridgeSocket {
  send(data: string): void
  close(code?: number, reason?: string): void
}

/** Opens a WebSocket offering `protocols` and reports to `handlers`. */
export type OpenSocket = (
  url: string,
  protocols: readonly string[],
  handlers: SocketHandlers,
) => BridgeSocket

/**
 * open: calls go through. reconnecting: the host went away; calls fail until it is back.
 * refused: the host no longer accepts this page's token (it was restarted); a new link is needed.
 * closed: close() was called.
 */
export type BridgeStatus = 'open' | 'reconnecting' | 'refused' | 'closed'

export interface BridgeClientOptions {
  /** ws://127.0.0.1:PORT/bridge */
  readonly url: string
  readonly token: string
  readonly openSocket: OpenSocket
  /** Wait before reconnect attempt `attempt` (from 1). */
  readonly retryDelayMs?: (attempt: number) => number
}

export interface BridgeClient {
  readonly api: ParacordApi
  readonly status: BridgeStatus
  onStatus(listener: (status: BridgeStatus) => void): Unsubscribe
  /** Closes the socket for good; calls in flight fail. */
  close(): void
}

export const HOST_GONE_MESSAGE =
  'The paracord web host stopped, so this page cannot reach your account. Start it again; this page reconnects by itself.'
export const STALE_LINK_MESSAGE =
  'The paracord web host was restarted with a new secret link. Open the link it printed.'

/** The socket closed before the host said the token matched; `code` says why. */
class ClosedBeforeReady extends Error {
  constructor(readonly code: number) {
    super(`the bridge closed before it was ready (code ${code})`)
  }
}

const defaultRetryDelay = (attempt: number) => Math.min(250 * 2 ** (attempt - 1), 5_000)

interface PendingCall {
  resolve(value: unknown): void
  reject(error: ParacordError): void
}

/** Resolves once the bridge is open; rejects with a ParacordError when the first attempt fails. */
export async function createBridgeClient(options: BridgeClientOptions): Promise<BridgeClient> {
  const retryDelay = options.retryDelayMs ?? defaultRetryDelay
  const protocols = [BRIDGE_SUBPROTOCOL, BRIDGE_TOKEN_PREFIX + options.token]
  const pending = new Map<number, PendingCall>()
  const listeners = new Map<ApiEventName, Set<(payload: never) => void>>()
  const statusListeners = new Set<(status: BridgeStatus) => void>()
  let status: BridgeStatus = 'reconnecting'
  let socket: BridgeSocket | null = null
  let nextId = 1
  let attempt = 0
  let retryTimer: ReturnType<typeof setTimeout> | null = null

  const setStatus = (next: BridgeStatus) => {
    if (next === status) return
    status = next
    for (const listener of [...statusListeners]) guard(() => listener(next))
  }

  const emitLocal = <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => {
    for (const listener of [...(listeners.get(event) ?? [])])
      guard(() => listener(payload as never))
  }

  const failPending = (error: ParacordError) => {
    for (const call of pending.values()) call.reject(error)
    pending.clear()
  }

  const receive = (data: unknown) => {
    const message = parse(data)
    if (message === null) return
    if (message.type === 'result') {
      const call = pending.get(message.id)
      if (!call) return
      pending.delete(message.id)
      if (message.ok) call.resolve(message.value)
      else call.reject(new ParacordError(message.code, message.message))
    } else {
      emitLocal(message.event, message.payload as never)
    }
  }

  // The page resynchronises after a reconnect: the host may have locked or restarted meanwhile.
  const resync = async () => {
    try {
      const [auth, connection] = await Promise.all([
        call('getAuthState', {}) as Promise<ApiEvents['authChanged']>,
        call('getConnectionState', {}) as Promise<ConnectionState>,
      ])
      emitLocal('authChanged', auth)
      emitLocal('connectionChanged', connection)
    } catch {
      // The socket dropped again; the next reconnect resynchronises.
    }
  }

  const lost = (code: number) => {
    socket = null
    if (status === 'closed') return
    const refused = code === BRIDGE_CLOSE_BAD_TOKEN
    failPending(
      refused
        ? new ParacordError('forbidden', STALE_LINK_MESSAGE)
        : new ParacordError('server_unreachable', HOST_GONE_MESSAGE),
    )
    if (status === 'open' || refused) {
      emitLocal('connectionChanged', {
        status: 'offline',
        outbox: 0,
        reason: refused ? STALE_LINK_MESSAGE : HOST_GONE_MESSAGE,
        sendingPausedUntil: null,
      })
    }
    setStatus(refused ? 'refused' : 'reconnecting')
    if (!refused) {
      attempt++
      retryTimer = setTimeout(() => {
        retryTimer = null
        open().catch(() => {})
      }, retryDelay(attempt))
    }
  }

  /**
   * One connection attempt: resolves when the host says the token matched (`ready`), rejects
   * with the close code when the socket closes before that.
   */
  const open = () =>
    new Promise<void>((resolve, reject) => {
      let opened = false
      const current = options.openSocket(options.url, protocols, {
        onOpen: () => {
          if (status === 'closed') current.close()
        },
        onMessage: (data) => {
          if (opened) {
            if (socket === current) receive(data)
            return
          }
          if (!isReady(data) || status === 'closed') return
          opened = true
          socket = current
          const reconnected = attempt > 0
          attempt = 0
          setStatus('open')
          resolve()
          if (reconnected) void resync()
        },
        onClose: (code) => {
          if (!opened) {
            reject(new ClosedBeforeReady(code))
            if (attempt > 0) lost(code)
            return
          }
          if (socket === current) lost(code)
        },
      })
    })

  const call = (method: ApiMethodName, input: unknown): Promise<unknown> => {
    if (status !== 'open' || socket === null) {
      return Promise.reject(
        status === 'refused'
          ? new ParacordError('forbidden', STALE_LINK_MESSAGE)
          : new ParacordError('server_unreachable', HOST_GONE_MESSAGE),
      )
    }
    const id = nextId++
    const frame: BridgeCall = { type: 'call', id, method, input }
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject })
      try {
        socket?.send(JSON.stringify(frame))
      } catch {
        pending.delete(id)
        reject(new ParacordError('invalid_input', `${method}: the input cannot be sent`))
      }
    })
  }

  try {
    await open()
  } catch (error) {
    throw error instanceof ClosedBeforeReady && error.code === BRIDGE_CLOSE_BAD_TOKEN
      ? new ParacordError('forbidden', STALE_LINK_MESSAGE)
      : new ParacordError(
          'server_unreachable',
          `Cannot reach the paracord web host at ${options.url}.`,
        )
  }

  const methods = Object.fromEntries(
    (Object.keys(API_METHOD_NAMES) as ApiMethodName[]).map((name) => [
      name,
      (input: unknown) => call(name, input),
    ]),
  ) as unknown as Omit<ParacordApi, 'on'>

  const on: ParacordApi['on'] = (event, listener) => {
    if (!Object.hasOwn(API_EVENT_NAMES, event))
      throw new ParacordError('invalid_input', `unknown event ${String(event)}`)
    let set = listeners.get(event)
    if (!set) listeners.set(event, (set = new Set()))
    const stored = listener as (payload: never) => void
    set.add(stored)
    return () => void set.delete(stored)
  }

  return {
    api: { ...methods, on },
    get status() {
      return status
    },
    onStatus(listener) {
      statusListeners.add(listener)
      return () => void statusListeners.delete(listener)
    },
    close() {
      setStatus('closed')
      if (retryTimer !== null) clearTimeout(retryTimer)
      failPending(new ParacordError('server_unreachable', 'The bridge to the web host was closed.'))
      socket?.close(1000, 'page closed')
      socket = null
    },
  }
}

function isReady(data: unknown): boolean {
  if (typeof data !== 'string') return false
  try {
    const value = JSON.parse(data) as { type?: unknown } | null
    return typeof value === 'object' && value !== null && value.type === 'ready'
  } catch {
    return false
  }
}

type Incoming =
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; code: ParacordError['code']; message: string }
  | { type: 'event'; event: ApiEventName; payload: unknown }

/** Reads a frame from the host; anything not of the protocol's shape is dropped. */
function parse(data: unknown): Incoming | null {
  if (typeof data !== 'string') return null
  let value: unknown
  try {
    value = JSON.parse(data)
  } catch {
    return null
  }
  if (typeof value !== 'object' || value === null) return null
  const frame = value as Record<string, unknown>
  if (frame.type === 'event') {
    if (typeof frame.event !== 'string' || !Object.hasOwn(API_EVENT_NAMES, frame.event)) return null
    return { type: 'event', event: frame.event as ApiEventName, payload: frame.payload }
  }
  if (frame.type !== 'result' || typeof frame.id !== 'number') return null
  const result = frame.result as Record<string, unknown> | null
  if (typeof result !== 'object' || result === null) return null
  if (result.ok === true) return { type: 'result', id: frame.id, ok: true, value: result.value }
  const error = result.error as Record<string, unknown> | null
  const code = error?.code
  const message = typeof error?.message === 'string' ? error.message : 'The call failed.'
  return {
    type: 'result',
    id: frame.id,
    ok: false,
    code: isApiErrorCode(code) ? code : 'internal',
    message,
  }
}

function guard(run: () => void): void {
  try {
    run()
  } catch (error) {
    console.error('paracord bridge listener failed:', error)
  }
}
