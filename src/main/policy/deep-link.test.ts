import { describe, expect, it } from 'vitest'
import { deepLinkFromArgv, parseDeepLink, PendingDeepLinks } from './deep-link'

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
