// What the preload hands to contextBridge, built from an ipcRenderer so it is tested without
// Electron. contextBridge copies every value that crosses into the page: an Error arrives as a
// new Error carrying its message only (its `code` is dropped), while a plain object arrives
// whole. So a failed call rejects with a plain `{ code, message }`, which the renderer's
// errorCode() reads, never with a ParacordError.
import type { IpcRenderer, IpcRendererEvent } from 'electron'
import type { ApiFailure, ApiMethodName, ParacordApi } from '../shared/api'
import { ParacordError } from '../shared/api-errors'
import { API_EVENT_NAMES, API_METHOD_NAMES } from '../shared/api-names'
import {
  DESKTOP_EVENT_CHANNEL,
  DESKTOP_INVOKE_CHANNELS,
  type DesktopApi,
  type DesktopEventMessage,
} from '../shared/desktop-api'
import {
  IPC_EVENT_CHANNEL,
  ipcChannel,
  type CallResult,
  type EventMessage,
} from '../shared/transport'

/** The part of ipcRenderer the preload uses. */
export type PreloadIpc = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>

/**
 * A failure as the page receives it. Deliberately not an Error: contextBridge would strip the
 * code (see the file comment).
 */
function failure(code: ApiFailure['code'], message: string): ApiFailure {
  return { code, message }
}

export function createExposedApi(ipc: PreloadIpc): ParacordApi {
  const method = (name: ApiMethodName) => async (input: unknown) => {
    const result = (await ipc.invoke(ipcChannel(name), input)) as CallResult
    if (result.ok) return result.value
    // A plain object on purpose: an Error would lose its code crossing the bridge.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw failure(result.error.code, result.error.message)
  }

  const methods = Object.fromEntries(
    (Object.keys(API_METHOD_NAMES) as ApiMethodName[]).map((name) => [name, method(name)]),
  ) as unknown as Omit<ParacordApi, 'on'>

  const on: ParacordApi['on'] = (event, listener) => {
    // A synchronous throw reaches the page as a new Error with this message whatever is thrown.
    if (!(event in API_EVENT_NAMES))
      throw new ParacordError('invalid_input', `unknown event ${String(event)}`)
    const handler = (_: IpcRendererEvent, message: EventMessage) => {
      if (message.event === event) listener(message.payload as never)
    }
    ipc.on(IPC_EVENT_CHANNEL, handler)
    return () => void ipc.removeListener(IPC_EVENT_CHANNEL, handler)
  }

  return { ...methods, on }
}

/** The desktop shell's own small contract (updates, opened invites), beside ParacordApi. */
export function createExposedDesktopApi(ipc: PreloadIpc): DesktopApi {
  /** One listener on the shell's event channel; returns its unsubscribe. */
  const subscribe = (handle: (message: DesktopEventMessage) => void) => {
    const handler = (_: IpcRendererEvent, message: DesktopEventMessage) => handle(message)
    ipc.on(DESKTOP_EVENT_CHANNEL, handler)
    return () => void ipc.removeListener(DESKTOP_EVENT_CHANNEL, handler)
  }
  return {
    getUpdateStatus: () => ipc.invoke(DESKTOP_INVOKE_CHANNELS.getUpdateStatus),
    restartToUpdate: () => ipc.invoke(DESKTOP_INVOKE_CHANNELS.restartToUpdate),
    onUpdateStatus: (listener) =>
      subscribe((message) => {
        if (message.event === 'updateStatus') listener(message.payload)
      }),
    takeOpenedInvite: () => ipc.invoke(DESKTOP_INVOKE_CHANNELS.takeOpenedInvite),
    // The event carries nothing: the invite crosses only by takeOpenedInvite, which main
    // answers to the app window alone.
    onInviteOpened: (listener) =>
      subscribe((message) => {
        if (message.event === 'inviteOpened') listener()
      }),
  }
}
