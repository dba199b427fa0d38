// Which frames may call the API over IPC: only the app's own top-level page, loaded from the
// packaged files (or, in development, from electron-vite's dev server). Kept free of electron
// so it is tested in Node.

export interface SenderFacts {
  /** The URL of the frame that sent the message. */
  readonly frameUrl: string
  /** Whether that frame is the top-level frame of its page. */
  readonly isMainFrame: boolean
  /** The id of the sending webContents, and of the app's window. */
  readonly webContentsId: number
  readonly appWebContentsId: number | null
}

/** Where the app's page comes from: the packaged index.html, or the dev server's origin. */
export type AppOrigin =
  | { readonly kind: 'file'; readonly indexUrl: string }
  | { readonly kind: 'dev'; readonly origin: string }

export function isTrustedSender(sender: SenderFacts, app: AppOrigin): boolean {
  if (!sender.isMainFrame) return false
  if (sender.appWebContentsId === null || sender.webContentsId !== sender.appWebContentsId)
    return false
  let url: URL
  try {
    url = new URL(sender.frameUrl)
  } catch {
    return false
  }
  if (app.kind === 'dev') return url.origin === app.origin
  const expected = new URL(app.indexUrl)
  return (
    url.protocol === expected.protocol &&
    url.host === expected.host &&
    url.pathname === expected.pathname
  )
}
