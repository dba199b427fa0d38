// The preload exposes ParacordApi as window.paracord and nothing else: one function per method
// of the contract, each a single IPC call, and one typed event subscription.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { ApiMethodName, ParacordApi } from '../shared/api'
import { ParacordError } from '../shared/api-errors'
import { API_EVENT_NAMES, API_METHOD_NAMES } from '../shared/api-names'
import {
  IPC_EVENT_CHANNEL,
  ipcChannel,
  type CallResult,
  type EventMessage,
} from '../shared/transport'

function method(name: ApiMethodName) {
  return async (input: unknown) => {
    const result = (await ipcRenderer.invoke(ipcChannel(name), input)) as CallResult
    if (result.ok) return result.value
    throw new ParacordError(result.error.code, result.error.message)
  }
}

const api = Object.fromEntries(
  (Object.keys(API_METHOD_NAMES) as ApiMethodName[]).map((name) => [name, method(name)]),
) as unknown as Omit<ParacordApi, 'on'>

const on: ParacordApi['on'] = (event, listener) => {
  if (!(event in API_EVENT_NAMES))
    throw new ParacordError('invalid_input', `unknown event ${event}`)
  const handler = (_: IpcRendererEvent, message: EventMessage) => {
    if (message.event === event) listener(message.payload as never)
  }
  ipcRenderer.on(IPC_EVENT_CHANNEL, handler)
  return () => void ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler)
}

const exposed: ParacordApi = { ...api, on }
contextBridge.exposeInMainWorld('paracord', exposed)
