// An invite that arrives before anyone is signed in: pasted on the sign-in screens, or opened
// from outside the desktop app (window.paracordDesktop hands it over). Its server fills the
// form's server field; once the account is ready the invite is joined and its server opened,
// and if that fails the join dialog shows it with the reason, so nothing is lost.
import { create } from 'zustand'
import { readInviteText } from '../../../shared/invite-link'
import type { DesktopApi } from '../../../shared/desktop-api'
import { useAuth } from './auth'
import { openNewServer } from './navigation'
import { useServerChoice } from './server-choice'
import { useServers } from './servers'
import { useUi } from './ui'

export interface PendingInvite {
  /** As given: what joinByInvite takes. */
  readonly link: string
  /** The server the link names; null for a bare code. */
  readonly server: string | null
}

export interface InviteIntakeSlice {
  readonly pending: PendingInvite | null
  readonly joining: boolean
}

export interface InviteIntakeActions {
  /** Takes a pasted or opened invite; a reason in words when it is not one. */
  readonly offer: (text: string) => string | null
  readonly dismiss: () => void
  /** Signed in: joins the waiting invite, if any, and opens its server. */
  readonly joinPending: () => Promise<void>
}

export const useInviteIntake = create<InviteIntakeSlice & InviteIntakeActions>()((set, get) => ({
  pending: null,
  joining: false,
  offer: (text) => {
    const found = readInviteText(text)
    if (found === null)
      return 'This is not an invite link. It looks like https://chat.example.org/invite#… or a 26-letter code.'
    set({ pending: { link: text.trim(), server: found.server } })
    const screen = useAuth.getState().screen
    if (found.server !== null) useServerChoice.getState().openWithServer(found.server, screen)
    return null
  },
  dismiss: () => set({ pending: null }),
  joinPending: async () => {
    const pending = get().pending
    if (pending === null || get().joining) return
    set({ joining: true })
    const outcome = await useServers.getState().joinByInvite(pending.link)
    set({ pending: null, joining: false })
    if (outcome.ok) {
      await openNewServer(outcome.value.id)
    } else {
      useUi.getState().openDialog({ kind: 'addServer', invite: pending.link, error: outcome.error })
    }
  },
}))

/**
 * Follows the desktop shell's hand-over of invites opened while signed out; nothing in a
 * browser. Returns the unsubscribe.
 */
export function followOpenedInvites(desktop: DesktopApi | undefined): () => void {
  if (desktop === undefined) return () => undefined
  const take = () => {
    void desktop.takeOpenedInvite().then((invite) => {
      if (invite !== null) useInviteIntake.getState().offer(invite.link)
    })
  }
  const stop = desktop.onInviteOpened(take)
  take()
  return stop
}
