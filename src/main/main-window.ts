// The one application window: secure web preferences, the remembered size and position, the
// app's page from app:// (or the dev server, loaded by loadAppPage), shown once it has painted.
import { join } from 'node:path'
import { BrowserWindow, screen } from 'electron'
import type { AppOrigin } from './ipc-policy'
import { appStartUrl } from './policy/app-origin'
import { secureWebPreferences } from './policy/web-preferences'
import {
  MIN_HEIGHT,
  MIN_WIDTH,
  WINDOW_STATE_FILE,
  placeOnScreens,
  readWindowState,
  stateToSave,
  writeWindowState,
} from './policy/window-state'

export interface MainWindowConfig {
  readonly origin: AppOrigin
  readonly preloadPath: string
  readonly iconPath: string
  /** Where window-state.json lives: the userData folder. */
  readonly stateDir: string
  readonly development: boolean
  readonly onError: (what: string, error: unknown) => void
}

const SAVE_DELAY_MS = 500

/** The window, not yet loaded: see loadAppPage. */
export async function createMainWindow(config: MainWindowConfig): Promise<BrowserWindow> {
  const stateFile = join(config.stateDir, WINDOW_STATE_FILE)
  const saved = placeOnScreens(
    await readWindowState(stateFile),
    screen.getAllDisplays().map((display) => display.workArea),
  )
  const window = new BrowserWindow({
    ...(saved.x !== undefined && saved.y !== undefined ? { x: saved.x, y: saved.y } : {}),
    width: saved.width,
    height: saved.height,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    show: false,
    title: 'paracord',
    icon: config.iconPath,
    backgroundColor: '#1e1f24',
    webPreferences: secureWebPreferences({
      preloadPath: config.preloadPath,
      development: config.development,
    }),
  })
  if (saved.maximized) window.maximize()

  let timer: ReturnType<typeof setTimeout> | undefined
  const save = () => {
    clearTimeout(timer)
    if (window.isDestroyed() || window.isMinimized() || window.isFullScreen()) return
    writeWindowState(stateFile, stateToSave(window.getNormalBounds(), window.isMaximized())).catch(
      (error: unknown) => config.onError('saving the window state', error),
    )
  }
  const saveSoon = () => {
    clearTimeout(timer)
    timer = setTimeout(save, SAVE_DELAY_MS)
  }
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const)
    window.on(event as 'resize', saveSoon)
  window.on('close', save)

  window.once('ready-to-show', () => window.show())
  return window
}

/**
 * Loads the app's page into the window. Separate from creating it so the shell can register the
 * window first: the page's first IPC calls (getAuthState) are checked against that window and
 * would be refused as an untrusted sender if it were not yet known.
 */
export async function loadAppPage(window: BrowserWindow, origin: AppOrigin): Promise<void> {
  await window.loadURL(appStartUrl(origin))
}
