// Invites opened from outside the app wait here until someone can act on them, and this decides
// who does, from who is signed in:
// - unlocked: the account is asked about each link in turn (the confirm dialog);
// - locked: they wait for the unlock;
// - signed out: there is no one to join as, so the newest link is handed to the sign-in screens
//   (older ones are dropped), which show it, fill in its server and join it once signed in. The
//   page is told, takes it once, and main does not ask about it again.
import type { AuthStatus } from '../../shared/api'
import type { OpenedInvite } from '../../shared/desktop-api'
import { PendingDeepLinks, type DeepLink } from './deep-link'

export type InviteStep =
  /** Nothing waits. */
  | { readonly kind: 'none' }
  /** Links wait for the unlock: the window comes forward so it can happen. */
  | { readonly kind: 'await_unlock' }
  /** Ask the unlocked account about this link. */
  | { readonly kind: 'ask'; readonly link: DeepLink }
  /** A link now waits for the sign-in screens: tell the page, which takes it with takeOpened. */
  | { readonly kind: 'hand_over' }

const NOTHING: InviteStep = { kind: 'none' }

export class InviteQueue {
  private readonly pending = new PendingDeepLinks()
  /** Handed over to the sign-in screens and not taken yet. */
  private opened: DeepLink | null = null

  offer(link: DeepLink): void {
    this.pending.offer(link)
  }

  /** What to do now; call again after an `ask` is answered, until it says `none`. */
  next(status: AuthStatus): InviteStep {
    switch (status) {
      case 'signed_out': {
        const newest = this.pending.takeAll().pop()
        if (newest === undefined) return NOTHING
        this.opened = newest
        return { kind: 'hand_over' }
      }
      case 'locked':
        return this.pending.size > 0 ? { kind: 'await_unlock' } : NOTHING
      case 'unlocked': {
        // Handed over but never taken: the page is not going to join it, so ask here, first.
        const link = this.opened ?? this.pending.takeOldest()
        this.opened = null
        return link === undefined ? NOTHING : { kind: 'ask', link }
      }
    }
  }

  /**
   * The invite waiting for the sign-in screens, once (then null). Only what the page needs
   * crosses: the normalised link and the server it names, both as parseDeepLink read them.
   */
  takeOpened(): OpenedInvite | null {
    const opened = this.opened
    this.opened = null
    return opened === null ? null : { link: opened.link, server: opened.server }
  }
}
