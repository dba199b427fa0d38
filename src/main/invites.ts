// paracord://invite/... links: registered with the system, taken from the first launch's
// arguments, from what a second launch hands over, and from macOS's open-url (listened to
// before `ready`, so the link that launched the app is not lost). policy/invite-queue.ts decides
// what happens to each: a join confirmation, Cancel by default, once the user is unlocked
// (joining goes through the core's joinByInvite like the in-app join dialog), or, while nobody
// is signed in, a hand-over to the sign-in screens through the desktop IPC.
import { resolve } from 'node:path'
import { app, dialog, type BrowserWindow } from 'electron'
import { ParacordError, type ParacordApi } from '../shared/api'
import type { OpenedInvite } from '../shared/desktop-api'
import { sendInviteOpened } from './desktop-ipc'
import {
  DEEP_LINK_SCHEME,
  deepLinkFromArgv,
  inviteConfirmDialog,
  parseDeepLink,
  type DeepLink,
  type DeepLinkInbox,
  type InviteBackend,
} from './policy/deep-link'
import { InviteQueue } from './policy/invite-queue'
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
  /** The window is up, or who is signed in changed: act on what waits. */
  resume(): void
  /** For the page: the invite handed to the sign-in screens, once (then null). */
  takeOpened(): OpenedInvite | null
}

export function createInviteFlow(
  api: ParacordApi,
  state: ShellState,
  getWindow: () => BrowserWindow | null,
  /** The signed-in account's server, asked when a link arrives. */
  accountBackend: () => Promise<InviteBackend>,
  onError: (what: string, error: unknown) => void,
): InviteFlow {
  const queue = new InviteQueue()
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

  const resume = (): void => {
    const window = getWindow()
    if (asking || window === null) return
    const step = queue.next(state.auth.status)
    if (step.kind === 'none') return
    if (window.isMinimized()) window.restore()
    window.show()
    window.focus()
    if (step.kind === 'hand_over') sendInviteOpened(getWindow)
    if (step.kind !== 'ask') return
    // One dialog at a time; whatever arrived meanwhile is decided afresh once it is answered.
    asking = true
    void ask(window, step.link)
      .catch((error: unknown) => onError('the invite dialog', error))
      .finally(() => {
        asking = false
        resume()
      })
  }

  return {
    offer(link) {
      if (link !== null) queue.offer(link)
      resume()
    },
    resume,
    takeOpened: () => queue.takeOpened(),
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
