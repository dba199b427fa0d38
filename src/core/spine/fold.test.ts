import { describe, expect, it } from 'vitest'
import { toBase64Url } from '../../shared/encoding'
import { createEntry, entryHash, spineReady } from './entry'
import { foldSpine } from './fold'
import { foundClub, foundServer, rotationFor, testId, testPerson } from './spine-fixtures'
import { EMPTY_SPINE_STATE } from './state'

await spineReady()

describe('foldSpine: each entry type does what it says', () => {
  it('genesis founds the server with its author as owner, key pinned', () => {
    const owner = testPerson(1, 'Olga')
    const spine = foundServer(owner)
    const { state } = spine
    expect(state).toMatchObject({
      serverId: testId(1, 'server'),
      name: 'Rope Club',
      epoch: 1,
      ownerId: owner.userId,
      length: 1,
      headHash: entryHash(spine.head!),
      rotationDue: false,
    })
    expect(state.members.get(owner.userId)).toEqual({
      role: 'owner',
      displayName: 'Olga',
      status: '',
      signKey: toBase64Url(owner.signKey.publicKey),
      boxKey: owner.boxKey,
      joinedAt: spine.head!.at,
    })
  })

  it('channels are created, changed and deleted', () => {
    const { spine, admin } = foundClub()
    const channelId = testId(2, 'channel')
    const create = {
      type: 'channel_created',
      channelId,
      name: 'voice',
      kind: 'voice',
      burnSeconds: 60,
    } as const
    expect(spine.write(admin, create)).toBeNull()
    expect(spine.state.channels.get(channelId)).toEqual({
      name: 'voice',
      kind: 'voice',
      burnSeconds: 60,
    })
    expect(spine.write(admin, { type: 'channel_changed', channelId, burnSeconds: 5 })).toBeNull()
    expect(spine.state.channels.get(channelId)).toEqual({
      name: 'voice',
      kind: 'voice',
      burnSeconds: 5,
    })
    expect(spine.write(admin, { type: 'channel_changed', channelId, name: 'talk' })).toBeNull()
    expect(spine.state.channels.get(channelId)?.name).toBe('talk')
    expect(spine.write(admin, { type: 'channel_deleted', channelId })).toBeNull()
    expect(spine.state.channels.has(channelId)).toBe(false)
  })

  it('the server is renamed', () => {
    const { spine, admin } = foundClub()
    expect(spine.write(admin, { type: 'server_renamed', name: 'Knot Society' })).toBeNull()
    expect(spine.state.name).toBe('Knot Society')
  })

  it('invites are created and revoked', () => {
    const { spine, admin } = foundClub()
    const inviteId = testId(2, 'invite')
    const expiresAt = spine.clock + 60_000
    expect(
      spine.write(admin, { type: 'invite_created', inviteId, maxUses: 3, expiresAt }),
    ).toBeNull()
    expect(spine.state.invites.get(inviteId)).toEqual({
      maxUses: 3,
      uses: 0,
      expiresAt,
      revoked: false,
      createdBy: admin.userId,
      createdAt: spine.head!.at,
      position: spine.state.length - 1,
    })
    expect(spine.write(admin, { type: 'invite_revoked', inviteId })).toBeNull()
    expect(spine.state.invites.get(inviteId)?.revoked).toBe(true)
  })

  it('a member joins by invite, pinning their keys and using up one use', () => {
    const { spine, outsider, inviteId } = foundClub()
    const usesBefore = spine.state.invites.get(inviteId)!.uses
    expect(
      spine.write(outsider, {
        type: 'member_joined',
        inviteId,
        displayName: 'Mal',
        boxKey: outsider.boxKey,
      }),
    ).toBeNull()
    expect(spine.state.members.get(outsider.userId)).toEqual({
      role: 'member',
      displayName: 'Mal',
      status: '',
      signKey: toBase64Url(outsider.signKey.publicKey),
      boxKey: outsider.boxKey,
      joinedAt: spine.head!.at,
    })
    expect(spine.state.invites.get(inviteId)!.uses).toBe(usesBefore + 1)
  })

  it('a member leaves, and a key rotation becomes due', () => {
    const { spine, alice } = foundClub()
    expect(spine.write(alice, { type: 'member_left' })).toBeNull()
    expect(spine.state.members.has(alice.userId)).toBe(false)
    expect(spine.state.removed.has(alice.userId)).toBe(false)
    expect(spine.state.rotationDue).toBe(true)
  })

  it('a member changes their own profile, and only their own', () => {
    const { spine, alice, bob } = foundClub()
    expect(spine.write(alice, { type: 'profile_changed', status: 'knotting' })).toBeNull()
    expect(spine.write(alice, { type: 'profile_changed', displayName: 'Al' })).toBeNull()
    expect(spine.state.members.get(alice.userId)).toMatchObject({
      displayName: 'Al',
      status: 'knotting',
    })
    expect(spine.state.members.get(bob.userId)).toMatchObject({ displayName: 'Bob', status: '' })
  })

  it('the owner changes roles', () => {
    const { spine, owner, alice } = foundClub()
    expect(
      spine.write(owner, { type: 'role_changed', userId: alice.userId, role: 'admin' }),
    ).toBeNull()
    expect(spine.state.members.get(alice.userId)?.role).toBe('admin')
    expect(
      spine.write(owner, { type: 'role_changed', userId: alice.userId, role: 'member' }),
    ).toBeNull()
    expect(spine.state.members.get(alice.userId)?.role).toBe('member')
  })

  it('an admin removes a member, who is recorded as removed', () => {
    const { spine, admin, bob } = foundClub()
    expect(spine.write(admin, { type: 'member_removed', userId: bob.userId })).toBeNull()
    expect(spine.state.members.has(bob.userId)).toBe(false)
    expect(spine.state.removed.get(bob.userId)).toEqual({
      removedBy: admin.userId,
      at: spine.head!.at,
      position: spine.state.length - 1,
    })
    expect(spine.state.rotationDue).toBe(true)
  })

  it('a key rotation moves to the next epoch and clears the due rotation', () => {
    const { spine, admin, bob } = foundClub()
    spine.write(admin, { type: 'member_removed', userId: bob.userId })
    expect(spine.write(admin, rotationFor(spine.state))).toBeNull()
    expect(spine.state.epoch).toBe(2)
    expect(spine.state.rotationDue).toBe(false)
  })

  it('leaves the prior state untouched', () => {
    const { spine, alice } = foundClub()
    const prior = spine.state
    const snapshot = structuredClone(prior)
    spine.write(alice, { type: 'profile_changed', displayName: 'Al' })
    expect(prior).toEqual(snapshot)
    expect(Object.isFrozen(prior.members.get(alice.userId))).toBe(true)
  })
})

