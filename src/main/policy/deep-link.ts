// paracord:// links, which reach the app three ways: as a command-line argument of the first
// launch (Windows, Linux), as the argv a second launch hands over to the running instance
// (Windows, Linux), and as macOS's open-url event. Only one shape is accepted, the app's invite
// link paracord://invite/CODE with an optional ?server=ADDRESS, read by the same grammar as
// every other invite (shared/invite-link.ts); anything else that arrives on the command line is
// ignored, so a crafted link cannot smuggle in switches.
import { INVITE_APP_PREFIX, inviteAppLink, readInviteText } from '../../shared/invite-link'

export const DEEP_LINK_SCHEME = 'paracord'

export interface InviteDeepLink {
  readonly kind: 'invite'
  /** Normalised to the form joinByInvite accepts: paracord://invite/CODE[?server=ADDRESS]. */
  readonly link: string
  /** The server the link names (an http(s) address, as written in it); null when it names none. */
  readonly server: string | null
}

export type DeepLink = InviteDeepLink

/** The longest argument looked at: joinByInvite takes at most 512 characters. */
const MAX_LINK_LENGTH = 512

/** A paracord:// URL → what it asks for; null for anything else, a bare code included. */
export function parseDeepLink(text: string): DeepLink | null {
  if (text.length > MAX_LINK_LENGTH) return null
  const trimmed = text.trim()
  if (!trimmed.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}:`)) return null
  const found = readInviteText(trimmed)
  if (found === null) return null
  return { kind: 'invite', link: inviteAppLink(found.code, found.server), server: found.server }
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

  /** Removes and returns the oldest pending link. */
  takeOldest(): DeepLink | undefined {
    return this.links.shift()
  }

  get size(): number {
    return this.links.length
  }
}

/**
 * Links that arrive before the invite flow exists. macOS delivers the link that launched the
 * app as `open-url` during launch, before `ready`, so the listener is registered first thing
 * and its links wait here until the flow connects; after that they go straight through.
 */
export class DeepLinkInbox {
  private readonly early = new PendingDeepLinks()
  private deliver: ((link: DeepLink) => void) | null = null

  offer(link: DeepLink | null): void {
    if (link === null) return
    if (this.deliver === null) this.early.offer(link)
    else this.deliver(link)
  }

  connect(deliver: (link: DeepLink) => void): void {
    this.deliver = deliver
    for (const link of this.early.takeAll()) deliver(link)
  }
}

/** Through which backend an invite would be looked up and joined: the account's own. */
export type InviteBackend =
  | { readonly kind: 'local' }
  | { readonly kind: 'remote'; readonly url: string }
  | { readonly kind: 'unknown' }

export interface InviteConfirmDialog {
  readonly type: 'question'
  readonly title: string
  readonly message: string
  readonly detail: string
  readonly buttons: readonly string[]
  /** Index of the Join button; Cancel is the default and the Escape answer. */
  readonly joinButton: number
  readonly defaultId: number
  readonly cancelId: number
}

/** The invite's code as shown: enough to compare with what was sent, not the whole secret. */
function codeShown(link: InviteDeepLink): string {
  const code = link.link.slice(INVITE_APP_PREFIX.length).split('?')[0] ?? ''
  return `${INVITE_APP_PREFIX}${code.slice(0, 6)}…${code.slice(-4)}`
}

/** What the link says about where it leads: its server's host, or that it names none. */
function serverNamed(link: InviteDeepLink): string {
  if (link.server === null)
    return 'It holds only an invite code: it does not name its server, nor say who sent it.'
  return (
    `It is an invite to the paracord server at ${new URL(link.server).host}. ` +
    'It does not say who sent it.'
  )
}

/**
 * The question asked before joining by a link from outside the app. It says everything the
 * link says (its code, shortened, and the server it names, if any) and through which backend it
 * would be joined: the account's own, which refuses a link naming another server. The server's
 * own name is learnt only by joining.
 */
export function inviteConfirmDialog(
  link: InviteDeepLink,
  backend: InviteBackend,
): InviteConfirmDialog {
  const where =
    backend.kind === 'local'
      ? 'your account’s server, paracord’s local server on this computer'
      : backend.kind === 'remote'
        ? `your account’s server, the paracord server at ${new URL(backend.url).host}`
        : 'the server your account lives on'
  return {
    type: 'question',
    title: 'Join a server',
    message: 'Join a server with this invite link?',
    detail:
      `The link: ${codeShown(link)}\n` +
      `${serverNamed(link)} paracord learns the server’s name only by joining.\n` +
      `It would be joined through ${where}.\n\n` +
      'Join only if the link came from someone you trust: the server’s members will see you join.',
    buttons: ['Cancel', 'Join'],
    joinButton: 1,
    defaultId: 0,
    cancelId: 0,
  }
}
