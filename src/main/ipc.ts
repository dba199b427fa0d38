// One ipcMain handler per ParacordApi method, from the contract's own list; each checks that
// its sender is the app's own page before anything else, and events go to that page only.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { API_EVENTS, API_METHODS, type ParacordApi } from '../shared/api'
import {
  IPC_EVENT_CHANNEL,
  ipcChannel,
  type CallResult,
  type EventMessage,
} from '../shared/transport'
import { createApiDispatcher } from '../core/api-dispatch'
import { isTrustedSender, type AppOrigin } from './ipc-policy'

export function registerApiHandlers(
  api: ParacordApi,
  getWindow: () => BrowserWindow | null,
  app: AppOrigin,
): () => void {
  const dispatch = createApiDispatcher(api, (method, error) =>
    console.error(`api ${method} failed:`, error),
  )

  const trusted = (event: IpcMainInvokeEvent) =>
    isTrustedSender(
      {
        frameUrl: event.senderFrame?.url ?? '',
        isMainFrame: event.senderFrame !== null && event.senderFrame === event.sender.mainFrame,
        webContentsId: event.sender.id,
        appWebContentsId: getWindow()?.webContents.id ?? null,
      },
      app,
    )

  for (const method of API_METHODS) {
    ipcMain.handle(ipcChannel(method), async (event, input: unknown): Promise<CallResult> => {
      if (!trusted(event))
        return { ok: false, error: { code: 'forbidden', message: 'untrusted sender' } }
      return dispatch(method, input)
    })
  }

  const unsubscribers = API_EVENTS.map((name) =>
    api.on(name, (payload) => {
      const message: EventMessage = { event: name, payload }
      getWindow()?.webContents.send(IPC_EVENT_CHANNEL, message)
    }),
  )

  return () => {
    for (const method of API_METHODS) ipcMain.removeHandler(ipcChannel(method))
    for (const unsubscribe of unsubscribers) unsubscribe()
  }
}
