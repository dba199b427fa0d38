// Servers against the real backend: founding, channels, invites and joining, roles, leaving,
// and changes a member has no authority to make.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ParacordError } from '../../shared/api'
import { toBase64Url } from '../../shared/encoding'
import { shardPayload } from '../../shared/protocol'
import { createCommit, emptyPskIndex, encodeMlsMessage, type Proposal } from 'ts-mls'
import { signPayloadB64 } from '../crypto'
import { serverStateExtension, type ServerState } from '../mls/server-state'
import { mlsSuite } from '../mls/suite'
import { sealItem } from '../shard-codec'
import { startBackend, newUser, waitFor, type Backend, type TestUser } from '../sync/test-world'
import { randomId } from './ids'
import { inviteAppLink } from '../../shared/invite-link'

let backend: Backend
let olga: TestUser
let alice: TestUser
let bob: TestUser

beforeAll(async () => {
  backend = await startBackend()
  ;[olga, alice, bob] = await Promise.all([
    newUser(backend, 'olga'),
    newUser(backend, 'alice'),
    newUser(backend, 'bob'),
  ])
})

afterAll(async () => {
  await Promise.all([olga, alice, bob].map((u) => u?.dispose()))
  await backend?.dispose()
})

async function rejection(promise: Promise<unknown>): Promise<ParacordError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof ParacordError) return error
    throw error
  }
  throw new Error('expected the call to fail')
}

/**
 * Posts a commit the way a modified client would: made with the MLS library directly, without
 * the rules a paracord client checks its own commits against, sealed and posted with the valid
 * keys of the epoch.
 */
async function postRawCommit(user: TestUser, serverId: string, proposals: Proposal[]) {
  const group = user.servers.io.group(serverId)!
  const result = await createCommit(
    { state: group.client, cipherSuite: await mlsSuite(), pskIndex: emptyPskIndex },
    { extraProposals: proposals, wireAsPublicMessage: true },
  )
  await postLogItem(user, serverId, user.servers.keyring.currentEpoch(serverId), {
    t: 'mls',
    m: toBase64Url(encodeMlsMessage(result.commit)),
  })
}

/** Seals and posts one log item with the keys of `epoch`, as any client of the epoch can. */
async function postLogItem(user: TestUser, serverId: string, epoch: number, item: unknown) {
  const keys = user.servers.keyring.streamKeys(serverId, serverId, epoch)!
  const shardId = randomId()
  const body = sealItem(
    { stream: serverId, shardId, burnAt: null },
    epoch,
    keys.contentKey,
    {
      userId: user.session.userId,
      signPublicKey: user.session.identity.signing.publicKey,
      signSecretKey: user.session.identity.signing.privateKey,
    },
    item,
  )
  const signature = signPayloadB64(
    shardPayload({ stream: serverId, id: shardId, burnAt: null, body }),
    keys.post.privateKey,
  )
  await user.session.client.postShard(serverId, { id: shardId, body, burnAt: null, signature })
}

function stateChange(
  user: TestUser,
  serverId: string,
  change: (s: ServerState) => ServerState,
): Proposal {
  const state = user.servers.io.group(serverId)!.state
  return {
    proposalType: 'group_context_extensions',
    groupContextExtensions: { extensions: [serverStateExtension(change(state))] },
  }
}

describe('a new server', () => {
  it('starts with its founder as owner and a general text channel burning after a day', async () => {
    const server = await olga.servers.createServer('Rope Club')
    expect(server.name).toBe('Rope Club')
    expect(server.myRole).toBe('owner')
    expect(server.epoch).toBe(1)
    expect(server.channels).toEqual([
      expect.objectContaining({ name: 'general', kind: 'text', burnSeconds: 86_400 }),
    ])
    expect(server.members).toEqual([
      expect.objectContaining({ userId: olga.session.userId, role: 'owner', displayName: 'olga' }),
    ])
    expect(server.permissions).toEqual({
      canPost: true,
      canManageChannels: true,
      canInvite: true,
      canRemoveMembers: true,
      canChangeRoles: true,
    })
    expect(olga.servers.listServers()).toEqual([
      { id: server.id, name: 'Rope Club', myRole: 'owner', unread: 0 },
    ])
    expect(olga.session.vault().servers[server.id]).toHaveProperty('joinedAt')
    expect(server.safetyCode).toMatch(/^\d{5}( \d{5}){5}$/)
  })
})

