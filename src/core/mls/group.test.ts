// The server group against hostile members: every attack here is a commit a member's modified
// client could send through any backend, and every honest client must refuse it.
import { createCommit, decodeMlsMessage, emptyPskIndex, encodeMlsMessage } from 'ts-mls'
import { beforeAll, describe, expect, it } from 'vitest'
import { toBase64Url } from '../../shared/encoding'
import { loadSodium, randomKey } from '../crypto'
import type { DeviceSigner } from './credential'
import { GroupError, ServerGroup } from './group'
import { inviteKeys, type InviteKeys } from './invite-keys'
import { mlsSuite } from './suite'
import { serverStateExtension, type ServerState } from './server-state'
import { deliver, ownProfile, person, profileCommit, serverGroup, withInvite } from './test-group'

beforeAll(async () => {
  await loadSodium()
})

function dropProfile(userId: string, epoch: number) {
  return (s: ServerState): ServerState => {
    const members = { ...s.members }
    delete members[userId]
    return {
      ...s,
      members,
      admins: s.admins.filter((id) => id !== userId),
      removed: { ...s.removed, [userId]: epoch },
    }
  }
}

interface World {
  alice: DeviceSigner
  bob: DeviceSigner
  invite: InviteKeys
  a: ServerGroup
  b: ServerGroup
}

/** alice owns a server; bob joined with an invite and added his profile. */
async function world(): Promise<World> {
  const { owner, invite, a, people, members } = await serverGroup('Hideout', 'alice', ['bob'])
  return { alice: owner, bob: people[0]!, invite, a, b: members[0]! }
}

async function refused(group: ServerGroup, message: Uint8Array, reason: RegExp) {
  const error = await group.process(message).then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(GroupError)
  expect((error as GroupError).code).toBe('refused')
  expect((error as GroupError).message).toMatch(reason)
}

/** A commit made with the library directly, as a modified client would: no local rule check. */
async function rawCommit(group: ServerGroup, proposals: Parameters<typeof createCommit>[1]) {
  const result = await createCommit(
    { state: group.client, cipherSuite: await mlsSuite(), pskIndex: emptyPskIndex },
    { wireAsPublicMessage: true, ...proposals },
  )
  return encodeMlsMessage(result.commit)
}

