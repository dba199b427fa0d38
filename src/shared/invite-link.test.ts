import { describe, expect, it } from 'vitest'
import { inviteAppLink, inviteLink, readInviteText } from './invite-link'

describe('invite links', () => {
  const code = '0123456789abcdefghjkmnpqrs'

  it('name the server in the web form, whose code stays in the fragment', () => {
    const link = inviteLink(code, 'https://chat.example.org')
    expect(link).toBe(`https://chat.example.org/invite#${code}`)
    expect(new URL(link).pathname).toBe('/invite')
    expect(readInviteText(link)).toEqual({ code, server: 'https://chat.example.org' })
  })

  it('keep a path the server lives under', () => {
    const link = inviteLink(code, 'https://example.org/paracord')
    expect(readInviteText(link)).toMatchObject({ code, server: 'https://example.org/paracord' })
    expect(readInviteText(`${link.replace('#', '/#')}`)).toMatchObject({ code })
  })

  it('name the server in the app form too, and without one are the bare code', () => {
    const link = inviteAppLink(code, 'http://127.0.0.1:8443')
    expect(link).toBe(`paracord://invite/${code}?server=http%3A%2F%2F127.0.0.1%3A8443`)
    expect(readInviteText(link)).toMatchObject({ code, server: 'http://127.0.0.1:8443' })
    expect(inviteLink(code, null)).toBe(code)
    expect(readInviteText(inviteAppLink(code, null))).toMatchObject({ code, server: null })
  })

  it('refuse whatever is not one of these shapes', () => {
    for (const text of [
      '',
      '-GGqh',
      code.slice(1),
      `${code}0`,
      `${code.slice(0, 25)}u`,
      // The 43-character base64url codes of earlier versions.
      'GGqhAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      `https://chat.example.org/join#${code}`,
      `https://chat.example.org/invite?x=1#${code}`,
      `https://user:pw@chat.example.org/invite#${code}`,
      `https://chat.example.org/invite`,
      `paracord://invite/${code}?server=https://a.example&other=1`,
      `paracord://invite/${code}?server=https://a.example&server=https://b.example`,
      `paracord://settings/${code}`,
      `javascript:alert(1)//${code}`,
      `ftp://chat.example.org/invite#${code}`,
    ])
      expect(readInviteText(text), text).toBeNull()
  })
})

describe('invite codes as typed', () => {
  it('read the same in capitals or with space around, and name no server', () => {
    const code = '0123456789abcdefghjkmnpqrs'
    expect(readInviteText(`  ${code.toUpperCase()}\n`)).toEqual({ code, server: null })
  })
  it('refuse a server in the app link that is not a web address', () => {
    const code = '0123456789abcdefghjkmnpqrs'
    expect(readInviteText(`paracord://invite/${code}?server=file%3A%2F%2F%2Fetc`)).toBeNull()
    expect(readInviteText(`paracord://invite/${code}?server=javascript%3Aalert(1)`)).toBeNull()
    expect(readInviteText(`paracord://invite/${'a'.repeat(600)}`)).toBeNull()
  })
})
