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
  | { readonly type: 'result'; readonly id: number; readonly result: CallResult }
  | ({ readonly type: 'event' } & EventMessage)
