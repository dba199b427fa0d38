// A removed member coming back, against the real backend: the invite he held from before his
// removal is refused with the reason, an invite made after it lets him in again (beside a
// newcomer using the same invite), and nothing sent while he was out reaches him, by his
// client or by any key his device holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { InviteInfo } from '../../shared/api'
import type { Shard } from '../../shared/protocol'
import {
  newUser,
  sharedServer,
  startBackend,
  texts,
  waitFor,
  type Backend,
  type TestUser,
} from '../sync/test-world'
import {
  contentKeysFrom,
  copyServerState,
  epochSecretsHeld,
  openBackendStore,
  opensWithAny,
  secretValues,
  type BackendStore,
} from './test-adversary'

let backend: Backend
let store: BackendStore
let alice: TestUser
let bob: TestUser
let carol: TestUser
let serverId: string
let general: string

beforeAll(async () => {
  backend = await startBackend('paracord-rejoin-')
  store = openBackendStore(backend)
  ;[alice, bob, carol] = await Promise.all([
    newUser(backend, 'alice'),
    newUser(backend, 'bob'),
    newUser(backend, 'carol'),
  ])
})

afterAll(async () => {
  store?.close()
  await Promise.all([alice, bob, carol].map((u) => u?.dispose()))
  await backend?.dispose()
})

/** Every member's client shows exactly `users`, each with their profile in. */
const membersSeenBy = (viewers: readonly TestUser[], users: readonly TestUser[]) =>
  viewers.every((viewer) => {
    const members = viewer.servers.getServer(serverId).members
    return (
      members.length === users.length &&
      users.every((u) => members.some((m) => m.userId === u.session.userId)) &&
      members.every((m) => m.displayName !== 'New member')
    )
  })

describe('a removed member comes back with an invite made after the removal', () => {
  let oldInvite: InviteInfo
  /** The channel shard alice sent while bob was out. */
  let whileOut: Shard

  it('joins and talks with the owner', async () => {
    ;({ serverId, general, invite: oldInvite } = await sharedServer(alice, [bob], 'Comeback Club'))
    await alice.messages.sendMessage({ serverId, channelId: general, text: 'welcome bob' })
    await waitFor(() => texts(bob, serverId, general).includes('welcome bob'), 'bob to read alice')
    await bob.messages.sendMessage({ serverId, channelId: general, text: 'thanks alice' })
    await waitFor(
      () => texts(alice, serverId, general).includes('thanks alice'),
      'alice to read bob',
    )
  })

  it('is removed: his client is told and drops the server', async () => {
    await alice.servers.removeMember(serverId, bob.session.userId)
    await waitFor(
      () => bob.seen.serverRemoved.some((e) => e.serverId === serverId && e.reason === 'removed'),
      'bob’s client to learn of his removal',
    )
    expect(bob.servers.listServers()).toEqual([])
    expect(bob.session.vault().servers[serverId]).toBeUndefined()
    expect(bob.servers.io.has(serverId)).toBe(false)
    expect(alice.servers.getServer(serverId).members.map((m) => m.userId)).toEqual([
      alice.session.userId,
    ])

    const before = store.head(general)
    await alice.messages.sendMessage({ serverId, channelId: general, text: 'while bob is out' })
    const sent = store.shards(general).filter((s) => s.seq > before)
    expect(sent).toHaveLength(1)
    whileOut = sent[0]!
  })

  it('is refused with the invite he held from before, and told to ask for a new one', async () => {
    // Unlimited and never revoked: only his removal stands in the way.
    expect((await alice.servers.listInvites(serverId)).find((i) => i.id === oldInvite.id)).toEqual(
      expect.objectContaining({ revoked: false, maxUses: null }),
    )
    const epoch = alice.servers.getServer(serverId).epoch
    await expect(bob.servers.joinByInvite(oldInvite.link)).rejects.toMatchObject({
      code: 'invite_invalid',
      message:
        'This invite cannot be used: you were removed from this server; ask for a new invite.',
    })
    // Refused on his own device: nothing was posted, nothing was half-joined.
    await alice.servers.catchUp(serverId)
    expect(alice.servers.getServer(serverId).epoch).toBe(epoch)
    expect(bob.servers.listServers()).toEqual([])
    expect(bob.session.vault().servers[serverId]).toBeUndefined()
  })

  it('joins with a new invite, and so does a newcomer with the same one', async () => {
    const fresh = await alice.servers.createInvite(serverId, null, null)
    const back = await bob.servers.joinByInvite(fresh.code)
    expect(back).toMatchObject({ id: serverId, name: 'Comeback Club', myRole: 'member' })
    expect(bob.servers.listServers().map((s) => s.id)).toEqual([serverId])
    expect(bob.session.vault().servers[serverId]).toHaveProperty('joinedAt')
    await carol.servers.joinByInvite(fresh.link)
    await waitFor(
      () => membersSeenBy([alice, bob, carol], [alice, bob, carol]),
      'everyone to see bob and carol in',
    )
    const joinedVia = Object.fromEntries(
      alice.servers.getServer(serverId).members.map((m) => [m.displayName, m.joinedVia]),
    )
    expect(joinedVia).toEqual({ alice: null, bob: fresh.id, carol: fresh.id })
    expect((await alice.servers.listInvites(serverId)).find((i) => i.id === fresh.id)).toEqual(
      expect.objectContaining({ uses: 2, revoked: false }),
    )
  })

  it('reads and is read after coming back, but never what was sent while he was out', async () => {
    await alice.messages.sendMessage({ serverId, channelId: general, text: 'welcome back bob' })
    await waitFor(
      () =>
        texts(bob, serverId, general).includes('welcome back bob') &&
        texts(carol, serverId, general).includes('welcome back bob'),
      'bob and carol to read alice',
    )
    await bob.messages.sendMessage({ serverId, channelId: general, text: 'glad to be back' })
    await carol.messages.sendMessage({ serverId, channelId: general, text: 'hi all' })
    await waitFor(
      () => ['glad to be back', 'hi all'].every((t) => texts(alice, serverId, general).includes(t)),
      'alice to read bob and carol',
    )
    await waitFor(() => texts(bob, serverId, general).includes('hi all'), 'bob to read carol')
    await waitFor(
      () => texts(carol, serverId, general).includes('glad to be back'),
      'carol to read bob',
    )
    // His client has read past it in the channel, and shows nothing of it…
    expect(texts(alice, serverId, general)).toContain('while bob is out')
    expect(texts(bob, serverId, general)).not.toContain('while bob is out')
    expect(bob.session.cache.getMessage(whileOut.id)).toBeNull()
    // …nor does any key his device holds now open it (the check opens what he may read).
    const held = contentKeysFrom(
      secretValues(await epochSecretsHeld(copyServerState(bob, serverId))),
      general,
    )
    const after = store.shards(general).filter((s) => s.seq > whileOut.seq)
    expect(after.some((s) => opensWithAny(s, held))).toBe(true)
    expect(opensWithAny(whileOut, held)).toBe(false)
  })
})

