// Hostile members against the real backend, with a backend that colludes with them where it
// helps the attack: a removed admin who kept every key her device held and is handed every
// shard, a demoted admin who still tries to remove, joins without the invite secret or with a
// revoked one, and a commit of an epoch the group has left. Each attack fails, and the honest
// members' clients show it as a warning.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromBase64Url, toBase64Url } from '../../shared/encoding'
import { createCommit, emptyPskIndex, encodeMlsMessage, type Proposal } from 'ts-mls'
import { randomKey } from '../crypto'
import { ServerGroup } from '../mls/group'
import { inviteKeys, type InviteKeys } from '../mls/invite-keys'
import { serverStateExtension, type ServerState } from '../mls/server-state'
import { mlsSuite } from '../mls/suite'
import { channelKeys, logKeys } from '../server-keys'
import { bodyEpoch } from '../shard-codec'
import {
  newUser,
  sharedServer,
  startBackend,
  texts,
  waitFor,
  type Backend,
  type TestUser,
} from '../sync/test-world'
import { loadServer, keyEpochOf } from './group-store'
import { isApiCode } from './errors'
import { randomId } from './ids'
import { parseInvite } from './invite-codec'
import { openJoinMaterial } from './join-info'
import { markRemoved } from './membership'
import {
  authorOf,
  contentKeysFrom,
  contextOf,
  copyServerState,
  followLog,
  messageItem,
  openBackendStore,
  opensWithAny,
  postThroughDoor,
  reopened,
  sealAs,
  secretValues,
  type BackendStore,
  type FollowedLog,
} from './test-adversary'

let backend: Backend
let store: BackendStore
let olga: TestUser
let alice: TestUser
let bob: TestUser
let carol: TestUser
let mallory: TestUser
let serverId: string
let general: string
/** What alice's modified client reached from the copy it kept before her removal. */
let kept: FollowedLog

beforeAll(async () => {
  backend = await startBackend('paracord-adversarial-members-')
  store = openBackendStore(backend)
  ;[olga, alice, bob, carol] = await Promise.all([
    newUser(backend, 'olga'),
    newUser(backend, 'alice'),
    newUser(backend, 'bob'),
    newUser(backend, 'carol'),
  ])
  mallory = await newUser(backend, 'mallory', false)
  ;({ serverId, general } = await sharedServer(olga, [alice, bob, carol], 'Hostile Club'))
})

afterAll(async () => {
  store?.close()
  await Promise.all([olga, alice, bob, carol, mallory].map((u) => u?.dispose()))
  await backend?.dispose()
})

const warnings = (user: TestUser) =>
  user.seen.spineRejected.filter((w) => w.serverId === serverId).map((w) => w.reason)

/** Every user caught up with the log, all at one epoch. */
async function inStep(users: readonly TestUser[]) {
  for (let round = 0; round < 20; round++) {
    for (const user of users) await user.servers.catchUp(serverId)
    const epochs = new Set(users.map((u) => u.servers.getServer(serverId).epoch))
    if (epochs.size === 1) return
  }
  throw new Error('the members did not come to one epoch')
}

/**
 * Makes `attack` post its commit once every user is in step, and checks that each user's
 * client refused it and said why (`reason`). A commit that another change beat to its epoch is
 * of a branch no one follows and is dropped without a word, so then the attack is made again.
 */
async function refusedByAll(
  users: readonly TestUser[],
  reason: RegExp,
  attack: () => Promise<void>,
) {
  for (let attempt = 0; attempt < 5; attempt++) {
    await inStep(users)
    const since = warningCounts(users)
    try {
      await attack()
    } catch (error) {
      // The log moved to a new epoch's keys before the post: in step again, and again.
      if (isApiCode(error, 'invalid_signature')) continue
      throw error
    }
    for (const user of users) await user.servers.catchUp(serverId)
    const warned = users.map((u) =>
      warnings(u)
        .slice(since.get(u))
        .some((w) => reason.test(w)),
    )
    if (warned.every(Boolean)) return
    if (warned.some(Boolean))
      throw new Error(
        `only some clients refused it: ${users.map((u, i) => `${u.name} ${warned[i]}`).join(', ')}`,
      )
  }
  throw new Error('the server kept changing under the attack')
}

