// Where the app's window may go: nowhere. The page is a single-page app, so any navigation
// away from its own index and every window.open is refused in the window. A web or mail link
// the user clicked is offered to the system browser, after a confirmation that shows exactly
// where it leads; everything else (file:, javascript:, custom schemes) is dropped. A mail link
// keeps only its addresses, subject and body.
import type { AppOrigin } from '../ipc-policy'
import { appStartUrl, isAppUrl } from './app-origin'

export type NavigationDecision =
  | { readonly action: 'allow' }
  | { readonly action: 'deny' }
  | { readonly action: 'confirm-external'; readonly url: string }

const EXTERNAL_PROTOCOLS = new Set(['http:', 'https:', 'mailto:'])

/** The link as it will be handed to the system browser, or null when it must not be. */
export function externalUrl(text: string): string | null {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return null
  }
  if (!EXTERNAL_PROTOCOLS.has(url.protocol)) return null
  // "https://bank.example@evil.example" shows one host and opens another.
  if (url.username !== '' || url.password !== '') return null
  if (url.protocol === 'mailto:') return plainMailto(url)
  if (url.hostname === '') return null
  return url.href
}

/** The mail fields a link may fill in; anything else (attach=, cc=, bcc=, …) is dropped. */
const MAILTO_FIELDS = ['subject', 'body'] as const

/**
 * A mailto: link reduced to its addresses, subject and body. Some mail programs honour
 * `attach=/home/you/.ssh/id_ed25519` and similar; the user only ever sees the address asked
 * about, so nothing else goes along.
 */
function plainMailto(url: URL): string | null {
  const to = url.pathname
  if (to === '' || to.includes('?')) return null
  // RFC 6068 percent-encodes and gives "+" no meaning, so URLSearchParams (which reads "+" as a
  // space) is not used; the first of each field counts.
  const found = new Map<string, string>()
  for (const pair of url.search.slice(1).split('&')) {
    const [name = '', ...rest] = pair.split('=')
    const field = MAILTO_FIELDS.find((known) => known === name.toLowerCase())
    if (field === undefined || found.has(field)) continue
    try {
      found.set(field, decodeURIComponent(rest.join('=')))
    } catch {
      return null
    }
  }
  const fields = MAILTO_FIELDS.filter((field) => found.has(field)).map(
    (field) => `${field}=${encodeURIComponent(found.get(field) ?? '')}`,
  )
  return `mailto:${to}${fields.length > 0 ? `?${fields.join('&')}` : ''}`
}

/** `will-navigate` and `will-frame-navigate`: only the app's own page may load in the window. */
export function navigationDecision(target: string, app: AppOrigin): NavigationDecision {
  if (isAppUrl(target, app) && samePage(target, appStartUrl(app))) return { action: 'allow' }
  return offerExternally(target)
}

/** `setWindowOpenHandler`: no new windows, ever. */
export function windowOpenDecision(target: string): NavigationDecision {
  return offerExternally(target)
}

function offerExternally(target: string): NavigationDecision {
  const url = externalUrl(target)
  return url === null ? { action: 'deny' } : { action: 'confirm-external', url }
}

function samePage(a: string, b: string): boolean {
  const left = new URL(a)
  const right = new URL(b)
  return left.pathname === right.pathname && left.search === right.search
}

export interface ConfirmDialog {
  readonly type: 'question'
  readonly title: string
  readonly message: string
  readonly detail: string
  readonly buttons: readonly string[]
  /** Index of the button that opens the link; Cancel is the default and the Escape answer. */
  readonly openButton: number
  readonly defaultId: number
  readonly cancelId: number
}

/** What the user is asked before a link leaves the app. */
export function confirmExternalDialog(url: string): ConfirmDialog {
  const parsed = new URL(url)
  const where = parsed.protocol === 'mailto:' ? parsed.pathname : parsed.host
  return {
    type: 'question',
    title: 'Open link',
    message: `Open ${where} in your browser?`,
    detail: `The link leads to:\n${url}\n\nIt leaves paracord; only open links you trust.`,
    buttons: ['Cancel', 'Open link'],
    openButton: 1,
    defaultId: 0,
    cancelId: 0,
  }
}
