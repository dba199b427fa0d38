import { describe, expect, it } from 'vitest'
import { spineReady } from './entry'
import { authorityCheck, canPost, hasAuthority, isMember, roleOf } from './selectors'
import { foundClub, joinBody, rotationFor, testId } from './spine-fixtures'
import { EMPTY_SPINE_STATE } from './state'
import type { SpineBody } from './types'

await spineReady()

const channelBodies = (channelId: string): SpineBody[] => [
  {
    type: 'channel_created',
    channelId: testId(9, 'channel'),
    name: 'new',
    kind: 'text',
    burnSeconds: 60,
  },
  { type: 'channel_changed', channelId, name: 'renamed' },
  { type: 'channel_deleted', channelId },
]

describe('authority: admin work (channels, invites, server name)', () => {
  const adminWork = (channelId: string, inviteId: string): SpineBody[] => [
    ...channelBodies(channelId),
    { type: 'server_renamed', name: 'Knots' },
    { type: 'invite_created', inviteId: testId(9, 'invite'), maxUses: 1, expiresAt: null },
    { type: 'invite_revoked', inviteId },
  ]

  it('is allowed to the owner and to admins', () => {
    const { spine, owner, admin, channelId, inviteId } = foundClub()
    for (const author of [owner, admin])
      for (const body of adminWork(channelId, inviteId))
        expect(spine.try(author, body), `${body.type}`).toEqual({ reason: null, unchanged: false })
  })

  it('is refused to members, with the reason', () => {
    const { spine, alice, channelId, inviteId } = foundClub()
    const expected = {
      channel_created: 'create channels',
      channel_changed: 'change channels',
      channel_deleted: 'delete channels',
      server_renamed: 'rename the server',
      invite_created: 'create invites',
      invite_revoked: 'revoke invites',
    } as Record<string, string>
    for (const body of adminWork(channelId, inviteId))
      expect(spine.try(alice, body)).toEqual({
        reason: `only the owner or an admin can ${expected[body.type]} (this user is a member)`,
        unchanged: true,
      })
  })
})

describe('authority: roles', () => {
  it('only the owner changes roles', () => {
    const { spine, owner, admin, alice } = foundClub()
    const promote: SpineBody = { type: 'role_changed', userId: alice.userId, role: 'admin' }
    expect(spine.try(admin, promote)).toEqual({
      reason: 'only the owner can change roles (this user is an admin)',
      unchanged: true,
    })
    expect(spine.try(alice, promote).reason).toBe(
      'only the owner can change roles (this user is a member)',
    )
    expect(spine.try(owner, promote).reason).toBeNull()
  })

  it("the owner's own role cannot change", () => {
    const { spine, owner } = foundClub()
    expect(spine.try(owner, { type: 'role_changed', userId: owner.userId, role: 'admin' })).toEqual(
      { reason: "the owner's role cannot be changed", unchanged: true },
    )
  })

  it('a role change must change something and name a member', () => {
    const { spine, owner, admin, outsider } = foundClub()
    expect(spine.try(owner, { type: 'role_changed', userId: admin.userId, role: 'admin' })).toEqual(
      { reason: `${admin.userId} already has the role admin`, unchanged: true },
    )
    expect(
      spine.try(owner, { type: 'role_changed', userId: outsider.userId, role: 'admin' }).reason,
    ).toBe(`${outsider.userId} is not a member of this server`)
  })
})

describe('authority: removing members', () => {
  it('admins and the owner remove members; members cannot', () => {
    const { spine, owner, admin, alice, bob } = foundClub()
    const removeBob: SpineBody = { type: 'member_removed', userId: bob.userId }
    expect(spine.try(alice, removeBob)).toEqual({
      reason: 'only the owner or an admin can remove members (this user is a member)',
      unchanged: true,
    })
    expect(spine.try(admin, removeBob).reason).toBeNull()
    expect(spine.try(owner, removeBob).reason).toBeNull()
  })

  it('only the owner removes an admin', () => {
    const { spine, owner, admin, alice } = foundClub()
    spine.write(owner, { type: 'role_changed', userId: alice.userId, role: 'admin' })
    const removeAdmin: SpineBody = { type: 'member_removed', userId: alice.userId }
    expect(spine.try(admin, removeAdmin)).toEqual({
      reason: 'only the owner can remove an admin',
      unchanged: true,
    })
    expect(spine.try(owner, removeAdmin).reason).toBeNull()
  })

  it('nobody removes the owner', () => {
    const { spine, owner, admin } = foundClub()
    const removeOwner: SpineBody = { type: 'member_removed', userId: owner.userId }
    expect(spine.try(admin, removeOwner)).toEqual({
      reason: 'the owner cannot be removed',
      unchanged: true,
    })
    expect(spine.try(owner, removeOwner).reason).toBe('the owner cannot be removed')
  })

  it('nobody removes themselves (they leave) or a non-member', () => {
    const { spine, admin, outsider } = foundClub()
    expect(spine.try(admin, { type: 'member_removed', userId: admin.userId }).reason).toBe(
      'members cannot remove themselves; they leave instead',
    )
    expect(spine.try(admin, { type: 'member_removed', userId: outsider.userId }).reason).toBe(
      `${outsider.userId} is not a member of this server`,
    )
  })
})

