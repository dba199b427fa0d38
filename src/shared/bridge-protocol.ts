// The web host's WebSocket bridge: the same ParacordApi as Electron IPC, for a browser. A call
// carries an id the reply echoes; events arrive unasked. The socket is opened with the per-run
// token the web host printed, and only from the web host's own origin.
import type { ApiMethodName } from './api'
import type { CallResult, EventMessage } from './transport'

export const BRIDGE_PATH = '/bridge'

export interface BridgeCall {
  readonly type: 'call'
  readonly id: number
  readonly method: ApiMethodName
  readonly input: unknown
}

export type BridgeServerMessage =
  /** Sent once the token matched: calls may flow. A socket closed before it was refused. */
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly id: number; readonly result: CallResult }
  | ({ readonly type: 'event' } & EventMessage)

/** The subprotocol the bridge speaks; the web host selects it when it accepts a socket. */
export const BRIDGE_SUBPROTOCOL = 'paracord-bridge.v1'
/**
 * The per-run token travels as a second subprotocol value (`BRIDGE_TOKEN_PREFIX + token`; the
 * token is base64url, which is valid there), never in the URL, which lands in logs and history.
 */
export const BRIDGE_TOKEN_PREFIX = 'paracord-token.'
/** The reply id of a message too malformed to carry a usable one; real call ids start at 1. */
export const BRIDGE_NO_ID = 0
/** Close code when the token is missing or wrong: the page must be opened from the new link. */
export const BRIDGE_CLOSE_BAD_TOKEN = 4401
/** Close code when the web host shuts down. */
export const BRIDGE_CLOSE_GOING_AWAY = 1001
