// The WebSocket bridge: ParacordApi for one browser page, through the same dispatcher as
// Electron IPC. A socket is accepted only from this host's own origin; it is served only after
// its token matched; every frame is checked; events of the core reach every served socket.
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import { API_EVENTS, type ParacordApi } from '../shared/api'
import {
  BRIDGE_CLOSE_BAD_TOKEN,
  BRIDGE_CLOSE_GOING_AWAY,
  BRIDGE_NO_ID,
  BRIDGE_PATH,
  BRIDGE_SUBPROTOCOL,
  BRIDGE_TOKEN_PREFIX,
  type BridgeServerMessage,
} from '../shared/bridge-protocol'
import { createApiDispatcher } from '../core/api-dispatch'
import { failureReply, parseBridgeFrame } from './bridge-messages'
import { tokensMatch } from './token'

/** Calls one page may have running at once; more get `rate_limited` instead of piling up. */
export const MAX_CALLS_IN_FLIGHT = 32
/** A page that stops reading this far behind is cut off rather than buffered without end. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024
/** Frames above this close the socket outright (1009); between the soft limit and this, an error reply. */
const HARD_FRAME_LIMIT = 1024 * 1024
const CLOSE_WAIT_MS = 2_000

export interface BridgeOptions {
  readonly api: ParacordApi
  readonly token: string
  /** http://127.0.0.1:PORT: the only Origin (and, without the scheme, the only Host) accepted. */
  readonly origin: () => string
  readonly onInternalError?: (method: string, error: unknown) => void
  /** The number of pages served changed (one opened or closed). */
  readonly onServedChanged?: (served: number) => void
}

export interface Bridge {
  /** Takes an HTTP upgrade aimed at BRIDGE_PATH; refuses it unless Host and Origin are ours. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void
  /** Sockets that presented the token and are being served. */
  readonly servedSockets: number
  /** Closes every socket (1001) and stops forwarding events. */
  close(): Promise<void>
}

export function createBridge(options: BridgeOptions): Bridge {
  const dispatch = createApiDispatcher(options.api, options.onInternalError)
  const served = new Set<WebSocket>()
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: HARD_FRAME_LIMIT,
    perMessageDeflate: false,
    handleProtocols: (protocols) =>
      protocols.has(BRIDGE_SUBPROTOCOL) ? BRIDGE_SUBPROTOCOL : false,
  })

  const unsubscribers = API_EVENTS.map((event) =>
    options.api.on(event, (payload) => {
      const frame = JSON.stringify({ type: 'event', event, payload } satisfies BridgeServerMessage)
      for (const socket of served) deliver(socket, frame)
    }),
  )

  const serve = (socket: WebSocket) => {
    served.add(socket)
    options.onServedChanged?.(served.size)
    let inFlight = 0
    socket.on('close', () => {
      served.delete(socket)
      options.onServedChanged?.(served.size)
    })
    socket.on('message', (data, isBinary) => {
      const parsed = parseBridgeFrame(toBuffer(data), isBinary)
      if (!parsed.ok) return reply(socket, failureReply(parsed.id, parsed.error))
      const { id, method, input } = parsed.call
      if (inFlight >= MAX_CALLS_IN_FLIGHT) {
        return reply(
          socket,
          failureReply(id, {
            code: 'rate_limited',
            message: `more than ${MAX_CALLS_IN_FLIGHT} calls at once; wait for some to finish`,
          }),
        )
      }
      inFlight++
      void dispatch(method, input).then((result) => {
        inFlight--
        reply(socket, { type: 'result', id, result })
      })
    })
  }

  const reply = (socket: WebSocket, message: BridgeServerMessage) => {
    let frame: string
    try {
      frame = JSON.stringify(message)
    } catch (error) {
      options.onInternalError?.('bridge reply', error)
      frame = JSON.stringify(
        failureReply(message.type === 'result' ? message.id : BRIDGE_NO_ID, {
          code: 'internal',
          message: 'Something went wrong inside paracord.',
        }),
      )
    }
    deliver(socket, frame)
  }

  return {
    handleUpgrade(request, socket, head) {
      const refusal = refuseUpgrade(request, options.origin())
      if (refusal !== null) return rejectHandshake(socket, refusal)
      wss.handleUpgrade(request, socket, head, (ws) => {
        ws.on('error', () => ws.terminate())
        // The token is checked after the handshake so the page can tell a stale link (4401)
        // from a stopped host; an unmatched socket is closed before it is ever read.
        if (!tokensMatch(options.token, offeredToken(request))) {
          return ws.close(BRIDGE_CLOSE_BAD_TOKEN, 'invalid token: open the link the host printed')
        }
        serve(ws)
        reply(ws, { type: 'ready' })
      })
    },
    get servedSockets() {
      return served.size
    },
    async close() {
      for (const unsubscribe of unsubscribers) unsubscribe()
      const sockets = [...wss.clients]
      await Promise.all(sockets.map(closeSocket))
      await new Promise<void>((resolve) => wss.close(() => resolve()))
    },
  }
}

/** Why an upgrade is refused (an HTTP status line), or null to accept it. */
function refuseUpgrade(request: IncomingMessage, origin: string): string | null {
  const path = (request.url ?? '').split('?', 1)[0]
  if (path !== BRIDGE_PATH) return '404 Not Found'
  if (request.headers.host !== new URL(origin).host) return '403 Forbidden'
  if (request.headers.origin !== origin) return '403 Forbidden'
  if (!protocolsOf(request).includes(BRIDGE_SUBPROTOCOL)) return '400 Bad Request'
  return null
}

function protocolsOf(request: IncomingMessage): string[] {
  return (request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((protocol) => protocol.trim())
    .filter((protocol) => protocol !== '')
}

function offeredToken(request: IncomingMessage): string | null {
  const offered = protocolsOf(request).find((protocol) => protocol.startsWith(BRIDGE_TOKEN_PREFIX))
  return offered === undefined ? null : offered.slice(BRIDGE_TOKEN_PREFIX.length)
}

function rejectHandshake(socket: Duplex, status: string): void {
  socket.on('error', () => {})
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
}

function deliver(socket: WebSocket, frame: string): void {
  if (socket.readyState !== socket.OPEN) return
  if (socket.bufferedAmount > MAX_BUFFERED_BYTES) return void socket.terminate()
  socket.send(frame)
}

function closeSocket(socket: WebSocket): Promise<void> {
  if (socket.readyState === socket.CLOSED) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => socket.terminate(), CLOSE_WAIT_MS)
    socket.once('close', () => {
      clearTimeout(timer)
      resolve()
    })
    socket.close(BRIDGE_CLOSE_GOING_AWAY, 'paracord web host stopped')
  })
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data
  if (Array.isArray(data)) return Buffer.concat(data)
  return Buffer.from(data)
}
