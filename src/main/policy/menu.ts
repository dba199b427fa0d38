// The native application menu: the usual roles (so copy, paste, undo, zoom, full screen and
// quit work with the platform's own shortcuts), plus Lock. Developer tools and reload exist
// only in development: a packaged app has no way to open a console into the page.
// Plain objects in Electron's MenuItemConstructorOptions shape, built without Electron.

export type MenuRole =
  | 'about'
  | 'services'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'quit'
  | 'close'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'pasteAndMatchStyle'
  | 'delete'
  | 'selectAll'
  | 'reload'
  | 'forceReload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'minimize'
  | 'zoom'
  | 'front'
  | 'appMenu'
  | 'fileMenu'
  | 'editMenu'
  | 'viewMenu'
  | 'windowMenu'

export interface MenuItemSpec {
  readonly label?: string
  readonly role?: MenuRole
  readonly type?: 'separator' | 'checkbox'
  readonly accelerator?: string
  readonly enabled?: boolean
  readonly checked?: boolean
  readonly click?: () => void
  readonly submenu?: readonly MenuItemSpec[]
}

export interface MenuOptions {
  readonly platform: NodeJS.Platform
  readonly appName: string
  readonly development: boolean
  readonly rememberMe: { readonly available: boolean; readonly checked: boolean }
  readonly actions: {
    readonly lockNow: () => void
    readonly toggleRememberMe: (checked: boolean) => void
  }
}

export const LOCK_ACCELERATOR = 'CmdOrCtrl+Shift+L'

const separator: MenuItemSpec = { type: 'separator' }
const role = (name: MenuRole): MenuItemSpec => ({ role: name })

export function applicationMenu(options: MenuOptions): MenuItemSpec[] {
  const mac = options.platform === 'darwin'
  const { rememberMe, actions } = options
  const account: MenuItemSpec[] = [
    { label: 'Lock paracord', accelerator: LOCK_ACCELERATOR, click: actions.lockNow },
    {
      label: rememberMe.available
        ? 'Remember me on this device'
        : 'Remember me (needs a system keyring)',
      type: 'checkbox',
      enabled: rememberMe.available,
      checked: rememberMe.available && rememberMe.checked,
      click: () => actions.toggleRememberMe(!rememberMe.checked),
    },
  ]

  return [
    ...(mac
      ? [
          {
            label: options.appName,
            submenu: [
              role('about'),
              separator,
              ...account,
              separator,
              role('services'),
              separator,
              role('hide'),
              role('hideOthers'),
              role('unhide'),
              separator,
              role('quit'),
            ],
          },
        ]
      : []),
    {
      label: 'File',
      submenu: mac ? [role('close')] : [...account, separator, role('quit')],
    },
    {
      label: 'Edit',
      submenu: [
        role('undo'),
        role('redo'),
        separator,
        role('cut'),
        role('copy'),
        role('paste'),
        ...(mac ? [role('pasteAndMatchStyle')] : []),
        role('delete'),
        separator,
        role('selectAll'),
      ],
    },
    {
      label: 'View',
      submenu: [
        ...(options.development
          ? [role('reload'), role('forceReload'), role('toggleDevTools'), separator]
          : []),
        role('resetZoom'),
        role('zoomIn'),
        role('zoomOut'),
        separator,
        role('togglefullscreen'),
      ],
    },
    {
      label: 'Window',
      submenu: mac
        ? [role('minimize'), role('zoom'), separator, role('front')]
        : [role('minimize'), role('close')],
    },
  ]
}
