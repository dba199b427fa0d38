// How ParacordApi calls and events cross a process boundary (Electron IPC or the web host's
// WebSocket bridge): one channel name per method, one result envelope, one event channel.
import type { ApiEventName, ApiEvents, ApiFailure, ApiMethodName, ApiOutputs } from './api'

export const IPC_PREFIX = 'paracord:'
export const IPC_EVENT_CHANNEL = 'paracord:event'

export const ipcChannel = (method: ApiMethodName): string => IPC_PREFIX + method

export type CallResult<M extends ApiMethodName = ApiMethodName> =
  | { readonly ok: true; readonly value: ApiOutputs[M] }
  | { readonly ok: false; readonly error: ApiFailure }

export interface EventMessage<E extends ApiEventName = ApiEventName> {
  readonly event: E
  readonly payload: ApiEvents[E]
}
