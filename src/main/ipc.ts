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

  for (const method of API_METHODS) {
    ipcMain.handle(ipcChannel(method), async (event, input: unknown): Promise<CallResult> => {
      if (!fromAppWindow(event, getWindow, app))
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

/**
 * Whether an IPC call comes from the app window's own page. A refusal is logged: the app's own
 * page should never see one (the desktop end-to-end test checks the log stays clean).
 */
export function fromAppWindow(
  event: IpcMainInvokeEvent,
  getWindow: () => BrowserWindow | null,
  app: AppOrigin,
): boolean {
  const trusted = isTrustedSender(
    {
      frameUrl: event.senderFrame?.url ?? '',
      isMainFrame: event.senderFrame !== null && event.senderFrame === event.sender.mainFrame,
      webContentsId: event.sender.id,
      appWebContentsId: getWindow()?.webContents.id ?? null,
    },
    app,
  )
  if (!trusted)
    console.warn(
      `paracord: refused an IPC call from an untrusted sender (${event.senderFrame?.url ?? 'no frame'})`,
    )
  return trusted
}