describe('a member removed while his client was closed', () => {
  it('joins with a new invite at once: his client reads of the removal first, then joins', async () => {
    const me = bob.session.userId
    // Bob's app is closed: his client reads nothing while alice removes him.
    await bob.sync.stop()
    await bob.servers.idle()
    const epochHeld = bob.servers.io.group(serverId)!.epoch
    const toldBefore = bob.seen.serverRemoved.length
    await alice.servers.removeMember(serverId, me)
    expect(alice.servers.getServer(serverId).members.map((m) => m.userId)).not.toContain(me)
    expect(bob.servers.io.group(serverId)!.epoch).toBe(epochHeld)
    expect(bob.session.vault().servers[serverId]).toBeDefined()

    // He opens it and joins with the invite alice sent him since, before sync has read anything.
    const fresh = await alice.servers.createInvite(serverId, 1, null)
    const back = await bob.servers.joinByInvite(fresh.code)
    expect(back).toMatchObject({ id: serverId, name: 'Comeback Club', myRole: 'member' })
    // His client took the removal as sync would have (and said so), then joined again.
    expect(bob.seen.serverRemoved.slice(toldBefore)).toEqual([{ serverId, reason: 'removed' }])
    expect(bob.session.vault().servers[serverId]).toHaveProperty('joinedAt')
    bob.sync.start()
    await waitFor(
      () => membersSeenBy([alice, bob, carol], [alice, bob, carol]),
      'everyone to see bob in again',
    )
    expect(
      alice.servers.io
        .group(serverId)!
        .leaves()
        .filter((leaf) => leaf.userId === me),
    ).toHaveLength(1)
    await alice.messages.sendMessage({ serverId, channelId: general, text: 'back once more' })
    await waitFor(() => texts(bob, serverId, general).includes('back once more'), 'bob to read')
    await bob.messages.sendMessage({ serverId, channelId: general, text: 'for good this time' })
    await waitFor(
      () => texts(carol, serverId, general).includes('for good this time'),
      'carol to read bob',
    )
  })
})

describe('in the background', () => {
  it('nothing failed while all of the above happened', () => {
    for (const user of [alice, bob, carol]) expect(user.errors).toEqual([])
  })
})
