import { describe, expect, it } from 'vitest'
import { toBase64Url } from '../../shared/encoding'
import { spineReady } from './entry'
import { foundClub, joinBody, rotationFor, testId, testPerson } from './spine-fixtures'
import type { SpineBody } from './types'

await spineReady()

const carol = () => testPerson(6, 'Carol')
const dave = () => testPerson(7, 'Dave')

describe('joining by invite', () => {
  it('counts accepted joins against maxUses', () => {
    const { spine, admin } = foundClub()
    const inviteId = testId(2, 'invite')
    spine.write(admin, { type: 'invite_created', inviteId, maxUses: 1, expiresAt: null })
    expect(spine.write(carol(), joinBody(carol(), inviteId))).toBeNull()
    expect(spine.try(dave(), joinBody(dave(), inviteId))).toEqual({
      reason: `invite ${inviteId} has no uses left`,
      unchanged: true,
    })
    expect(spine.state.invites.get(inviteId)?.uses).toBe(1)
  })

  it('does not count a rejected join as a use', () => {
    const { spine, admin } = foundClub()
    const inviteId = testId(2, 'invite')
    spine.write(admin, { type: 'invite_created', inviteId, maxUses: 1, expiresAt: null })
    const forged = {
      ...spine.sign(carol(), joinBody(carol(), inviteId)),
      sig: toBase64Url(new Uint8Array(64)),
    }
    expect(spine.append(forged)).toBe('the signature does not verify')
    expect(spine.state.invites.get(inviteId)?.uses).toBe(0)
    expect(spine.write(dave(), joinBody(dave(), inviteId))).toBeNull()
  })

  it('accepts a join before expiry and rejects one at or after it', () => {
    const { spine, admin } = foundClub()
    const inviteId = testId(2, 'invite')
    const expiresAt = spine.clock + 10_000
    spine.write(admin, { type: 'invite_created', inviteId, maxUses: null, expiresAt })
    expect(spine.write(carol(), joinBody(carol(), inviteId), expiresAt - 1)).toBeNull()
    expect(spine.try(dave(), joinBody(dave(), inviteId), expiresAt)).toEqual({
      reason: `invite ${inviteId} had expired`,
      unchanged: true,
    })
  })

  it('refuses an invite that expires before it is created', () => {
    const { spine, admin } = foundClub()
    const at = spine.tick()
    const body: SpineBody = {
      type: 'invite_created',
      inviteId: testId(2, 'invite'),
      maxUses: null,
      expiresAt: at,
    }
    expect(spine.try(admin, body, at)).toEqual({
      reason: 'the invite would expire before it is created',
      unchanged: true,
    })
  })

  it('rejects joins by a revoked or unknown invite', () => {
    const { spine, admin, inviteId } = foundClub()
    spine.write(admin, { type: 'invite_revoked', inviteId })
    expect(spine.try(carol(), joinBody(carol(), inviteId))).toEqual({
      reason: `invite ${inviteId} was revoked`,
      unchanged: true,
    })
    const unknown = testId(8, 'invite')
    expect(spine.try(carol(), joinBody(carol(), unknown)).reason).toBe(
      `invite ${unknown} does not exist`,
    )
  })

  it('rejects revoking an invite twice or one that does not exist, and reusing an invite id', () => {
    const { spine, admin, inviteId } = foundClub()
    expect(
      spine.try(admin, { type: 'invite_created', inviteId, maxUses: 1, expiresAt: null }).reason,
    ).toBe(`invite ${inviteId} already exists`)
    spine.write(admin, { type: 'invite_revoked', inviteId })
    expect(spine.try(admin, { type: 'invite_revoked', inviteId }).reason).toBe(
      `invite ${inviteId} is already revoked`,
    )
    const unknown = testId(8, 'invite')
    expect(spine.try(admin, { type: 'invite_revoked', inviteId: unknown }).reason).toBe(
      `invite ${unknown} does not exist`,
    )
  })

  it('lets a removed user back only through an invite created after the removal', () => {
    const { spine, owner, bob, inviteId } = foundClub()
    spine.write(owner, { type: 'member_removed', userId: bob.userId })
    expect(spine.try(bob, joinBody(bob, inviteId))).toEqual({
      reason: `${bob.userId} was removed; rejoining needs an invite created after the removal`,
      unchanged: true,
    })
    const fresh = testId(2, 'invite')
    spine.write(owner, { type: 'invite_created', inviteId: fresh, maxUses: 1, expiresAt: null })
    expect(spine.write(bob, joinBody(bob, fresh))).toBeNull()
    expect(spine.state.members.get(bob.userId)?.role).toBe('member')
    expect(spine.state.removed.has(bob.userId)).toBe(false)
  })

  it('pins the key a removed user rejoins with, and only that one', () => {
    const { spine, owner, bob } = foundClub()
    spine.write(owner, { type: 'member_removed', userId: bob.userId })
    const fresh = testId(2, 'invite')
    spine.write(owner, { type: 'invite_created', inviteId: fresh, maxUses: 1, expiresAt: null })
    const newBob = { ...testPerson(40, 'Bob'), userId: bob.userId }
    expect(spine.write(newBob, joinBody(newBob, fresh))).toBeNull()
    expect(spine.try(bob, { type: 'profile_changed', status: 'old key' }).reason).toMatch(
      /authorKey is not the key pinned/,
    )
    expect(spine.try(newBob, { type: 'profile_changed', status: 'new key' }).reason).toBeNull()
  })

  it('lets a member who left rejoin through a still usable invite', () => {
    const { spine, alice, inviteId } = foundClub()
    spine.write(alice, { type: 'member_left' })
    expect(spine.write(alice, joinBody(alice, inviteId))).toBeNull()
  })
})

