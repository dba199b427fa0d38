// The desktop shell's own contract with the page, beside ParacordApi (which the core
// implements): what the updater has to say and the "restart to update" request. Exposed by the
// preload as window.paracordDesktop; absent in a browser. No runtime dependencies, so the
// sandboxed preload can import it.

export type UpdateStatus =
  /** Nothing to offer: up to date, not checked yet, or updates are off for this build. */
  | { readonly state: 'none' }
  /** A newer version exists but this copy cannot install it itself (see policy/updates.ts). */
  | { readonly state: 'available'; readonly version: string }
  /** A newer, verified version is downloaded: "Restart to update". */
  | { readonly state: 'ready'; readonly version: string }

export type RestartOutcome =
  /** The app is quitting to install. */
  | 'restarting'
  /** Refused: a voice call is on; the update waits until it ends. */
  | 'in_call'
  /** Nothing is downloaded to install. */
  | 'nothing_to_install'

/**
 * An invite link opened from outside the app (paracord://invite/CODE?server=URL) while no one is
 * signed in: the sign-in screens show it, with its server filled in, and join once signed in.
 */
export interface OpenedInvite {
  /** The link as the core's joinByInvite takes it. */
  readonly link: string
  /** The server it names; null for a link without one. */
  readonly server: string | null
}

export interface DesktopApi {
  getUpdateStatus(): Promise<UpdateStatus>
  restartToUpdate(): Promise<RestartOutcome>
  onUpdateStatus(listener: (status: UpdateStatus) => void): () => void
  /** The invite waiting for the sign-in screens, handed over once (then null). */
  takeOpenedInvite(): Promise<OpenedInvite | null>
  /** Told when an invite starts waiting; the page then calls takeOpenedInvite. */
  onInviteOpened(listener: () => void): () => void
}

export const DESKTOP_INVOKE_CHANNELS = {
  getUpdateStatus: 'paracord-desktop:getUpdateStatus',
  restartToUpdate: 'paracord-desktop:restartToUpdate',
  takeOpenedInvite: 'paracord-desktop:takeOpenedInvite',
} as const satisfies Record<Exclude<keyof DesktopApi, 'onUpdateStatus' | 'onInviteOpened'>, string>

export const DESKTOP_EVENT_CHANNEL = 'paracord-desktop:event'

export type DesktopEventMessage =
  | { readonly event: 'updateStatus'; readonly payload: UpdateStatus }
  | { readonly event: 'inviteOpened'; readonly payload: null }