describe('a server group', () => {
  it('lets a joiner in with an invite, and both agree on the epoch and its safety code', async () => {
    const { a, b, bob } = await world()
    expect(a.epoch).toBe(b.epoch)
    expect(toBase64Url(a.epochAuthenticator())).toBe(toBase64Url(b.epochAuthenticator()))
    expect(a.state.members[bob.userId]?.displayName).toBe('bob')
    expect(Object.values(a.state.invites)[0]?.uses).toBe(1)
    expect(toBase64Url(await a.exportSecret('channel', 'general'))).toBe(
      toBase64Url(await b.exportSecret('channel', 'general')),
    )
  }, 30_000)

  it('keeps no past epoch in its state: what is stored holds the current epoch only', async () => {
    const { a } = await world()
    let group = a
    const sizes: number[] = []
    for (let i = 0; i < 4; i++) {
      group = (await group.commit({})).group
      expect(group.client.historicalReceiverData.size).toBe(0)
      sizes.push(group.encode().length)
    }
    // Four epochs later the stored state is no bigger than after the first (a leaf may grow a
    // little as its keys change, never by a whole epoch's secrets).
    expect(Math.max(...sizes)).toBeLessThan(sizes[0]! * 1.2)
  }, 30_000)

  it('survives being stored and read back', async () => {
    const { a } = await world()
    const again = await ServerGroup.decode(a.encode())
    expect(again.epoch).toBe(a.epoch)
    expect(toBase64Url(await again.exportSecret('x', 'y'))).toBe(
      toBase64Url(await a.exportSecret('x', 'y')),
    )
  }, 30_000)

  it('refuses a plain member removing someone, on every honest client', async () => {
    const { a, b, alice } = await world()
    await expect(b.commit({ removeUsers: [alice.userId] })).rejects.toThrow(GroupError)
    const forged = await rawCommit(b, {
      extraProposals: [{ proposalType: 'remove', remove: { removed: a.ownLeafIndex() } }],
    })
    await refused(a, forged, /may not remove/)
  }, 30_000)

  it('refuses a member adding someone without an invite', async () => {
    const { a, b } = await world()
    const carol = person()
    const cs = await mlsSuite()
    const { generateKeyPackage, defaultCapabilities, defaultLifetime } = await import('ts-mls')
    const kp = await generateKeyPackage(
      { credentialType: 'basic', identity: new TextEncoder().encode(carol.userId) },
      defaultCapabilities(),
      defaultLifetime,
      [],
      cs,
    )
    const forged = await rawCommit(b, {
      extraProposals: [{ proposalType: 'add', add: { keyPackage: kp.publicPackage } }],
    }).catch(() => null)
    // The library may already refuse a credential paracord cannot read; either way nobody joins.
    if (forged) await refused(a, forged, /invite|does not verify/)
  }, 30_000)

  it('refuses a plain member changing channels, admins or someone else’s profile', async () => {
    const { a, b, alice, bob } = await world()
    const tries: Array<(s: ServerState) => ServerState> = [
      (s) => ({
        ...s,
        channels: { c1: { name: 'mine', kind: 'text', burnSeconds: 60, position: 9 } },
      }),
      (s) => ({ ...s, admins: [bob.userId] }),
      (s) => ({
        ...s,
        members: {
          ...s.members,
          [alice.userId]: { ...s.members[alice.userId]!, displayName: 'x' },
        },
      }),
      (s) => ({ ...s, name: 'Taken' }),
    ]
    for (const change of tries) {
      await expect(b.commit({ state: change })).rejects.toThrow(GroupError)
      const { serverStateExtension } = await import('./server-state')
      const forged = await rawCommit(b, {
        extraProposals: [
          {
            proposalType: 'group_context_extensions',
            groupContextExtensions: { extensions: [serverStateExtension(change(b.state))] },
          },
        ],
      })
      await refused(a, forged, /may not/)
    }
  }, 60_000)

  it('refuses an external join without an invite, with a wrong secret, or a revoked invite', async () => {
    const w = await world()
    const { alice, invite } = w
    let a = w.a
    const mallory = person()
    const noInvite = await ServerGroup.join(await a.groupInfo(), mallory, null, false)
    await refused(a, noInvite.message, /without an invite/)
    const wrong = { ...inviteKeys(randomKey()), inviteId: invite.inviteId }
    const forgedProof = await ServerGroup.join(await a.groupInfo(), mallory, wrong, false)
    await refused(a, forgedProof.message, /does not hold the invite/)
    a = (
      await a.commit({
        state: (s) => ({
          ...s,
          invites: {
            ...s.invites,
            [invite.inviteId]: { ...s.invites[invite.inviteId]!, revoked: true },
          },
        }),
      })
    ).group
    const revoked = await ServerGroup.join(await a.groupInfo(), mallory, invite, false)
    await refused(a, revoked.message, /revoked/)
    expect(alice.userId).toBeTruthy()
  }, 60_000)

  it('counts uses: a single-use invite lets one person in', async () => {
    const alice = person()
    let a = await ServerGroup.create(toBase64Url(randomKey().slice(0, 16)), alice, {
      name: 'S',
      displayName: 'alice',
      boxKey: toBase64Url(randomKey()),
    })
    const once = inviteKeys(randomKey())
    a = (await a.commit({ state: withInvite(alice.userId, a.epoch, once, 1) })).group
    const first = await ServerGroup.join(await a.groupInfo(), person(), once)
    ;[a] = await deliver(first.message, [a])
    const second = await ServerGroup.join(await a.groupInfo(), person(), once, false)
    await refused(a, second.message, /no uses left/)
  }, 60_000)

  it('removes a member cryptographically: their device holds no key of the next epoch', async () => {
    const w = await world()
    const { b, bob } = w
    let a = w.a
    // An admin marks the user removed, then takes their devices out.
    const mark = await a.commit({ state: dropProfile(bob.userId, a.epoch) })
    a = mark.group
    const [bMarked] = await deliver(mark.message, [b])
    const removal = await a.commit({ removeUsers: [bob.userId] })
    a = removal.group
    const seen = await bMarked.process(removal.message)
    expect('removedHere' in seen && seen.removedHere).toBe(true)
    expect(seen.group.active).toBe(false)
    await expect(seen.group.exportSecret('channel', 'general')).resolves.not.toEqual(
      await a.exportSecret('channel', 'general'),
    )
    // What bob still holds is the old epoch: anything he sends there is stale for alice.
    const late = await rawCommit(bMarked, {})
    await expect(a.process(late)).rejects.toMatchObject({ code: 'stale' })
  }, 60_000)

  it('takes admin powers away with the role: a demoted admin cannot remove anyone', async () => {
    const w = await world()
    const { alice, bob, invite } = w
    let { a, b } = w
    const promote = await a.commit({ state: (s) => ({ ...s, admins: [bob.userId] }) })
    a = promote.group
    ;[b] = await deliver(promote.message, [b])
    const carol = person()
    const joined = await ServerGroup.join(await a.groupInfo(), carol, invite)
    ;[a, b] = await deliver(joined.message, [a, b])
    let c = joined.group
    const profile = await profileCommit(c, carol, 'carol')
    c = profile.group
    ;[a, b] = await deliver(profile.message, [a, b])
    // As an admin bob may remove carol; his client agrees.
    await expect(b.commit({ state: dropProfile(carol.userId, b.epoch) })).resolves.toBeTruthy()
    const demote = await a.commit({ state: (s) => ({ ...s, admins: [] }) })
    a = demote.group
    ;[b, c] = await deliver(demote.message, [b, c])
    await expect(b.commit({ state: dropProfile(carol.userId, b.epoch) })).rejects.toThrow(/may not/)
    await expect(b.commit({ removeUsers: [carol.userId] })).rejects.toThrow(/may not remove/)
    const forged = await rawCommit(b, {
      extraProposals: [{ proposalType: 'remove', remove: { removed: c.ownLeafIndex() } }],
    })
    await refused(a, forged, /may not remove/)
    await refused(c, forged, /may not remove/)
    expect(alice.userId).not.toBe(bob.userId)
  }, 60_000)

  it('lets a further device of a member join without an invite, and no one else with their name', async () => {
    const { a, bob } = await world()
    const second = await ServerGroup.join(await a.groupInfo(), { ...bob, deviceId: 'd2' }, null)
    const [a2] = await deliver(second.message, [a])
    expect(a2.leaves().filter((l) => l.userId === bob.userId)).toHaveLength(2)
    const impostor = person()
    const fake = await ServerGroup.join(
      await a.groupInfo(),
      { ...impostor, userId: bob.userId },
      null,
      false,
    )
    await refused(a, fake.message, /identity key that is not theirs/)
  }, 60_000)

  it('refuses a user marked removed undoing it before his devices are out, on every honest client', async () => {
    const w = await world()
    const { bob } = w
    // The owner marks bob removed; her client stops before taking his device out.
    const mark = await w.a.commit({ state: dropProfile(bob.userId, w.a.epoch) })
    const a = mark.group
    const [b] = await deliver(mark.message, [w.b])
    // His client's own first profile commit, as a joiner makes it: his side refuses it first.
    await expect(profileCommit(b, bob, 'bob again')).rejects.toThrow(/was removed/)
    // A modified client sends it anyway; or clears the mark; or holds the group up with commits.
    const { serverStateExtension } = await import('./server-state')
    const tries: Array<(s: ServerState) => ServerState> = [
      ownProfile(b, bob, 'bob again'),
      (s) => ({ ...ownProfile(b, bob, 'bob again')(s), removed: {} }),
      (s) => ({ ...s, removed: {} }),
    ]
    for (const change of tries) {
      const forged = await rawCommit(b, {
        extraProposals: [
          {
            proposalType: 'group_context_extensions',
            groupContextExtensions: { extensions: [serverStateExtension(change(b.state))] },
          },
        ],
      })
      await refused(a, forged, /was removed/)
    }
    await refused(a, await rawCommit(b, {}), /was removed/)
    // The mark stands, and his device goes with the next commit.
    expect(a.state.members[bob.userId]).toBeUndefined()
    const removal = await a.commit({ removeUsers: [bob.userId] })
    const seen = await b.process(removal.message)
    expect('removedHere' in seen && seen.removedHere).toBe(true)
  }, 60_000)

  it('lets a removed user back with an invite made after it: that device no plain member takes out', async () => {
    const w = await world()
    const { alice, bob, invite } = w
    let { a, b } = w
    const carol = person()
    const joined = await ServerGroup.join(await a.groupInfo(), carol, invite)
    ;[a, b] = await deliver(joined.message, [a, b])
    const carolProfile = await profileCommit(joined.group, carol, 'carol')
    let c = carolProfile.group
    ;[a, b] = await deliver(carolProfile.message, [a, b])
    const mark = await a.commit({ state: dropProfile(bob.userId, a.epoch) })
    a = mark.group
    ;[b, c] = await deliver(mark.message, [b, c])
    // The invite he joined with first no longer brings him back; one made after the mark does.
    await expect(
      ServerGroup.join(await a.groupInfo(), { ...bob, deviceId: 'd2' }, invite),
    ).rejects.toThrow(/was removed/)
    const stale = await ServerGroup.join(
      await a.groupInfo(),
      { ...bob, deviceId: 'd2' },
      invite,
      false,
    )
    await refused(a, stale.message, /was removed/)
    const fresh = inviteKeys(randomKey())
    const created = await a.commit({ state: withInvite(alice.userId, a.epoch, fresh) })
    a = created.group
    ;[b, c] = await deliver(created.message, [b, c])
    const back = await ServerGroup.join(await a.groupInfo(), { ...bob, deviceId: 'd2' }, fresh)
    ;[a, b, c] = await deliver(back.message, [a, b, c])
    let b2 = back.group
    const oldLeaf = b.ownLeafIndex()
    const newLeaf = b2.ownLeafIndex()
    // Carol may take out his old device, never the one that came back.
    await expect(c.commit({ removeLeaves: [newLeaf] })).rejects.toThrow(/may not remove/)
    const forged = await rawCommit(c, {
      extraProposals: [{ proposalType: 'remove', remove: { removed: newLeaf } }],
    })
    await refused(a, forged, /may not remove/)
    await refused(b2, forged, /may not remove/)
    const tidy = await c.commit({ removeLeaves: [oldLeaf] })
    c = tidy.group
    ;[a, b2] = await deliver(tidy.message, [a, b2])
    const gone = await b.process(tidy.message)
    expect('removedHere' in gone && gone.removedHere).toBe(true)
    // His first commit from the device that came back puts his profile in again.
    const profile = await profileCommit(b2, bob, 'bob')
    ;[a, c] = await deliver(profile.message, [a, c])
    expect(a.state.members[bob.userId]?.joinedVia).toBe(fresh.inviteId)
    expect(toBase64Url(profile.group.epochAuthenticator())).toBe(
      toBase64Url(a.epochAuthenticator()),
    )
    expect(
      c
        .leaves()
        .filter((l) => l.userId === bob.userId)
        .map((l) => l.leafIndex),
    ).toEqual([newLeaf])
  }, 60_000)

  it('shows a fork: two commits for one epoch give different safety codes', async () => {
    const { a, b } = await world()
    const one = await a.commit({ state: (s) => ({ ...s, name: 'One' }) })
    const two = await a.commit({ state: (s) => ({ ...s, name: 'Two' }) })
    const [bOne] = await deliver(one.message, [b])
    const [bTwo] = await deliver(two.message, [b])
    expect(toBase64Url(bOne.epochAuthenticator())).not.toBe(toBase64Url(bTwo.epochAuthenticator()))
    expect(decodeMlsMessage(one.message, 0)).toBeTruthy()
  }, 60_000)
})

