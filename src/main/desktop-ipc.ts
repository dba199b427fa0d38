// The desktop shell's own IPC (src/shared/desktop-api.ts): the update status and "restart to
// update", answered only to the app window's page, and status changes sent to it.
import { ipcMain, type BrowserWindow } from 'electron'
import {
  DESKTOP_EVENT_CHANNEL,
  DESKTOP_INVOKE_CHANNELS,
  type DesktopEventMessage,
  type UpdateStatus,
} from '../shared/desktop-api'
import { fromAppWindow } from './ipc'
import type { AppOrigin } from './ipc-policy'
import type { Updates } from './updater'

export function registerDesktopHandlers(
  updates: Updates,
  getWindow: () => BrowserWindow | null,
  app: AppOrigin,
): () => void {
  ipcMain.handle(DESKTOP_INVOKE_CHANNELS.getUpdateStatus, (event) => {
    if (!fromAppWindow(event, getWindow, app)) throw new Error('untrusted sender')
    return updates.status()
  })
  ipcMain.handle(DESKTOP_INVOKE_CHANNELS.restartToUpdate, (event) => {
    if (!fromAppWindow(event, getWindow, app)) throw new Error('untrusted sender')
    return updates.restart()
  })
  return () => {
    for (const channel of Object.values(DESKTOP_INVOKE_CHANNELS)) ipcMain.removeHandler(channel)
  }
}

export function sendUpdateStatus(
  getWindow: () => BrowserWindow | null,
  status: UpdateStatus,
): void {
  const message: DesktopEventMessage = { event: 'updateStatus', payload: status }
  getWindow()?.webContents.send(DESKTOP_EVENT_CHANNEL, message)
}
