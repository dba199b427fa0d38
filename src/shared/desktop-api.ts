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

export interface DesktopApi {
  getUpdateStatus(): Promise<UpdateStatus>
  restartToUpdate(): Promise<RestartOutcome>
  onUpdateStatus(listener: (status: UpdateStatus) => void): () => void
}

export const DESKTOP_INVOKE_CHANNELS = {
  getUpdateStatus: 'paracord-desktop:getUpdateStatus',
  restartToUpdate: 'paracord-desktop:restartToUpdate',
} as const satisfies Record<Exclude<keyof DesktopApi, 'onUpdateStatus'>, string>

export const DESKTOP_EVENT_CHANNEL = 'paracord-desktop:event'

export interface DesktopEventMessage {
  readonly event: 'updateStatus'
  readonly payload: UpdateStatus
}
