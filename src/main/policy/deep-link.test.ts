import { describe, expect, it } from 'vitest'
import {
  DeepLinkInbox,
  deepLinkFromArgv,
  inviteConfirmDialog,
  parseDeepLink,
  PendingDeepLinks,
} from './deep-link'

const CODE = '0123456789abcdefghjkmnpqrs'
const LINK = `paracord://invite/${CODE}`
const SERVER = 'https://chat.example.org:8443'
const SERVER_LINK = `${LINK}?server=${encodeURIComponent(SERVER)}`
const invite = (link: string, server: string | null = null) => ({
  kind: 'invite' as const,
  link,
  server,
})

describe('parseDeepLink', () => {
  it('reads an invite link, with or without a trailing slash or upper case', () => {
    expect(parseDeepLink(LINK)).toEqual(invite(LINK))
    expect(parseDeepLink(`${LINK}/`)).toEqual(invite(LINK))
    expect(parseDeepLink(`PARACORD://INVITE/${CODE.toUpperCase()}`)).toEqual(invite(LINK))
    expect(parseDeepLink(`  ${LINK}\n`)).toEqual(invite(LINK))
  })

  it('reads the server a link names, and writes the link in one form', () => {
    expect(parseDeepLink(SERVER_LINK)).toEqual(invite(SERVER_LINK, SERVER))
    expect(parseDeepLink(`${LINK}/?server=${SERVER}`)).toEqual(invite(SERVER_LINK, SERVER))
    const underPath = 'http://192.168.1.20/paracord'
    expect(parseDeepLink(`${LINK}?server=${encodeURIComponent(underPath)}`)).toEqual(
      invite(`${LINK}?server=http%3A%2F%2F192.168.1.20%2Fparacord`, underPath),
    )
  })

  it('refuses anything that is not exactly an invite', () => {
    for (const text of [
      'https://example.com/invite/abc',
      // The web form and a bare code are invites, but not deep links.
      `https://chat.example.org/invite#${CODE}`,
      CODE,
      'paracord://join/' + CODE,
      'paracord://invite/',
      'paracord://invite/short',
      // The 43-character base64url codes of earlier versions.
      'paracord://invite/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd',
      `paracord://invite/${CODE.slice(1)}u`,
      `paracord:invite/${CODE}`,
      `paracord://invite/${CODE}?next=file:///etc`,
      `paracord://invite/${CODE}#x`,
      `paracord://user@invite/${CODE}`,
      `paracord://invite:99/${CODE}`,
      `paracord://invite/${CODE}/extra`,
      'paracord://invite/' + 'a'.repeat(600),
      'paracord://invite/has%20space' + CODE,
      '',
      'not a url',
    ]) {
      expect(parseDeepLink(text), text).toBeNull()
    }
  })

  it('refuses a server that is not a web address, and any other parameter', () => {
    for (const text of [
      `${LINK}?server=file%3A%2F%2F%2Fetc%2Fpasswd`,
      `${LINK}?server=file:///etc/passwd`,
      `${LINK}?server=javascript%3Aalert(1)`,
      `${LINK}?server=javascript:alert(1)//https://chat.example.org`,
      `${LINK}?server=`,
      `${LINK}?server=chat.example.org`,
      `${LINK}?server=${encodeURIComponent('https://chat.example.org/#x')}`,
      `${SERVER_LINK}&next=file:///etc`,
      `${SERVER_LINK}&other=1`,
      `${LINK}?Server=${encodeURIComponent(SERVER)}`,
      `${LINK}?server=${encodeURIComponent(`https://chat.example.org/${'x'.repeat(500)}`)}`,
    ]) {
      expect(parseDeepLink(text), text).toBeNull()
    }
  })
})

