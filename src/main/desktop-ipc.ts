// The desktop shell's own IPC (src/shared/desktop-api.ts): the update status, "restart to
// update" and the invite opened while signed out, answered only to the app window's page, and
// update status changes and newly opened invites announced to it.
import { ipcMain, type BrowserWindow } from 'electron'
import {
  DESKTOP_EVENT_CHANNEL,
  DESKTOP_INVOKE_CHANNELS,
  type DesktopEventMessage,
  type OpenedInvite,
  type UpdateStatus,
} from '../shared/desktop-api'
import { fromAppWindow } from './ipc'
import type { AppOrigin } from './ipc-policy'
import type { Updates } from './updater'

export function registerDesktopHandlers(
  updates: Updates,
  /** invites.ts's flow, which holds the invite handed over to the sign-in screens. */
  invites: { takeOpened(): OpenedInvite | null },
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
  ipcMain.handle(DESKTOP_INVOKE_CHANNELS.takeOpenedInvite, (event) => {
    if (!fromAppWindow(event, getWindow, app)) throw new Error('untrusted sender')
    return invites.takeOpened()
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

/** An invite now waits for the sign-in screens; the page takes it with takeOpenedInvite. */
export function sendInviteOpened(getWindow: () => BrowserWindow | null): void {
  const message: DesktopEventMessage = { event: 'inviteOpened', payload: null }
  getWindow()?.webContents.send(DESKTOP_EVENT_CHANNEL, message)
}
