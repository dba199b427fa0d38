// Where the app's own page lives. Built and packaged, it is served from the privileged custom
// scheme app://paracord/ (never http, never file://); under `electron-vite dev` from the dev
// server that electron-vite names in ELECTRON_RENDERER_URL.
import type { AppOrigin } from '../ipc-policy'

export const APP_SCHEME = 'app'
export const APP_HOST = 'paracord'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`

/** The app's origin for the IPC sender check: the dev server only when one is given. */
export function appOrigin(devServerUrl: string | null): AppOrigin {
  if (devServerUrl === null) return { kind: 'file', indexUrl: APP_INDEX_URL }
  return { kind: 'dev', origin: new URL(devServerUrl).origin }
}

/** The URL the window loads first. */
export function appStartUrl(app: AppOrigin): string {
  return app.kind === 'file' ? app.indexUrl : `${app.origin}/`
}

/** The scheme, host and port the app's page is served from, as `URL.origin` would give it. */
export function appOriginString(app: AppOrigin): string {
  // URL.origin is "null" for non-special schemes such as app:, so it is built by hand.
  const url = new URL(app.kind === 'file' ? app.indexUrl : app.origin)
  return `${url.protocol}//${url.host}`
}

/** Whether a URL belongs to the app's own origin (its page, scripts, styles). */
export function isAppUrl(text: string, app: AppOrigin): boolean {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return false
  }
  return `${url.protocol}//${url.host}` === appOriginString(app)
}