describe('invites and joining', () => {
  let serverId: string

  beforeAll(async () => {
    serverId = (await olga.servers.createServer('Knots')).id
  })

  it('lets a user join by code and another by link, and both see the same server', async () => {
    const invite = await olga.servers.createInvite(serverId, null, 3600)
    // A short code that no command line takes for an option, and a link naming the server.
    expect(invite.code).toMatch(/^[0-9a-z]{26}$/)
    expect(invite.link).toBe(`${backend.url}/invite#${invite.code}`)
    expect(invite.server).toBe(backend.url)
    expect(invite).toMatchObject({ maxUses: null, uses: 0, revoked: false })

    const joined = await alice.servers.joinByInvite(invite.code)
    expect(joined.id).toBe(serverId)
    expect(joined.myRole).toBe('member')
    expect(joined.permissions.canManageChannels).toBe(false)
    await bob.servers.joinByInvite(invite.link)

    // Each joiner's first commit adds their profile and counts the invite's use.
    await waitFor(() => {
      const members = olga.servers.getServer(serverId).members
      return members.length === 3 && members.every((m) => m.displayName !== 'New member')
    }, 'the owner to see both joins')
    // Each join shows the invite it used; the founder used none.
    const names = olga.servers
      .getServer(serverId)
      .members.map((m) => [m.displayName, m.role, m.joinedVia])
    expect(names).toEqual([
      ['olga', 'owner', null],
      ['alice', 'member', invite.id],
      ['bob', 'member', invite.id],
    ])
    expect((await olga.servers.listInvites(serverId))[0]).toMatchObject({ id: invite.id, uses: 2 })
  })

  it('refuses an invite that is used up, revoked, expired or not an invite at all', async () => {
    const carol = await newUser(backend, 'carol', false)
    try {
      const once = await olga.servers.createInvite(serverId, 1, null)
      await carol.servers.joinByInvite(once.code)
      await carol.servers.leaveServer(serverId)
      const usedUp = await rejection(carol.servers.joinByInvite(once.code))
      expect(usedUp.code).toBe('invite_invalid')
      // Used up: no join key is sealed to it any more, and its maker deletes it.
      expect(usedUp.message).toMatch(/used up|unknown/)

      const revoked = await olga.servers.createInvite(serverId, null, null)
      await olga.servers.revokeInvite(serverId, revoked.id)
      const afterRevoke = await rejection(carol.servers.joinByInvite(revoked.link))
      expect(afterRevoke.code).toBe('invite_invalid')
      expect(afterRevoke.message).toMatch(/revoked/)
      // Revoked, then deleted with its keys by the upkeep of the member who made it.
      const listed = (await olga.servers.listInvites(serverId)).find((i) => i.id === revoked.id)
      expect(listed === undefined || listed.revoked).toBe(true)

      const shortLived = await olga.servers.createInvite(serverId, null, 1)
      await new Promise((resolve) => setTimeout(resolve, 1200))
      const expired = await rejection(carol.servers.joinByInvite(shortLived.code))
      expect(expired.code).toBe('invite_invalid')
      expect(expired.message).toMatch(/expired/)

      const garbage = await rejection(carol.servers.joinByInvite('paracord://invite/not-a-code'))
      expect(garbage.code).toBe('invite_invalid')
      const unknown = await rejection(carol.servers.joinByInvite('0'.repeat(26)))
      expect(unknown.code).toBe('invite_invalid')
      expect(unknown.message).toMatch(/unknown/)

      // A link naming another server: every server keeps its own accounts, so it is refused
      // before anything is asked of this one.
      const valid = await olga.servers.createInvite(serverId, null, null)
      for (const link of [
        `https://chat.example.org/invite#${valid.code}`,
        inviteAppLink(valid.code, 'https://chat.example.org'),
      ]) {
        const elsewhere = await rejection(carol.servers.joinByInvite(link))
        expect(elsewhere.code).toBe('invite_invalid')
        expect(elsewhere.message).toMatch(
          /for the server at chat\.example\.org, and your account is on 127\.0\.0\.1/,
        )
      }
      const insecure = await rejection(
        carol.servers.joinByInvite(inviteAppLink(valid.code, 'http://chat.example.org')),
      )
      expect(insecure.message).toMatch(/must use https/)

      // Nothing was half-joined along the way.
      expect(carol.session.vault().servers[serverId]).toBeUndefined()
      expect(carol.servers.listServers()).toEqual([])
    } finally {
      await carol.dispose()
    }
  })

  it('keeps channel management to admins, and a promoted member becomes one', async () => {
    const refused = await rejection(
      alice.servers.createChannel(serverId, { name: 'alice', kind: 'text', burnSeconds: 60 }),
    )
    expect(refused.code).toBe('forbidden')

    const channel = await olga.servers.createChannel(serverId, {
      name: 'voice-room',
      kind: 'voice',
      burnSeconds: 60,
    })
    expect(channel).toMatchObject({ name: 'voice-room', kind: 'voice', burnSeconds: 60 })
    const renamed = await olga.servers.updateChannel(serverId, channel.id, { name: 'lounge' })
    expect(renamed.name).toBe('lounge')

    // Promotion is a commit every member checks came from the owner.
    await olga.servers.setRole(serverId, alice.session.userId, 'admin')
    await waitFor(
      () => alice.servers.getServer(serverId).myRole === 'admin',
      'the new admin to see the role',
    )
    const made = await alice.servers.createChannel(serverId, {
      name: 'admins',
      kind: 'text',
      burnSeconds: 3600,
    })
    await waitFor(
      () => bob.servers.getServer(serverId).channels.some((c) => c.id === made.id),
      'the member to see the new channel',
    )
    await alice.servers.deleteChannel(serverId, made.id)
    await waitFor(
      () => !bob.servers.getServer(serverId).channels.some((c) => c.id === made.id),
      'the member to see the channel go',
    )
    const renameServer = await rejection(bob.servers.renameServer(serverId, 'Bob’s'))
    expect(renameServer.code).toBe('forbidden')
    expect((await olga.servers.renameServer(serverId, 'Knots & Co')).name).toBe('Knots & Co')
    await waitFor(() => bob.servers.getServer(serverId).name === 'Knots & Co', 'the rename')
  })

  it('refuses and reports on every client the changes a plain member commits with valid keys', async () => {
    await bob.servers.catchUp(serverId)
    const before = bob.servers.getServer(serverId)
    const reportsBefore = olga.seen.spineRejected.length
    await postRawCommit(bob, serverId, [
      stateChange(bob, serverId, (s) => ({
        ...s,
        channels: {
          ...s.channels,
          [randomId()]: { name: 'forged', kind: 'text', burnSeconds: 60, position: 99 },
        },
      })),
    ])
    await waitFor(
      () => olga.seen.spineRejected.length > reportsBefore,
      'the owner to report the forged change',
    )
    expect(olga.seen.spineRejected.at(-1)).toMatchObject({ serverId })
    expect(olga.seen.spineRejected.at(-1)!.reason).toMatch(/may not change channels/)
    const olgaLeaf = olga.servers.io.group(serverId)!.ownLeafIndex()
    await postRawCommit(bob, serverId, [{ proposalType: 'remove', remove: { removed: olgaLeaf } }])
    await waitFor(
      () => olga.seen.spineRejected.length > reportsBefore + 1,
      'the owner to report the forged removal',
    )
    expect(olga.seen.spineRejected.at(-1)!.reason).toMatch(/may not remove/)
    await olga.servers.catchUp(serverId)
    await alice.servers.catchUp(serverId)
    for (const user of [olga, alice]) {
      const seen = user.servers.getServer(serverId)
      expect(seen.channels.map((c) => c.id)).toEqual(before.channels.map((c) => c.id))
      expect(seen.members.map((m) => m.userId)).toContain(olga.session.userId)
      expect(seen.epoch).toBe(before.epoch)
    }
    // The sender's own client took neither, and the group takes honest changes after them.
    await bob.servers.catchUp(serverId)
    expect(bob.servers.getServer(serverId).epoch).toBe(before.epoch)
    await olga.servers.updateChannel(serverId, before.channels[0]!.id, { burnSeconds: 7200 })
    await waitFor(
      () => alice.servers.getServer(serverId).channels[0]!.burnSeconds === 7200,
      'an honest change after the forged ones',
    )
  })

  it('publishes profile changes in every joined server', async () => {
    await bob.servers.updateProfile({ displayName: 'Bobby', status: 'tying knots' })
    await waitFor(
      () =>
        olga.servers
          .getServer(serverId)
          .members.some((m) => m.displayName === 'Bobby' && m.status === 'tying knots'),
      'the new profile to arrive',
    )
  })

  it('moves the streams on when the member who made a commit stopped before doing so', async () => {
    // A commit alone, as a client that crashed right after posting it leaves it.
    await olga.servers.io.commit(
      serverId,
      () => ({}),
      (epoch, item) => postLogItem(olga, serverId, epoch, item),
    )
    const epoch = olga.servers.keyring.currentEpoch(serverId)
    const general = olga.servers.getServer(serverId).channels.find((c) => c.kind === 'text')!
    const streamEpoch = async (streamId: string) => {
      const info = await alice.servers.keyring.streamInfo(serverId, streamId, true)
      return alice.servers.keyring.keyVersions(serverId, streamId, info).at(-1)?.epoch
    }
    // Alice's client takes the commit and, finding the streams behind, moves them on.
    await alice.servers.catchUp(serverId)
    expect(alice.servers.keyring.currentEpoch(serverId)).toBe(epoch)
    for (let i = 0; i < 100; i++) {
      if ((await streamEpoch(serverId)) === epoch && (await streamEpoch(general.id)) === epoch)
        break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(await streamEpoch(general.id)).toBe(epoch)
    // Everyone carries on in the new epoch.
    await alice.messages.sendMessage({ serverId, channelId: general.id, text: 'still here' })
    await waitFor(
      () =>
        olga.messages
          .listMessages({ serverId, channelId: general.id, limit: 10 })
          .messages.some((m) => m.text === 'still here'),
      'olga to read alice in the new epoch',
    )
  })

  it('lets a member leave; the server is gone from their list and a member commits the leave', async () => {
    const epoch = olga.servers.getServer(serverId).epoch
    await bob.servers.leaveServer(serverId)
    expect(bob.servers.listServers().map((s) => s.id)).not.toContain(serverId)
    expect(bob.session.vault().servers[serverId]).toBeUndefined()
    expect(bob.seen.serverRemoved).toContainEqual({ serverId, reason: 'left' })
    await waitFor(
      () =>
        olga.servers.getServer(serverId).epoch === epoch + 1 &&
        alice.servers.getServer(serverId).epoch === epoch + 1,
      'the commit of the leave',
    )
    expect(olga.servers.getServer(serverId).members.map((m) => m.userId)).not.toContain(
      bob.session.userId,
    )
    const refused = await rejection(olga.servers.leaveServer(serverId))
    expect(refused.code).toBe('forbidden')
  })
})

describe('in the background', () => {
  it('nothing failed while all of the above happened', () => {
    for (const user of [olga, alice, bob]) expect(user.errors).toEqual([])
  })
})