describe('channels must exist to change, and not exist to create', () => {
  it('says which channel', () => {
    const { spine, admin, channelId } = foundClub()
    const missing = testId(8, 'channel')
    expect(
      spine.try(admin, { type: 'channel_changed', channelId: missing, name: 'x' }).reason,
    ).toBe(`channel ${missing} does not exist`)
    expect(spine.try(admin, { type: 'channel_deleted', channelId: missing }).reason).toBe(
      `channel ${missing} does not exist`,
    )
    expect(
      spine.try(admin, {
        type: 'channel_created',
        channelId,
        name: 'x',
        kind: 'text',
        burnSeconds: 5,
      }).reason,
    ).toBe(`channel ${channelId} already exists`)
  })
})

describe('key rotation', () => {
  it('must seal to exactly the current members', () => {
    const { spine, owner, bob, outsider } = foundClub()
    spine.write(owner, { type: 'member_removed', userId: bob.userId })
    const exact = rotationFor(spine.state) as Extract<SpineBody, { type: 'key_rotated' }>

    const { [owner.userId]: _dropped, ...withoutOwner } = exact.envelopes
    expect(spine.try(owner, { ...exact, envelopes: withoutOwner })).toEqual({
      reason: `key rotation leaves out members: ${owner.userId}`,
      unchanged: true,
    })
    const toRemoved = { ...exact.envelopes, [bob.userId]: 'c2VhbGVk' }
    expect(spine.try(owner, { ...exact, envelopes: toRemoved }).reason).toBe(
      `key rotation seals keys to non-members: ${bob.userId}`,
    )
    const toOutsider = { ...exact.envelopes, [outsider.userId]: 'c2VhbGVk' }
    expect(spine.try(owner, { ...exact, envelopes: toOutsider }).reason).toMatch(/non-members/)
    expect(spine.write(owner, exact)).toBeNull()
  })

  it('must move to the next epoch', () => {
    const { spine, admin } = foundClub()
    const next = rotationFor(spine.state) as Extract<SpineBody, { type: 'key_rotated' }>
    expect(spine.try(admin, { ...next, epoch: 3 })).toEqual({
      reason: 'key rotation must move to epoch 2, not 3',
      unchanged: true,
    })
    spine.write(admin, next)
    expect(spine.try(admin, next).reason).toBe('key rotation must move to epoch 3, not 2')
    expect(spine.write(admin, rotationFor(spine.state))).toBeNull()
    expect(spine.state.epoch).toBe(3)
  })
})