const warningCounts = (users: readonly TestUser[]) =>
  new Map(users.map((user) => [user, warnings(user).length]))

/** Each user's view: epoch, safety code and members, for "nothing was taken" checks. */
const views = (users: readonly TestUser[]) =>
  users.map((user) => {
    const server = user.servers.getServer(serverId)
    return {
      epoch: server.epoch,
      code: server.safetyCode,
      members: server.members.map((m) => [m.userId, m.role]),
    }
  })

/** A commit made with the MLS library directly, skipping the rules a paracord client applies. */
async function rawCommit(group: ServerGroup, proposals: Proposal[]): Promise<string> {
  const result = await createCommit(
    { state: group.client, cipherSuite: await mlsSuite(), pskIndex: emptyPskIndex },
    { extraProposals: proposals, wireAsPublicMessage: true },
  )
  return toBase64Url(encodeMlsMessage(result.commit))
}

/** Posts one log item sealed under `join`'s log key of key epoch `epoch`, through the door. */
async function postToLog(
  poster: TestUser,
  epoch: number,
  join: Uint8Array,
  m: string,
  server = serverId,
) {
  const keys = logKeys(join, server)
  const id = randomId()
  const body = sealAs(authorOf(poster), server, { id, burnAt: null }, epoch, keys.contentKey, {
    t: 'mls',
    m,
  })
  await postThroughDoor(poster, server, { id, burnAt: null, body }, keys.post)
}

function stateChange(group: ServerGroup, change: (s: ServerState) => ServerState): Proposal {
  return {
    proposalType: 'group_context_extensions',
    groupContextExtensions: { extensions: [serverStateExtension(change(group.state))] },
  }
}