describe('deepLinkFromArgv (first launch and second-instance hand-over)', () => {
  it('finds the link among the executable, script and Chromium switches', () => {
    expect(
      deepLinkFromArgv([
        '/opt/paracord/paracord',
        '--no-sandbox',
        '--allow-file-access-from-files',
        SERVER_LINK,
      ]),
    ).toEqual(invite(SERVER_LINK, SERVER))
    expect(deepLinkFromArgv(['C:\\Program Files\\paracord\\paracord.exe', `${LINK}/`])).toEqual(
      invite(LINK),
    )
  })

  it('finds nothing in a plain launch or among bad links, and never reads a switch as one', () => {
    expect(deepLinkFromArgv(['/usr/bin/electron', '.'])).toBeNull()
    expect(deepLinkFromArgv(['app', 'paracord://evil/x', `--x=${LINK}`, `-${LINK}`])).toBeNull()
    // A bare code is an invite, not a link: the command line does not join by it.
    expect(deepLinkFromArgv(['app', CODE])).toBeNull()
    expect(deepLinkFromArgv([])).toBeNull()
  })
})

describe('PendingDeepLinks', () => {
  it('keeps links in order, each once, and drops the oldest past its limit', () => {
    const pending = new PendingDeepLinks(2)
    const link = (n: number) => invite(`paracord://invite/${CODE.slice(0, -1)}${n}`)
    pending.offer(link(1))
    pending.offer(link(1))
    expect(pending.size).toBe(1)
    pending.offer(link(2))
    pending.offer(link(3))
    expect(pending.takeAll()).toEqual([link(2), link(3)])
    expect(pending.takeAll()).toEqual([])
  })
})

describe('DeepLinkInbox', () => {
  it('keeps links that arrive before the flow connects, then passes the rest straight on', () => {
    const inbox = new DeepLinkInbox()
    const second = parseDeepLink(`paracord://invite/${'b'.repeat(26)}`)
    inbox.offer(parseDeepLink(LINK))
    inbox.offer(null)
    inbox.offer(parseDeepLink(LINK))
    const delivered: string[] = []
    inbox.connect((link) => delivered.push(link.link))
    expect(delivered).toEqual([LINK])
    inbox.offer(second)
    expect(delivered).toEqual([LINK, second?.link])
  })
})

describe('inviteConfirmDialog', () => {
  const link = parseDeepLink(LINK)!
  const linkWithServer = parseDeepLink(SERVER_LINK)!

  it('defaults to Cancel, which is also the Escape answer', () => {
    for (const dialog of [
      inviteConfirmDialog(link, { kind: 'local' }),
      inviteConfirmDialog(linkWithServer, { kind: 'remote', url: SERVER }),
    ]) {
      expect(dialog.defaultId).toBe(dialog.cancelId)
      expect(dialog.buttons[dialog.defaultId]).toBe('Cancel')
      expect(dialog.buttons[dialog.joinButton]).toBe('Join')
      expect(dialog.joinButton).not.toBe(dialog.defaultId)
    }
  })

  it('shows the code shortened, never whole', () => {
    for (const shown of [link, linkWithServer]) {
      const { detail } = inviteConfirmDialog(shown, { kind: 'local' })
      expect(detail).toContain('The link: paracord://invite/012345…pqrs\n')
      expect(detail).not.toContain(CODE)
    }
  })

  it('names the server a link names, by its host', () => {
    const { detail } = inviteConfirmDialog(
      parseDeepLink(`${LINK}?server=${encodeURIComponent('https://Example.org/paracord')}`)!,
      { kind: 'remote', url: 'https://example.org/paracord' },
    )
    expect(detail).toContain('It is an invite to the paracord server at example.org.')
    expect(detail).not.toContain('only an invite code')
    expect(inviteConfirmDialog(linkWithServer, { kind: 'local' }).detail).toContain(
      'It is an invite to the paracord server at chat.example.org:8443.',
    )
  })

  it('says a link without a server holds only a code', () => {
    const { detail } = inviteConfirmDialog(link, { kind: 'local' })
    expect(detail).toContain('It holds only an invite code: it does not name its server')
    expect(detail).not.toContain('It is an invite to')
  })

  it('says through which server it would be joined: the account’s', () => {
    expect(inviteConfirmDialog(linkWithServer, { kind: 'local' }).detail).toContain(
      'joined through your account’s server, paracord’s local server on this computer.',
    )
    expect(
      inviteConfirmDialog(link, { kind: 'remote', url: 'https://other.example:444' }).detail,
    ).toContain('joined through your account’s server, the paracord server at other.example:444.')
    expect(inviteConfirmDialog(linkWithServer, { kind: 'unknown' }).detail).toContain(
      'joined through the server your account lives on.',
    )
  })
})
