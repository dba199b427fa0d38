// The tray icon with the unread count in its tooltip (and its title on macOS), the dock or
// launcher badge, and on Windows a taskbar overlay dot. Clicking the icon brings the window back.
import { app, Menu, nativeImage, Tray, type BrowserWindow } from 'electron'
import { unreadIndicator } from './policy/unread'
import type { ShellState } from './policy/shell-state'

export interface TrayConfig {
  readonly trayIconPath: string
  readonly badgeIconPath: string
  readonly state: ShellState
  readonly getWindow: () => BrowserWindow | null
  readonly lockNow: () => void
}

export interface TrayIndicator {
  /** Re-reads the state and updates icon, tooltip and badge. */
  refresh(): void
  destroy(): void
}

export function createTrayIndicator(config: TrayConfig): TrayIndicator {
  const tray = new Tray(nativeImage.createFromPath(config.trayIconPath))
  const badgeImage = nativeImage.createFromPath(config.badgeIconPath)
  const showWindow = () => {
    const window = config.getWindow()
    if (!window) return
    if (window.isMinimized()) window.restore()
    window.show()
    window.focus()
  }
  tray.on('click', showWindow)
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Show paracord', click: showWindow },
      { label: 'Lock', click: config.lockNow },
      { type: 'separator' },
      { role: 'quit' },
    ]),
  )

  const refresh = () => {
    const { auth, servers } = config.state
    const indicator = unreadIndicator(auth.status, servers)
    tray.setToolTip(indicator.tooltip)
    if (process.platform === 'darwin') tray.setTitle(indicator.badge)
    app.setBadgeCount(indicator.total)
    const window = config.getWindow()
    if (process.platform === 'win32' && window)
      window.setOverlayIcon(indicator.total > 0 ? badgeImage : null, indicator.tooltip)
  }
  refresh()
  return { refresh, destroy: () => tray.destroy() }
}