describe('a removed admin', () => {
  let removedAtSeq: number
  let logRemovedAtSeq: number

  it('reads nothing sent after her removal, with every key her device held and every shard', async () => {
    await olga.servers.setRole(serverId, alice.session.userId, 'admin')
    await waitFor(
      () => alice.servers.getServer(serverId).myRole === 'admin',
      'alice to see she is an admin',
    )
    await olga.messages.sendMessage({ serverId, channelId: general, text: 'before the removal' })
    await waitFor(
      () => texts(alice, serverId, general).includes('before the removal'),
      'alice to read the message before her removal',
    )
    // Her modified client keeps a copy of everything the device holds of the server.
    const copy = copyServerState(alice, serverId)

    await olga.servers.removeMember(serverId, alice.session.userId)
    removedAtSeq = store.head(general)
    logRemovedAtSeq = store.head(serverId)
    await waitFor(
      () => alice.seen.serverRemoved.some((e) => e.serverId === serverId && e.reason === 'removed'),
      'alice’s client to learn of her removal',
    )
    // Her own client keeps no key of the server.
    expect(loadServer(alice.session.cache, serverId)).toBeNull()
    expect(alice.servers.keyring.currentEpoch(serverId)).toBe(0)
    expect(alice.servers.keyring.knownEpochs(serverId)).toEqual([])

    await olga.messages.sendMessage({ serverId, channelId: general, text: 'after the removal' })
    await bob.messages.sendMessage({ serverId, channelId: general, text: 'bob, after it too' })
    const lounge = await olga.servers.createChannel(serverId, {
      name: 'lounge-after-alice',
      kind: 'text',
      burnSeconds: 3600,
    })
    await waitFor(
      () =>
        texts(carol, serverId, general).includes('bob, after it too') &&
        carol.servers.getServer(serverId).channels.some((c) => c.id === lounge.id),
      'carol to read both and see the new channel',
    )

    // The backend colludes: her copy follows the whole log it holds, as far as her keys go.
    kept = await followLog(copy, serverId, store.shards(serverId))
    expect(kept.removed).toBe(true)
    const channelKeysHeld = contentKeysFrom(secretValues(kept.secrets), general)
    const logKeysHeld = contentKeysFrom(secretValues(kept.secrets), serverId)
    const shards = store.shards(general)
    const before = shards.filter((s) => s.seq <= removedAtSeq)
    const after = shards.filter((s) => s.seq > removedAtSeq)
    expect(after).toHaveLength(2)
    // What she could read she still opens (the check sees keys when they are there)…
    expect(before.some((s) => opensWithAny(s, channelKeysHeld))).toBe(true)
    // …and nothing sent after her removal, in the channel or in the log, opens with them.
    expect(after.filter((s) => opensWithAny(s, channelKeysHeld))).toEqual([])
    const logAfter = store.shards(serverId).filter((s) => s.seq > logRemovedAtSeq)
    expect(logAfter.length).toBeGreaterThan(0)
    expect(logAfter.filter((s) => opensWithAny(s, logKeysHeld))).toEqual([])
    // Not even the group the removal left her with exports a key that opens them.
    const leftWith = await kept.lastActive.exportSecret('epoch', serverId)
    expect(after.filter((s) => opensWithAny(s, contentKeysFrom([leftWith], general)))).toEqual([])
  })

  it('is refused at the door when she posts with the keys she held', async () => {
    const last = Math.max(...kept.secrets.keys())
    const keys = channelKeys(kept.secrets.get(last)!, general)
    const id = randomId()
    const burnAt = Date.now() + 3600_000
    const body = sealAs(
      authorOf(alice),
      general,
      { id, burnAt },
      last,
      keys.contentKey,
      messageItem('knock knock', Date.now()),
    )
    await expect(
      postThroughDoor(alice, general, { id, burnAt, body }, keys.post),
    ).rejects.toMatchObject({ code: 'invalid_signature' })
  })

  // A backend that ignores the door stores what she seals with each epoch's keys she held.
  async function forgeFromAlice(text: string) {
    const ids: string[] = []
    for (const [epoch, secrets] of kept.secrets) {
      const id = randomId()
      const burnAt = Date.now() + 3600_000
      const body = sealAs(
        authorOf(alice),
        general,
        { id, burnAt },
        epoch,
        channelKeys(secrets, general).contentKey,
        messageItem(`${text} (epoch ${epoch})`, Date.now()),
      )
      store.inject(general, { id, body, burnAt })
      ids.push(id)
    }
    // An honest message after the forgeries brings them to every member's live connection.
    await olga.messages.sendMessage({ serverId, channelId: general, text: `after ${text}` })
    for (const user of [olga, bob, carol])
      await waitFor(
        () => texts(user, serverId, general).includes(`after ${text}`),
        `${user.name} to receive the shards after the forgery`,
      )
    return ids
  }

  it('posts nothing that any member’s client shows, whatever the backend stores', async () => {
    const refusedBefore = [olga, bob, carol].map((u) => u.messages.rejectedCount())
    const ids = await forgeFromAlice('let me back in')
    for (const user of [olga, bob, carol]) {
      expect(texts(user, serverId, general).filter((t) => t.startsWith('let me back in'))).toEqual(
        [],
      )
      for (const id of ids) expect(user.session.cache.getMessage(id)).toBeNull()
    }
    expect([olga, bob, carol].map((u) => u.messages.rejectedCount())).toEqual(
      refusedBefore.map((n) => n + ids.length),
    )
  })

  it('has every member’s client warn of what she posted after her removal', async () => {
    const since = warningCounts([olga, bob, carol])
    await forgeFromAlice('a warning, please')
    for (const user of [olga, bob, carol])
      expect(warnings(user).slice(since.get(user)).length).toBeGreaterThan(0)
  })
})

describe('a demoted admin', () => {
  it('cannot remove anyone: every client refuses her raw removal and warns', async () => {
    const me = carol.session.userId
    await olga.servers.setRole(serverId, me, 'admin')
    await waitFor(() => carol.servers.getServer(serverId).myRole === 'admin', 'carol promoted')
    await olga.servers.setRole(serverId, me, 'member')
    await waitFor(() => carol.servers.getServer(serverId).myRole === 'member', 'carol demoted')
    const honest = [olga, bob]
    await inStep([...honest, carol])
    const before = views(honest)

    // 1. Bob's leaf taken out directly, as an admin's client would.
    const postAsCarol = async (proposals: (group: ServerGroup) => Proposal[]) => {
      const group = carol.servers.io.group(serverId)!
      const epoch = keyEpochOf(group.epoch)
      const join = carol.servers.io.secrets(serverId, epoch)!.join
      await postToLog(carol, epoch, join, await rawCommit(group, proposals(group)))
    }
    const bobLeaf = (group: ServerGroup) =>
      group.leaves().find((l) => l.userId === bob.session.userId)!.leafIndex
    await refusedByAll([...honest, carol], /may not remove/, () =>
      postAsCarol((group) => [{ proposalType: 'remove', remove: { removed: bobLeaf(group) } }]),
    )
    // 2. Bob marked removed in the state first, as removeMember does.
    await refusedByAll([...honest, carol], /may not (mark|take the profile)/, () =>
      postAsCarol((group) => [
        stateChange(group, (s) => {
          const members = { ...s.members }
          delete members[bob.session.userId]
          return { ...s, members, removed: { ...s.removed, [bob.session.userId]: group.epoch } }
        }),
      ]),
    )
    expect(views(honest)).toEqual(before)
    expect(carol.servers.getServer(serverId).safetyCode).toBe(before[0]!.code)
    expect(bob.servers.getServer(serverId).members.map((m) => m.userId)).toContain(
      bob.session.userId,
    )
  })
})

