// Applies the pure policies in policy/ to Electron: the privileged app:// scheme serving the
// built renderer, the Content-Security-Policy header on every page response, the permission
// handlers, and the navigation guards on every webContents the app ever creates.
import {
  app,
  BrowserWindow,
  dialog,
  protocol,
  session,
  shell,
  type MessageBoxOptions,
  type WebContents,
} from 'electron'
import type { AppOrigin } from './ipc-policy'
import { APP_SCHEME, isAppUrl } from './policy/app-origin'
import { createAppProtocolHandler } from './policy/app-protocol'
import { withSecurityHeaders, type CspMode } from './policy/csp'
import {
  confirmExternalDialog,
  navigationDecision,
  windowOpenDecision,
  type NavigationDecision,
} from './policy/navigation'
import { permissionCheckDecision, permissionRequestDecision } from './policy/permissions'

/** Before `ready`: app:// is a standard, secure origin with fetch and CORS, like https. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
    },
  ])
}

export async function hardenDefaultSession(origin: AppOrigin, rendererDir: string): Promise<void> {
  const ses = session.defaultSession
  const mode: CspMode = origin.kind === 'dev' ? 'dev' : 'packaged'

  if (origin.kind === 'file') {
    const handler = await createAppProtocolHandler(rendererDir)
    protocol.handle(APP_SCHEME, handler)
  }

  // Responses from the dev server carry the same policy; app:// responses set it themselves.
  ses.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppUrl(details.url, origin)) return callback({})
    callback({ responseHeaders: withSecurityHeaders(details.responseHeaders ?? {}, mode) })
  })

  ses.setPermissionRequestHandler((contents, permission, callback, details) => {
    callback(
      permissionRequestDecision(
        {
          permission,
          requestingUrl: details.requestingUrl,
          isMainFrame: details.isMainFrame,
          mediaTypes: 'mediaTypes' in details ? (details.mediaTypes ?? []) : [],
        },
        origin,
      ),
    )
  })
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    permissionCheckDecision(
      {
        permission,
        requestingOrigin,
        isMainFrame: details.isMainFrame,
        ...(details.mediaType ? { mediaType: details.mediaType } : {}),
      },
      origin,
    ),
  )
  // No USB, HID, serial or Bluetooth device is ever handed to the page.
  ses.setDevicePermissionHandler(() => false)
  ses.on('select-hid-device', (event, _details, callback) => {
    event.preventDefault()
    callback('')
  })
  ses.on('select-serial-port', (event, _ports, _contents, callback) => {
    event.preventDefault()
    callback('')
  })
  ses.on('select-usb-device', (event, _details, callback) => {
    event.preventDefault()
    callback()
  })
  // Downloads are not a feature: nothing is written to disk on the page's behalf.
  ses.on('will-download', (event) => event.preventDefault())
}

/** Every webContents, present and future: no navigation away, no new windows, no webviews. */
export function guardAllWebContents(origin: AppOrigin): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, origin))
}

function guardWebContents(contents: WebContents, origin: AppOrigin): void {
  contents.on('will-navigate', (event, url) => {
    const decision = navigationDecision(url, origin)
    if (decision.action === 'allow') return
    event.preventDefault()
    void offerExternally(contents, decision)
  })
  // Subframes (the app has none of its own) may not load anything but the app either.
  contents.on('will-frame-navigate', (details) => {
    if (details.isMainFrame) return
    if (navigationDecision(details.url, origin).action !== 'allow') details.preventDefault()
  })
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, origin)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    void offerExternally(contents, windowOpenDecision(url))
    return { action: 'deny' }
  })
}

async function offerExternally(contents: WebContents, decision: NavigationDecision) {
  if (decision.action !== 'confirm-external') return
  const ask = confirmExternalDialog(decision.url)
  const options: MessageBoxOptions = {
    type: ask.type,
    title: ask.title,
    message: ask.message,
    detail: ask.detail,
    buttons: [...ask.buttons],
    defaultId: ask.defaultId,
    cancelId: ask.cancelId,
    noLink: true,
  }
  const parent = BrowserWindow.fromWebContents(contents)
  const { response } = await (parent
    ? dialog.showMessageBox(parent, options)
    : dialog.showMessageBox(options))
  if (response === ask.openButton && !contents.isDestroyed()) await shell.openExternal(decision.url)
}
