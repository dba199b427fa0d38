// The thin Electron shell: it wires the pure policies in policy/ and the client core to
// Electron, in order. Everything it decides is decided (and tested) in policy/.
import { join } from 'node:path'
import { app, dialog, type BrowserWindow } from 'electron'
import { ParacordError } from '../shared/api'
import { createParacordCore } from '../core/paracord-core'
import { installApplicationMenu } from './app-menu'
import { EmbeddedBackendError } from '../core/backend-process'
import { startLocalBackend, type LocalBackend } from '../core/local-backend'
import { utilityProcessBackend } from './backend-utility-process'
import { registerDesktopHandlers, sendUpdateStatus } from './desktop-ipc'
import {
  createInviteFlow,
  listenForDeepLinks,
  listenForOpenUrl,
  registerDeepLinkScheme,
} from './invites'
import { registerApiHandlers } from './ipc'
import { createMainWindow, loadAppPage } from './main-window'
import { startNotifications } from './notifier'
import { observeApi } from './policy/api-observer'
import { appOrigin } from './policy/app-origin'
import { DeepLinkInbox, deepLinkFromArgv } from './policy/deep-link'
import {
  REFUSED_CHROMIUM_SWITCHES,
  refusedLaunchSwitches,
  refusedSwitchesMessage,
} from './policy/launch-switches'
import { ShellState } from './policy/shell-state'
import { ShellOptionsError, shellOptions, type ShellOptions } from './policy/shell-options'
import { createRememberMe } from './remember-me-store'
import { updateMode } from './policy/updates'
import { guardAllWebContents, hardenDefaultSession, registerAppScheme } from './security'
import { lockWithSystem } from './system-lock'
import { createTrayIndicator } from './tray'
import { buildFacts, createUpdates } from './updater'

const APP_ID = 'org.paracord.desktop'
const logError = (what: string, error: unknown) => console.error(`paracord: ${what}:`, error)

// 1. Before anything: an installed app refuses remote-debugging and inspector switches; then
//    where the data lives (one instance per data folder), then the lock. A second launch hands
//    its arguments to the first (see invites.ts) and exits.
if (app.isPackaged) refuseDebugSwitches()
const options = readOptions()
if (options.dataDir !== app.getPath('userData')) app.setPath('userData', options.dataDir)
if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  // 2. Before `ready`: sandbox every renderer, make app:// a secure origin, guard every
  //    webContents, and register paracord:// links (macOS hands over the link that launched
  //    the app as open-url before `ready`).
  app.enableSandbox()
  app.setAppUserModelId(APP_ID)
  registerAppScheme()
  const origin = appOrigin(options.devServerUrl)
  guardAllWebContents(origin)
  registerDeepLinkScheme()
  const deepLinks = new DeepLinkInbox()
  listenForOpenUrl(deepLinks)
  app.on('window-all-closed', () => app.quit())
  void app
    .whenReady()
    .then(() => start(options.dataDir, options.serverUrl, origin, deepLinks))
    .catch((error: unknown) => {
      logError('start-up failed', error)
      dialog.showErrorBox('paracord could not start', errorText(error))
      app.exit(1)
    })
}

function refuseDebugSwitches(): void {
  const refused = [
    ...new Set([
      ...refusedLaunchSwitches(process.argv, process.platform),
      ...REFUSED_CHROMIUM_SWITCHES.filter((name) => app.commandLine.hasSwitch(name)),
    ]),
  ]
  if (refused.length === 0) return
  // Chromium starts its DevTools server after this script's first run: without the switch
  // it has nothing to start, even if exiting takes a moment.
  for (const name of REFUSED_CHROMIUM_SWITCHES) app.commandLine.removeSwitch(name)
  const message = refusedSwitchesMessage(refused)
  dialog.showErrorBox('paracord could not start', message)
  app.exit(2)
  throw new Error(message)
}

