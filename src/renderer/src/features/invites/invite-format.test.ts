import { describe, expect, it } from 'vitest'
import type { InviteInfo } from '../../../../shared/api'
import { describeInvite, inviteStatus } from './invite-format'

const now = 1_000_000_000
const DAY = 86_400_000

function invite(fields: Partial<InviteInfo> = {}): InviteInfo {
  return {
    id: 'invite-aaaaaaaaaaaaaa',
    code: 'CODE1234SECRET',
    link: 'paracord://invite/CODE1234SECRET',
    server: null,
    maxUses: null,
    uses: 0,
    expiresAt: null,
    revoked: false,
    ...fields,
  }
}

describe('invites in the list', () => {
  it('shows uses and expiry of an active invite', () => {
    expect(describeInvite(invite({ maxUses: 10, uses: 2, expiresAt: now + 6 * DAY }), now)).toBe(
      '2 of 10 uses · expires in 6 days',
    )
    expect(describeInvite(invite({ uses: 1 }), now)).toBe('1 use · never expires')
    expect(describeInvite(invite({ expiresAt: now + 30 * 60_000 }), now)).toBe(
      '0 uses · expires in 30 minutes',
    )
  })

  it('tells revoked, expired and used-up invites apart', () => {
    expect(inviteStatus(invite({ revoked: true }), now)).toBe('revoked')
    expect(inviteStatus(invite({ expiresAt: now }), now)).toBe('expired')
    expect(inviteStatus(invite({ maxUses: 1, uses: 1 }), now)).toBe('used_up')
    expect(inviteStatus(invite(), now)).toBe('active')
    expect(describeInvite(invite({ revoked: true, expiresAt: now - 1 }), now)).toBe('Revoked')
  })
})
