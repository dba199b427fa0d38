// paracord://invite/... links: registered with the system, taken from the first launch's
// arguments, from what a second launch hands over, and from macOS's open-url (listened to
// before `ready`, so the link that launched the app is not lost). Each opens a join
// confirmation, Cancel by default, in the running window once the user is unlocked; joining
// goes through the core's joinByInvite like the in-app join dialog.
import { resolve } from 'node:path'
import { app, dialog, type BrowserWindow } from 'electron'
import { ParacordError, type ParacordApi } from '../shared/api'
import {
  DEEP_LINK_SCHEME,
  PendingDeepLinks,
  deepLinkFromArgv,
  inviteConfirmDialog,
  parseDeepLink,
  type DeepLink,
  type DeepLinkInbox,
  type InviteBackend,
} from './policy/deep-link'
import type { ShellState } from './policy/shell-state'

/** Registers paracord:// with the system; from a source checkout, for this checkout. */
export function registerDeepLinkScheme(): void {
  if (process.defaultApp && process.argv[1] !== undefined) {
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, process.execPath, [resolve(process.argv[1])])
  } else {
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME)
  }
}

export interface InviteFlow {
  /** A link from anywhere (argv, a second instance, open-url). */
  offer(link: DeepLink | null): void
  /** The window is up, or the user unlocked: ask about what waits. */
  resume(): void
}

export function createInviteFlow(
  api: ParacordApi,
  state: ShellState,
  getWindow: () => BrowserWindow | null,
  /** The signed-in account's server, asked when a link arrives. */
  accountBackend: () => Promise<InviteBackend>,
  onError: (what: string, error: unknown) => void,
): InviteFlow {
  const pending = new PendingDeepLinks()
  let asking = false

  const ask = async (window: BrowserWindow, link: DeepLink) => {
    const question = inviteConfirmDialog(link, await accountBackend())
    const { response } = await dialog.showMessageBox(window, {
      type: question.type,
      title: question.title,
      message: question.message,
      detail: question.detail,
      buttons: [...question.buttons],
      defaultId: question.defaultId,
      cancelId: question.cancelId,
      noLink: true,
    })
    if (response !== question.joinButton) return
    try {
      const server = await api.joinByInvite({ invite: link.link })
      await dialog.showMessageBox(window, { type: 'info', message: `You joined ${server.name}.` })
    } catch (error) {
      const message = error instanceof ParacordError ? error.message : 'The invite did not work.'
      if (!(error instanceof ParacordError)) onError('joining by invite', error)
      await dialog.showMessageBox(window, {
        type: 'warning',
        message: 'Could not join',
        detail: message,
      })
    }
  }

  const resume = () => {
    const window = getWindow()
    if (asking || window === null || pending.size === 0) return
    if (window.isMinimized()) window.restore()
    window.show()
    window.focus()
    // Locked or signed out: the links wait for the unlock (see index.ts).
    if (state.auth.status !== 'unlocked') return
    asking = true
    void (async () => {
      for (const link of pending.takeAll()) await ask(window, link)
    })()
      .catch((error: unknown) => onError('the invite dialog', error))
      .finally(() => {
        asking = false
      })
  }

  return {
    offer(link) {
      if (link !== null) pending.offer(link)
      resume()
    },
    resume,
  }
}

/** Before `ready`: macOS's open-url, into an inbox the flow empties once it exists. */
export function listenForOpenUrl(inbox: DeepLinkInbox): void {
  app.on('open-url', (event, url) => {
    event.preventDefault()
    inbox.offer(parseDeepLink(url))
  })
}

/** The second launch's arguments reach the first instance here; open-url links via the inbox. */
export function listenForDeepLinks(
  flow: InviteFlow,
  inbox: DeepLinkInbox,
  focus: () => void,
): void {
  app.on('second-instance', (_event, argv) => {
    focus()
    flow.offer(deepLinkFromArgv(argv))
  })
  inbox.connect((link) => flow.offer(link))
}
