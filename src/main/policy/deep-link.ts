// paracord:// links, which reach the app three ways: as a command-line argument of the first
// launch (Windows, Linux), as the argv a second launch hands over to the running instance
// (Windows, Linux), and as macOS's open-url event. Only one shape is accepted,
// paracord://invite/CODE, where CODE is the invite's base64url secret; anything else that
// arrives on the command line is ignored, so a crafted link cannot smuggle in switches.

export const DEEP_LINK_SCHEME = 'paracord'

export interface InviteDeepLink {
  readonly kind: 'invite'
  /** Normalised to the form joinByInvite accepts: paracord://invite/CODE. */
  readonly link: string
}

export type DeepLink = InviteDeepLink

const INVITE_CODE = /^[A-Za-z0-9_-]{16,128}$/
/** The longest argument looked at: joinByInvite takes at most 512 characters. */
const MAX_LINK_LENGTH = 512

/** A paracord:// URL → what it asks for; null for anything else. */
export function parseDeepLink(text: string): DeepLink | null {
  if (text.length > MAX_LINK_LENGTH) return null
  let url: URL
  try {
    url = new URL(text.trim())
  } catch {
    return null
  }
  if (url.protocol !== `${DEEP_LINK_SCHEME}:`) return null
  if (url.username !== '' || url.password !== '' || url.port !== '') return null
  if (url.host.toLowerCase() !== 'invite' || url.search !== '' || url.hash !== '') return null
  const code = url.pathname.replace(/^\//, '').replace(/\/$/, '')
  if (!INVITE_CODE.test(code)) return null
  return { kind: 'invite', link: `${DEEP_LINK_SCHEME}://invite/${code}` }
}

/**
 * The deep link in a process's arguments (the first launch's process.argv, or what a second
 * launch hands over): the first argument that parses as one. Switches (anything starting with
 * "-") are never read as links, and the executable and script paths never parse as one.
 */
export function deepLinkFromArgv(argv: readonly string[]): DeepLink | null {
  for (const argument of argv) {
    if (argument.startsWith('-')) continue
    const link = parseDeepLink(argument)
    if (link !== null) return link
  }
  return null
}

/**
 * Invites that arrived before the user could act on them (the app still starting, or locked):
 * kept in order, each link once, the oldest dropped past a small limit.
 */
export class PendingDeepLinks {
  private readonly links: DeepLink[] = []

  constructor(private readonly limit = 5) {}

  offer(link: DeepLink): void {
    if (this.links.some((pending) => pending.link === link.link)) return
    this.links.push(link)
    if (this.links.length > this.limit) this.links.shift()
  }

  /** Removes and returns every pending link, oldest first. */
  takeAll(): DeepLink[] {
    return this.links.splice(0)
  }

  get size(): number {
    return this.links.length
  }
}