function readOptions(): ShellOptions {
  try {
    return shellOptions({
      env: process.env,
      isPackaged: app.isPackaged,
      userDataDir: app.getPath('userData'),
      cwd: process.cwd(),
    })
  } catch (error) {
    if (!(error instanceof ShellOptionsError)) throw error
    dialog.showErrorBox('paracord could not start', error.message)
    app.exit(2)
    throw error
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

async function start(
  dataDir: string,
  serverUrl: string | null,
  origin: ReturnType<typeof appOrigin>,
  deepLinks: DeepLinkInbox,
): Promise<void> {
  const appDir = app.getAppPath()
  const development = origin.kind === 'dev'

  // 3. The session: app:// serving out/renderer, CSP, permission handlers.
  await hardenDefaultSession(origin, join(appDir, 'out/renderer'))

  // 4. The core here (it holds the keys), and a local server when none is configured in a
  //    utility process of its own (its disk work never delays this event loop), observed for
  //    the shell.
  const backend: LocalBackend = await startLocalBackend({
    dataDir,
    serverUrl,
    createCore: (core) => createParacordCore(core),
    launchBackend: utilityProcessBackend(join(appDir, 'out/main/embedded-backend.js')),
    onError: (what, error) => {
      logError(what, error)
      // Restarted once quietly (the log says why); the second crash needs the person.
      if (error instanceof EmbeddedBackendError && !error.restarting) {
        dialog.showErrorBox('paracord’s local server stopped', error.message)
      }
    },
    onBackendOutput: (text) => process.stderr.write(text),
  })
  const state = new ShellState()
  const rememberMe = await createRememberMe(dataDir, logError)
  let window: BrowserWindow | null = null
  const getWindow = () => (window && !window.isDestroyed() ? window : null)
  const lockNow = () => {
    if (state.auth.status !== 'unlocked') return
    backend.core.lock({}).catch((error: unknown) => {
      if (!(error instanceof ParacordError)) logError('locking', error)
    })
  }

  const tray = createTrayIndicator({
    trayIconPath: join(appDir, 'resources/tray.png'),
    badgeIconPath: join(appDir, 'resources/badge.png'),
    state,
    getWindow,
    lockNow,
  })
  const api = observeApi(
    backend.core,
    (report) => {
      state.applyCall(report)
      rememberMe.observe(report)
      tray.refresh()
    },
    (error) => logError('observing a call', error),
  )

  // 5. IPC: one handler per API method, each checking its sender.
  const unregister = registerApiHandlers(api, getWindow, origin)

  // 6. OS integration: menu, tray and badge, notifications, lock with the system, invites.
  const rebuildMenu = () =>
    installApplicationMenu({
      development,
      rememberMe: { available: rememberMe.support.available, checked: rememberMe.enabled },
      actions: {
        lockNow,
        toggleRememberMe: (checked) => {
          void rememberMe.setEnabled(checked).then(rebuildMenu)
        },
      },
    })
  rebuildMenu()
  const invites = createInviteFlow(
    api,
    state,
    getWindow,
    async () => {
      const { accounts } = await backend.core.getBackendOptions({})
      const choice = accounts.find((account) => account.current)?.backend
      if (choice === undefined) return { kind: 'unknown' }
      return choice.kind === 'address' ? { kind: 'remote', url: choice.url } : { kind: 'local' }
    },
    logError,
  )
  state.applyAuth(await backend.core.getAuthState({}))
  backend.core.on('authChanged', (auth) => {
    state.applyAuth(auth)
    tray.refresh()
    if (auth.status === 'unlocked') void refreshSessionFacts()
    // Unlocked: ask about the invites that waited; signed out: hand one to the sign-in screens.
    if (auth.status !== 'locked') invites.resume()
  })
  backend.core.on('serversChanged', (servers) => {
    state.applyServers(servers)
    tray.refresh()
  })
  const refreshSessionFacts = async () => {
    try {
      state.applySettings(await backend.core.getSettings({}))
      state.applyDisplayName((await backend.core.getProfile({})).displayName)
      state.applyServers(await backend.core.listServers({}))
      tray.refresh()
    } catch (error) {
      if (!(error instanceof ParacordError)) logError('reading the session', error)
    }
  }
  const stopNotifications = startNotifications(backend.core, state, getWindow)
  const stopLockingWithSystem = lockWithSystem(lockNow, logError)
  const updates = createUpdates({
    mode: updateMode(buildFacts(app.isPackaged)),
    currentVersion: app.getVersion(),
    isInCall: async () => {
      try {
        return (await backend.core.getVoiceState({})).call !== null
      } catch (error) {
        if (error instanceof ParacordError) return false
        throw error
      }
    },
    onStatus: (status) => sendUpdateStatus(getWindow, status),
    onError: logError,
    log: (line) => console.log(`paracord: ${line}`),
  })
  const unregisterDesktop = registerDesktopHandlers(updates, invites, getWindow, origin)
  listenForDeepLinks(invites, deepLinks, () => {
    const current = getWindow()
    if (!current) return
    if (current.isMinimized()) current.restore()
    current.show()
    current.focus()
  })
  invites.offer(deepLinkFromArgv(process.argv))

  // 7. The window, registered before its page loads (the page's first calls are checked against
  //    it), then a remembered unlock, then whatever invites waited.
  window = await createMainWindow({
    origin,
    preloadPath: join(appDir, 'out/preload/index.cjs'),
    iconPath: join(appDir, 'resources/icon.png'),
    stateDir: app.getPath('userData'),
    development,
    onError: logError,
  })
  await loadAppPage(window, origin)
  await rememberMe.unlockAtLaunch(backend.core)
  invites.resume()
  updates.start()

  // 8. Quit: stop taking calls, then close the core and the local server.
  let quitting = false
  app.on('will-quit', (event) => {
    if (quitting) return
    quitting = true
    event.preventDefault()
    unregister()
    unregisterDesktop()
    updates.stop()
    stopLockingWithSystem()
    stopNotifications()
    tray.destroy()
    void backend.close().finally(() => app.quit())
  })
}
