import { describe, expect, it } from 'vitest'
import {
  DeepLinkInbox,
  deepLinkFromArgv,
  inviteConfirmDialog,
  parseDeepLink,
  PendingDeepLinks,
} from './deep-link'

const CODE = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd'
const LINK = `paracord://invite/${CODE}`

describe('parseDeepLink', () => {
  it('reads an invite link, with or without a trailing slash or upper-case host', () => {
    expect(parseDeepLink(LINK)).toEqual({ kind: 'invite', link: LINK })
    expect(parseDeepLink(`${LINK}/`)).toEqual({ kind: 'invite', link: LINK })
    expect(parseDeepLink(`PARACORD://INVITE/${CODE}`)).toEqual({ kind: 'invite', link: LINK })
  })

  it('refuses anything that is not exactly an invite', () => {
    for (const text of [
      'https://example.com/invite/abc',
      'paracord://join/' + CODE,
      'paracord://invite/',
      'paracord://invite/short',
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
})

describe('deepLinkFromArgv (first launch and second-instance hand-over)', () => {
  it('finds the link among the executable, script and Chromium switches', () => {
    expect(
      deepLinkFromArgv([
        '/opt/paracord/paracord',
        '--no-sandbox',
        '--allow-file-access-from-files',
        LINK,
      ]),
    ).toEqual({ kind: 'invite', link: LINK })
    expect(deepLinkFromArgv(['C:\\Program Files\\paracord\\paracord.exe', `${LINK}/`])).toEqual({
      kind: 'invite',
      link: LINK,
    })
  })

  it('finds nothing in a plain launch or among bad links, and never reads a switch as one', () => {
    expect(deepLinkFromArgv(['/usr/bin/electron', '.'])).toBeNull()
    expect(deepLinkFromArgv(['app', 'paracord://evil/x', `--x=${LINK}`])).toBeNull()
    expect(deepLinkFromArgv([])).toBeNull()
  })
})

describe('PendingDeepLinks', () => {
  it('keeps links in order, each once, and drops the oldest past its limit', () => {
    const pending = new PendingDeepLinks(2)
    const link = (n: number) => ({ kind: 'invite' as const, link: `paracord://invite/${CODE}${n}` })
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
    const second = parseDeepLink(`paracord://invite/${'B'.repeat(43)}`)
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

  it('defaults to Cancel, which is also the Escape answer', () => {
    const dialog = inviteConfirmDialog(link, { kind: 'local' })
    expect(dialog.defaultId).toBe(dialog.cancelId)
    expect(dialog.buttons[dialog.defaultId]).toBe('Cancel')
    expect(dialog.buttons[dialog.joinButton]).toBe('Join')
    expect(dialog.joinButton).not.toBe(dialog.defaultId)
  })

  it('says what the link says, and through which server it would be joined', () => {
    const local = inviteConfirmDialog(link, { kind: 'local' })
    expect(local.detail).toContain('paracord://invite/AbCdEf…abcd')
    expect(local.detail).not.toContain(CODE)
    expect(local.detail).toContain('does not say which server it is for')
    expect(local.detail).toContain('local server on this computer')
    const remote = inviteConfirmDialog(link, { kind: 'remote', url: 'https://chat.example:8443' })
    expect(remote.detail).toContain('the paracord server at chat.example:8443')
    expect(inviteConfirmDialog(link, { kind: 'unknown' }).detail).toContain(
      'the server your account lives on',
    )
  })
})