describe('names and statuses', () => {
  /** A state change as a modified client sends it: made with the library, no rule checked. */
  function forgedChange(group: ServerGroup, change: (s: ServerState) => ServerState) {
    return rawCommit(group, {
      extraProposals: [
        {
          proposalType: 'group_context_extensions',
          groupContextExtensions: { extensions: [serverStateExtension(change(group.state))] },
        },
      ],
    })
  }

  function profileChange(userId: string, profile: { displayName?: string; status?: string }) {
    return (s: ServerState): ServerState => ({
      ...s,
      members: { ...s.members, [userId]: { ...s.members[userId]!, ...profile } },
    })
  }

  const channel = (name: string, position: number) =>
    ({ name, kind: 'text', burnSeconds: 3600, position }) as const

  it('refuses a name that reorders text, breaks a line or hides a control, on every honest client', async () => {
    const { a, b, bob } = await world()
    const attempts: [ServerGroup, ServerGroup, (s: ServerState) => ServerState, RegExp][] = [
      [
        b,
        a,
        profileChange(bob.userId, { displayName: 'bob\u202Enimda' }),
        new RegExp(`^the display name of ${bob.userId} contains U\\+202E, a direction control`),
      ],
      [
        b,
        a,
        profileChange(bob.userId, { status: 'away\u2066' }),
        new RegExp(`^the status of ${bob.userId} contains U\\+2066, a direction control`),
      ],
      [
        a,
        b,
        (s) => ({ ...s, channels: { c1: channel('general\nowner: bob', 0) } }),
        /^the name of channel c1 contains U\+000A, a control character$/,
      ],
      [
        a,
        b,
        (s) => ({ ...s, name: 'Hide\u0000out' }),
        /^the server name contains U\+0000, a control character$/,
      ],
      [
        a,
        b,
        (s) => ({ ...s, name: 'Hide\u200Bout' }),
        /^the server name contains U\+200B, an invisible character$/,
      ],
    ]
    for (const [sender, receiver, change, reason] of attempts) {
      // The sender's own honest client would not send it; a modified one does, and is refused.
      await expect(sender.commit({ state: change })).rejects.toThrow(reason)
      await refused(receiver, await forgedChange(sender, change), reason)
    }
  }, 60_000)

  it('takes names in any script, and emoji sequences joined with U+200D', async () => {
    const w = await world()
    let { a, b } = w
    const channels = {
      c1: channel('مرحبا بالجميع', 0), // Arabic
      c2: channel('聊天室', 1), // Chinese
      c3: channel('می\u200Cخواهم', 2), // Persian, with the non-joiner its spelling needs
      c4: channel('हिन्दी', 3), // Devanagari, with a virama
    }
    const server = await a.commit({
      state: (s) => ({ ...s, name: '👩\u200D👩\u200D👧 בית', channels }),
    })
    a = server.group
    ;[b] = await deliver(server.message, [b])
    const profile = await b.commit({
      state: profileChange(w.bob.userId, { displayName: 'דנה כהן 🏳️‍🌈', status: 'في اجتماع 🧑🏽‍💻' }),
    })
    b = profile.group
    ;[a] = await deliver(profile.message, [a])
    expect(a.state.name).toBe('👩\u200D👩\u200D👧 בית')
    expect(a.state.channels).toEqual(channels)
    expect(a.state.members[w.bob.userId]).toMatchObject({
      displayName: 'דנה כהן 🏳️‍🌈',
      status: 'في اجتماع 🧑🏽‍💻',
    })
    expect(toBase64Url(a.epochAuthenticator())).toBe(toBase64Url(b.epochAuthenticator()))
  }, 60_000)

  it('judges only what a commit sets: a name already in the state does not stop later commits', async () => {
    // A state made before names were judged, or by a founder's modified client.
    const { a, people } = await serverGroup('Old\u200Fname', 'alice\u202E', ['bob'])
    expect(a.state.members[people[0]!.userId]?.displayName).toBe('bob')
    // Changing the old name is judged like any other.
    await expect(a.commit({ state: (s) => ({ ...s, name: 'New\u200Fname' }) })).rejects.toThrow(
      /server name contains U\+200F/,
    )
  }, 60_000)
})
