// How the renderer gets its ParacordApi, without knowing the transport: Electron's preload
// (window.paracord) when present, else the web host's WebSocket bridge.
import type { ParacordApi } from '../../../shared/api'
import { ParacordError } from '../../../shared/api-errors'
import { BRIDGE_PATH } from '../../../shared/bridge-protocol'
import { createBridgeClient, type BridgeStatus, type OpenSocket } from './bridge-client'
import { takeBridgeToken } from './bridge-token'

export type { BridgeStatus } from './bridge-client'
export { HOST_GONE_MESSAGE, STALE_LINK_MESSAGE } from './bridge-client'

let connecting: Promise<ParacordApi> | null = null
const statusListeners = new Set<(status: BridgeStatus) => void>()

/** The one ParacordApi of this page; later calls share the first connection. */
export function connectApi(): Promise<ParacordApi> {
  connecting ??= connect().catch((error: unknown) => {
    connecting = null
    throw error
  })
  return connecting
}

/**
 * The bridge's own state in a browser (never called in Electron): 'reconnecting' means the web
 * host is gone, 'refused' that this page's link is stale. Calls fail meanwhile.
 */
export function onBridgeStatus(listener: (status: BridgeStatus) => void): () => void {
  statusListeners.add(listener)
  return () => void statusListeners.delete(listener)
}

async function connect(): Promise<ParacordApi> {
  if (window.paracord) return window.paracord
  const token = takeBridgeToken(window.location, window.history, sessionStorageOrNull())
  if (token === null) {
    throw new ParacordError(
      'forbidden',
      'Open paracord with the link the web host printed when it started: it carries a secret for this run.',
    )
  }
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:'
  const client = await createBridgeClient({
    url: `${scheme}//${window.location.host}${BRIDGE_PATH}`,
    token,
    openSocket: openBrowserSocket,
  })
  client.onStatus((status) => {
    for (const listener of [...statusListeners]) listener(status)
  })
  return client.api
}

const openBrowserSocket: OpenSocket = (url, protocols, handlers) => {
  const socket = new WebSocket(url, [...protocols])
  socket.addEventListener('open', () => handlers.onOpen())
  socket.addEventListener('message', (event: MessageEvent) => handlers.onMessage(event.data))
  socket.addEventListener('close', (event: CloseEvent) =>
    handlers.onClose(event.code, event.reason),
  )
  return socket
}

function sessionStorageOrNull(): Storage | null {
  try {
    return window.sessionStorage
  } catch {
    return null
  }
}