describe('joining', () => {
  /** What a member who colludes hands an outsider: the group info and join key of now. */
  async function leakedByBob() {
    await bob.servers.catchUp(serverId)
    const group = bob.servers.io.group(serverId)!
    const epoch = keyEpochOf(group.epoch)
    return {
      groupInfo: await group.groupInfo(),
      epoch,
      join: bob.servers.io.secrets(serverId, epoch)!.join,
    }
  }

  async function joinAs(user: TestUser, invite: InviteKeys | null) {
    const leak = await leakedByBob()
    const signer = {
      userId: user.session.userId,
      deviceId: randomId(),
      identity: user.session.identity.signing,
    }
    // A modified client: the join is made and posted without the checks of its own rules.
    const { message } = await ServerGroup.join(leak.groupInfo, signer, invite, false)
    await postToLog(user, leak.epoch, leak.join, toBase64Url(message))
  }

  const honest = () => [olga, bob, carol]
  const inGroup = (user: TestUser) =>
    honest().some((u) => u.servers.io.group(serverId)!.userIds().includes(user.session.userId))

  it('needs the invite secret: no proof, or a proof without the secret, is refused by every client', async () => {
    await inStep(honest())
    const before = views(honest())
    await refusedByAll(honest(), /joined without an invite/, () => joinAs(mallory, null))
    expect(views(honest())).toEqual(before)

    // An invite's id (it is in the server state every member sees) with keys of a guess.
    const real = await olga.servers.createInvite(serverId, null, null)
    await inStep(honest())
    const afterInvite = views(honest())
    await refusedByAll(honest(), /does not hold the invite/, () =>
      joinAs(mallory, { ...inviteKeys(randomKey()), inviteId: real.id }),
    )
    expect(views(honest())).toEqual(afterInvite)
    expect(inGroup(mallory)).toBe(false)
  })

  it('refuses a revoked invite, and one opened before its revocation opens nothing sent after it', async () => {
    const dave = await newUser(backend, 'dave', false)
    try {
      const invite = await olga.servers.createInvite(serverId, null, null)
      const secret = parseInvite(invite.code)!.secret
      const keys = inviteKeys(secret)
      // Dave opens the join enclave while the invite is open: the join key of that epoch.
      const opened = (await openJoinMaterial(dave.session, serverId, [keys.box]))!
      expect(opened).not.toBeNull()
      const channelBefore = store.head(general)

      await olga.servers.revokeInvite(serverId, invite.id)
      await olga.messages.sendMessage({ serverId, channelId: general, text: 'after revoking' })
      await olga.servers.renameServer(serverId, 'Hostile Club, revoked')
      await waitFor(
        () => texts(bob, serverId, general).includes('after revoking'),
        'bob to read the message after the revocation',
      )

      // His own client refuses it, and the join enclave opens for him no more.
      await expect(dave.servers.joinByInvite(invite.code)).rejects.toMatchObject({
        code: 'invite_invalid',
      })
      expect(await openJoinMaterial(dave.session, serverId, [keys.box])).toBeNull()
      // What the invite gave him opens no channel shard at all, and nothing of the log after.
      const held = [opened.join, secret, keys.sign.privateKey.subarray(0, 32), keys.box.privateKey]
      const logShards = store.shards(serverId)
      // The log of the epoch he held opens (the check sees keys when they are there)…
      expect(
        logShards
          .filter((s) => bodyEpoch(s.body) === opened.epoch)
          .some((s) => opensWithAny(s, contentKeysFrom(held, serverId))),
      ).toBe(true)
      // …nothing sealed in a later one does.
      const logAfter = logShards.filter((s) => bodyEpoch(s.body) > opened.epoch)
      expect(logAfter.length).toBeGreaterThan(0)
      expect(logAfter.filter((s) => opensWithAny(s, contentKeysFrom(held, serverId)))).toEqual([])
      expect(
        store.shards(general).filter((s) => opensWithAny(s, contentKeysFrom(held, general))),
      ).toEqual([])
      expect(store.shards(general).some((s) => s.seq > channelBefore)).toBe(true)

      // With the group info a member leaks, his valid proof of the revoked invite: refused.
      // (Revoked, or already deleted from the state with its keys by its maker's client.)
      await refusedByAll(honest(), /revoked|does not have/, () => joinAs(dave, keys))
      expect(inGroup(dave)).toBe(false)
      // The maker's client deletes it: nothing of it is left in the state.
      await waitFor(
        () => honest().every((u) => !u.servers.io.group(serverId)!.state.invites[invite.id]),
        'the revoked invite to be deleted',
      )
    } finally {
      await dave.dispose()
    }
  })
})

