import { beforeAll, describe, expect, it } from 'vitest'
import { loadSodium } from '../crypto'
import { inviteAppLink } from '../../shared/invite-link'
import { newInviteCode, parseInvite } from './invite-codec'

beforeAll(async () => {
  await loadSodium()
})

describe('invite codes', () => {
  it('are 26 lowercase base32 characters that never look like a command-line option', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 2000; i++) {
      const code = newInviteCode()
      expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{26}$/)
      for (const symbol of code) seen.add(symbol)
    }
    // Every symbol of the alphabet turns up: the 130 bits are really used.
    expect(seen.size).toBe(32)
  })

  it('read the same typed in capitals or with space around', () => {
    const code = newInviteCode()
    const parsed = parseInvite(`  ${code.toUpperCase()}\n`)
    expect(parsed).toMatchObject({ code, server: null, inviteId: parseInvite(code)?.inviteId })
    expect(parseInvite(code)?.secret).toEqual(parsed?.secret)
  })

  it('give different keys for different codes', () => {
    const a = parseInvite(newInviteCode())
    const b = parseInvite(newInviteCode())
    expect(a?.inviteId).not.toBe(b?.inviteId)
  })
})

describe('parseInvite', () => {
  it('reads a link into the keys of its code and the server it names', () => {
    const code = newInviteCode()
    expect(parseInvite(inviteAppLink(code, 'https://chat.example.org'))).toMatchObject({
      code,
      server: 'https://chat.example.org',
      inviteId: parseInvite(code)?.inviteId,
    })
    expect(parseInvite('not an invite')).toBeNull()
  })
})
