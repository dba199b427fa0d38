// The shapes an invite travels in (docs/KEYS.md, "Invite codes and links"), read the same way by
// the core, the desktop shell and the sign-in screens. No crypto here: the code's keys are the
// core's business (core/servers/invite-codec.ts).
//
// - The code: 26 characters of lowercase base32 (130 bits), never starting with "-", so no
//   command line takes it for an option.
// - The web link `https://HOST/invite#CODE`: the fragment never reaches any server, and the
//   backend's page at that path hands over to the app.
// - The app link `paracord://invite/CODE?server=URL`, which the desktop app registers for.

/** Crockford's base32 alphabet in lower case: no i, l, o or u to misread. */
export const INVITE_CODE_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'
export const INVITE_CODE_LENGTH = 26
const CODE_PATTERN = new RegExp(`^[${INVITE_CODE_ALPHABET}]{${INVITE_CODE_LENGTH}}$`)
export const INVITE_APP_PREFIX = 'paracord://invite/'
/** The path of the backend's invite page, after the server's address. */
export const INVITE_WEB_PATH = '/invite'
/** Longer than any link worth reading (the API takes at most 512 characters). */
const MAX_TEXT = 512

export interface InviteText {
  /** Lower case, as the keys derive from it. */
  readonly code: string
  /** The server the link names, as written in it; null for a bare code. */
  readonly server: string | null
}

/** The web form, which works for someone without the app; the bare code without a server. */
export const inviteLink = (code: string, server: string | null): string =>
  server === null ? code : `${server}${INVITE_WEB_PATH}#${code}`

/** The app's own form. */
export const inviteAppLink = (code: string, server: string | null): string =>
  INVITE_APP_PREFIX + code + (server === null ? '' : `?server=${encodeURIComponent(server)}`)

/**
 * A code, an app link or a web link → its code and the server it names; null when it is none of
 * them. Codes are read without regard to case or surrounding space.
 */
export function readInviteText(text: string): InviteText | null {
  if (text.length > MAX_TEXT) return null
  const found = split(text.trim())
  if (found === null) return null
  const code = found.code.toLowerCase()
  return CODE_PATTERN.test(code) ? { code, server: found.server } : null
}

function split(text: string): { code: string; server: string | null } | null {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(text)) return { code: text, server: null }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return null
  }
  if (url.username !== '' || url.password !== '') return null
  if (url.protocol === 'paracord:') {
    if (url.host.toLowerCase() !== 'invite' || url.port !== '' || url.hash !== '') return null
    if ([...url.searchParams.keys()].some((key) => key !== 'server')) return null
    if (url.searchParams.getAll('server').length > 1) return null
    const server = url.searchParams.get('server')
    if (server !== null && !isWebAddress(server)) return null
    return { code: url.pathname.replace(/^\/|\/$/g, ''), server }
  }
  if (url.protocol === 'https:' || url.protocol === 'http:') {
    const path = url.pathname.replace(/\/$/, '')
    if (!path.endsWith(INVITE_WEB_PATH) || url.search !== '') return null
    return {
      code: url.hash.replace(/^#/, ''),
      server: url.origin + path.slice(0, -INVITE_WEB_PATH.length),
    }
  }
  return null
}

function isWebAddress(text: string): boolean {
  try {
    const url = new URL(text)
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hash === ''
  } catch {
    return false
  }
}