describe('a commit of an epoch the group has left', () => {
  it('is taken by no one, sealed under the old log key or the current one', async () => {
    const users = [olga, bob, carol]
    await inStep(users)
    const before = views(users)
    // Alice's kept group, as of the epoch before her removal: a commit that was valid then,
    // and one that would put her back as an admin.
    const old = kept.lastActive
    const oldEpoch = keyEpochOf(old.epoch)
    const oldJoin = kept.secrets.get(oldEpoch)!.join
    const empty = await rawCommit(old, [])
    const back = await rawCommit(old, [
      stateChange(old, (s) => ({
        ...s,
        admins: [...s.admins, alice.session.userId].sort(),
        removed: {},
      })),
    ])
    // 1. Sealed under that epoch's log key by a backend that ignores the door.
    for (const m of [empty, back]) {
      const id = randomId()
      store.inject(serverId, {
        id,
        burnAt: null,
        body: sealAs(
          authorOf(alice),
          serverId,
          { id, burnAt: null },
          oldEpoch,
          logKeys(oldJoin, serverId).contentKey,
          { t: 'mls', m },
        ),
      })
    }
    // 2. Sealed again under the current log key by a member who colludes, through the door.
    const epoch = bob.servers.keyring.currentEpoch(serverId)
    const join = bob.servers.io.secrets(serverId, epoch)!.join
    for (const m of [empty, back]) await postToLog(bob, epoch, join, m)
    await Promise.all(users.map((u) => u.servers.catchUp(serverId)))
    expect(views(users)).toEqual(before)
    // The group carries on with honest changes.
    const room = await olga.servers.createChannel(serverId, {
      name: 'still-ours',
      kind: 'text',
      burnSeconds: 600,
    })
    await waitFor(
      () =>
        users.every((u) => u.servers.getServer(serverId).channels.some((c) => c.id === room.id)),
      'everyone to take the next honest change',
    )
    for (const user of users)
      expect(user.servers.getServer(serverId).members.map((m) => m.userId)).not.toContain(
        alice.session.userId,
      )
    // Processing it directly says why: it names an epoch the group has left.
    const current = olga.servers.io.group(serverId)!
    await expect(current.process(fromBase64Url(empty))).rejects.toMatchObject({ code: 'stale' })
  })
})