describe('foldSpine: integrity', () => {
  it('rejects a forged signature (signed by someone else in the owner’s name)', () => {
    const { spine, owner, outsider } = foundClub()
    const honest = spine.sign(owner, { type: 'server_renamed', name: 'Mine now' })
    const forged = { ...honest, sig: spine.sign(outsider, honest.body, honest.at).sig }
    expect(spine.attempt(forged)).toEqual({
      reason: 'the signature does not verify',
      unchanged: true,
    })
  })

  it('rejects an entry whose body was changed after signing', () => {
    const { spine, admin } = foundClub()
    const signed = spine.sign(admin, { type: 'server_renamed', name: 'Knots' })
    const tampered = { ...signed, body: { type: 'server_renamed', name: 'Nots' } } as const
    expect(spine.attempt(tampered)).toEqual({
      reason: 'the signature does not verify',
      unchanged: true,
    })
  })

  it('rejects a known user writing with a key other than the pinned one', () => {
    const { spine, alice } = foundClub()
    const newKeys = testPerson(99, 'Alice')
    const impostor = { ...newKeys, userId: alice.userId }
    expect(spine.try(impostor, { type: 'profile_changed', status: 'hi' })).toEqual({
      reason: `authorKey is not the key pinned for ${alice.userId} when they joined`,
      unchanged: true,
    })
  })

  it('rejects an entry that does not chain to the head', () => {
    const { spine, admin } = foundClub()
    const entry = spine.sign(admin, { type: 'server_renamed', name: 'Knots' })
    const resigned = createEntry(
      { ...spine.head!, at: spine.head!.at + 1 },
      entry.body,
      admin,
      entry.at,
    )
    expect(spine.attempt(resigned)).toEqual({
      reason: expect.stringMatching(/^prev does not name the last accepted entry/) as unknown,
      unchanged: true,
    })
  })

  it('rejects an entry written on a stale head (a concurrent edit that lost)', () => {
    const { spine, admin, owner } = foundClub()
    const mine = spine.sign(admin, { type: 'server_renamed', name: 'Knots' })
    const theirs = spine.sign(owner, { type: 'server_renamed', name: 'Loops' })
    expect(spine.append(theirs)).toBeNull()
    expect(spine.attempt(mine).reason).toMatch(/stale head/)
    expect(spine.state.name).toBe('Loops')
  })

  it('rejects a replayed entry and keeps the state', () => {
    const { spine, owner, bob } = foundClub()
    const removal = spine.sign(owner, { type: 'member_removed', userId: bob.userId })
    expect(spine.append(removal)).toBeNull()
    expect(spine.attempt(removal)).toEqual({
      reason: expect.stringMatching(/a replay/) as unknown,
      unchanged: true,
    })
  })

  it('requires a genesis first and only once', () => {
    const owner = testPerson(1, 'Olga')
    const notGenesis = createEntry(null, { type: 'server_renamed', name: 'x' }, owner, 1)
    expect(foldSpine([notGenesis]).rejected[0]?.reason).toBe('the first entry must be a genesis')
    const spine = foundServer(owner)
    const again = spine.sign(owner, {
      type: 'genesis',
      serverId: testId(2, 'server'),
      name: 'Another',
      epoch: 1,
      displayName: 'Olga',
      boxKey: owner.boxKey,
    })
    expect(spine.attempt(again)).toEqual({
      reason: 'the server already has a genesis',
      unchanged: true,
    })
  })

  it('rejects an entry dated before the previous one', () => {
    const { spine, admin } = foundClub()
    expect(spine.try(admin, { type: 'server_renamed', name: 'x' }, spine.head!.at - 1)).toEqual({
      reason: 'at is earlier than the previous accepted entry',
      unchanged: true,
    })
    expect(
      spine.try(admin, { type: 'server_renamed', name: 'x' }, spine.head!.at).reason,
    ).toBeNull()
  })

  it('rejects the entries of a removed member, saying so', () => {
    const { spine, owner, bob } = foundClub()
    spine.write(owner, { type: 'member_removed', userId: bob.userId })
    expect(spine.try(bob, { type: 'profile_changed', status: 'still here?' })).toEqual({
      reason: `${bob.userId} was removed from this server`,
      unchanged: true,
    })
  })

  it('rejects entries by someone who never joined', () => {
    const { spine, outsider } = foundClub()
    expect(spine.try(outsider, { type: 'profile_changed', status: 'hi' }).reason).toBe(
      `${outsider.userId} is not a member of this server`,
    )
  })

  it('goes on past rejected entries, reporting each with its index', () => {
    const { spine, owner, admin, outsider } = foundClub()
    const prior = spine.state
    const first = spine.sign(admin, { type: 'server_renamed', name: 'One' })
    const forged = { ...first, sig: toBase64Url(new Uint8Array(64)) }
    const intruder = createEntry(
      first,
      { type: 'server_renamed', name: 'Mine' },
      outsider,
      first.at,
    )
    const second = createEntry(first, { type: 'server_renamed', name: 'Two' }, owner, first.at + 1)
    const { state, rejected } = foldSpine([forged, first, intruder, second], prior)
    expect(rejected.map((r) => [r.index, r.entry])).toEqual([
      [0, forged],
      [2, intruder],
    ])
    expect(state.name).toBe('Two')
    expect(state.length).toBe(prior.length + 2)
    expect(state.headHash).toBe(entryHash(second))
  })

  it('starts from the empty state when no prior is given', () => {
    expect(foldSpine([])).toEqual({ state: EMPTY_SPINE_STATE, rejected: [] })
  })
})