describe('authority: leaving, profiles, joining', () => {
  it('members and admins leave; the owner cannot', () => {
    const { spine, owner, admin, alice } = foundClub()
    expect(spine.try(alice, { type: 'member_left' }).reason).toBeNull()
    expect(spine.try(admin, { type: 'member_left' }).reason).toBeNull()
    expect(spine.try(owner, { type: 'member_left' })).toEqual({
      reason: 'the owner cannot leave the server',
      unchanged: true,
    })
  })

  it('everyone changes their own profile', () => {
    const { spine, owner, admin, alice } = foundClub()
    for (const author of [owner, admin, alice])
      expect(spine.try(author, { type: 'profile_changed', status: 'here' }).reason).toBeNull()
  })

  it('a member cannot join again', () => {
    const { spine, alice, inviteId } = foundClub()
    expect(spine.try(alice, joinBody(alice, inviteId))).toEqual({
      reason: `${alice.userId} is already a member`,
      unchanged: true,
    })
  })
})

describe('authority: key rotation', () => {
  it('admins and the owner rotate at any time', () => {
    const { spine, owner, admin } = foundClub()
    expect(spine.try(admin, rotationFor(spine.state)).reason).toBeNull()
    expect(spine.try(owner, rotationFor(spine.state)).reason).toBeNull()
  })

  it('a member cannot rotate keys, even when a rotation is due', () => {
    const { spine, alice, bob } = foundClub()
    const refused = {
      reason: 'only the owner or an admin can rotate keys (this user is a member)',
      unchanged: true,
    }
    expect(spine.try(alice, rotationFor(spine.state))).toEqual(refused)
    spine.write(bob, { type: 'member_left' })
    expect(spine.state.rotationDue).toBe(true)
    expect(spine.try(alice, rotationFor(spine.state))).toEqual(refused)
  })
})

describe('selectors', () => {
  it('report roles, membership and posting rights', () => {
    const { spine, owner, admin, alice, outsider, channelId } = foundClub()
    const { state } = spine
    expect([owner, admin, alice, outsider].map((p) => roleOf(state, p.userId))).toEqual([
      'owner',
      'admin',
      'member',
      null,
    ])
    expect(isMember(state, alice.userId)).toBe(true)
    expect(isMember(state, outsider.userId)).toBe(false)
    expect(isMember(state, 'constructor')).toBe(false)
    expect(canPost(state, alice.userId)).toBe(true)
    expect(canPost(state, alice.userId, channelId)).toBe(true)
    expect(canPost(state, alice.userId, testId(9, 'channel'))).toBe(false)
    expect(canPost(state, outsider.userId, channelId)).toBe(false)
  })

  it('a voice channel is not posted to', () => {
    const { spine, admin, alice } = foundClub()
    const voice = testId(7, 'channel')
    spine.write(admin, {
      type: 'channel_created',
      channelId: voice,
      name: 'v',
      kind: 'voice',
      burnSeconds: 60,
    })
    expect(canPost(spine.state, alice.userId, voice)).toBe(false)
  })

  it('hasAuthority and authorityCheck give the same answer as the fold, with its reason', () => {
    const { spine, owner, admin, alice, bob, outsider } = foundClub()
    const { state } = spine
    expect(hasAuthority(state, admin.userId, 'channel_created')).toBe(true)
    expect(hasAuthority(state, alice.userId, 'channel_created')).toBe(false)
    expect(authorityCheck(state, alice.userId, 'server_renamed')).toEqual({
      allowed: false,
      reason: 'only the owner or an admin can rename the server (this user is a member)',
    })
    expect(authorityCheck(state, admin.userId, 'member_removed', bob.userId)).toEqual({
      allowed: true,
    })
    expect(authorityCheck(state, admin.userId, 'member_removed', owner.userId)).toEqual({
      allowed: false,
      reason: 'the owner cannot be removed',
    })
    expect(hasAuthority(state, outsider.userId, 'member_joined')).toBe(true)
    expect(hasAuthority(state, alice.userId, 'member_joined')).toBe(false)
    expect(authorityCheck(EMPTY_SPINE_STATE, alice.userId, 'genesis')).toEqual({ allowed: true })
    expect(authorityCheck(state, owner.userId, 'genesis')).toEqual({
      allowed: false,
      reason: 'the server already has a genesis',
    })
    expect(authorityCheck(EMPTY_SPINE_STATE, alice.userId, 'channel_created')).toEqual({
      allowed: false,
      reason: 'the server has no genesis yet',
    })
  })
})