describe('a member marked removed, the admin’s app closed before taking her devices out', () => {
  // Clients of a server of their own, each app closed and opened again as the attack needs:
  // nothing but what happens here moves its log.
  let ivy: TestUser
  let gus: TestUser
  let hana: TestUser
  let erin: TestUser
  let club: string
  let room: string

  beforeAll(async () => {
    ;[ivy, gus, hana, erin] = await Promise.all([
      newUser(backend, 'ivy'),
      newUser(backend, 'gus'),
      newUser(backend, 'hana'),
      newUser(backend, 'erin'),
    ])
    ;({ serverId: club, general: room } = await sharedServer(
      ivy,
      [gus, hana, erin],
      'Half Removed',
    ))
  })

  afterAll(async () => {
    await Promise.all([ivy, gus, hana, erin].map((u) => u?.dispose()))
  })

  const warnedIn = (user: TestUser) =>
    user.seen.spineRejected.filter((w) => w.serverId === club).map((w) => w.reason)

  it('cannot put herself back: every honest client refuses it, a member takes her devices out, and she reads nothing after', async () => {
    const me = erin.session.userId
    await ivy.messages.sendMessage({ serverId: club, channelId: room, text: 'before the mark' })
    await waitFor(
      () => texts(erin, club, room).includes('before the mark'),
      'erin to read the message before the mark',
    )
    // Her modified client keeps a copy of everything her device holds of the server.
    const copy = copyServerState(erin, club)
    const profile = erin.servers.io.group(club)!.state.members[me]!
    // The other members' apps are closed, so none takes her devices out before she acts…
    await Promise.all([ivy, gus, hana].map((user) => user.close()))
    // …but ivy's, opened for a moment: it makes the mark and closes before the second commit.
    ivy = reopened(backend, ivy, false)
    await markRemoved(contextOf(ivy), club, me)
    await ivy.close()
    // Her own client puts nothing back: it takes the mark as her removal and forgets the server.
    await waitFor(
      () => erin.seen.serverRemoved.some((e) => e.serverId === club && e.reason === 'removed'),
      'erin’s client to take the mark as her removal',
    )
    expect(erin.servers.io.has(club)).toBe(false)

    // Her modified client follows the log past the mark, still in the group, and puts her
    // profile back with the mark cleared.
    const followed = await followLog(copy, club, store.shards(club))
    expect(followed.removed).toBe(false)
    const marked = followed.lastActive
    expect(marked.state.removed[me]).toBeDefined()
    expect(marked.state.members[me]).toBeUndefined()
    const via = profile.joinedVia!
    const restore = await rawCommit(marked, [
      stateChange(marked, (s) => ({
        ...s,
        members: { ...s.members, [me]: profile },
        // Counted again, as a joiner's first commit counts the use of the invite.
        invites: { ...s.invites, [via]: { ...s.invites[via]!, uses: s.invites[via]!.uses + 1 } },
        removed: {},
      })),
    ])
    const epoch = keyEpochOf(marked.epoch)
    await postToLog(erin, epoch, followed.secrets.get(epoch)!.join, restore, club)

    // Every honest client, opened again, refuses it and says why; a member then takes her out.
    ivy = reopened(backend, ivy)
    gus = reopened(backend, gus)
    hana = reopened(backend, hana)
    const honest = [ivy, gus, hana]
    await waitFor(
      () => honest.every((user) => warnedIn(user).some((w) => /was removed/.test(w))),
      'every honest client to refuse her commit',
    )
    await waitFor(
      () => honest.every((user) => !user.servers.io.group(club)!.userIds().includes(me)),
      'a member’s client to take her devices out',
    )
    for (const user of honest) {
      expect(user.servers.getServer(club).members.map((m) => m.userId)).not.toContain(me)
      expect(user.servers.io.group(club)!.state.removed[me]).toBeDefined()
    }

    // Nothing sent after opens with any key her copy reaches, following the whole log.
    const before = store.head(room)
    await gus.messages.sendMessage({ serverId: club, channelId: room, text: 'after the removal' })
    await waitFor(
      () => texts(hana, club, room).includes('after the removal'),
      'hana to read gus after the removal',
    )
    const kept = await followLog(copy, club, store.shards(club))
    expect(kept.removed).toBe(true)
    const held = contentKeysFrom(secretValues(kept.secrets), room)
    const shards = store.shards(room)
    expect(shards.filter((s) => s.seq <= before).some((s) => opensWithAny(s, held))).toBe(true)
    const after = shards.filter((s) => s.seq > before)
    expect(after).toHaveLength(1)
    expect(after.filter((s) => opensWithAny(s, held))).toEqual([])
    expect(erin.session.cache.getMessage(after[0]!.id)).toBeNull()
    for (const user of [ivy, gus, hana, erin]) expect(user.errors).toEqual([])
  })
})

describe('in the background', () => {
  it('nothing failed while all of the above happened', () => {
    for (const user of [olga, bob, carol]) expect(user.errors).toEqual([])
  })
})
