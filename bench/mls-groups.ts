// Server groups (MLS): what a server's changes cost the devices in it, through the group engine
// (src/core/mls/group.ts): one join by invite (the joiner's external commit and profile commit,
// each processed on one member's device), a second device's join, one removal (both of its
// commits, made by the owner and processed on that member's device); then how fast a device that
// was offline catches up on 10,000 messages through the real backend (decrypt + verify + cache,
// the core's own sync and message path).
//
// Two groups, because of how members get in. The real way is external joins, each costing the
// joiner and every member seconds at 1,000 members, so growing 1,000 one join at a time takes
// hours here; the bench grows BENCH_MLS_GROWN members that way (timed) and measures the changes
// on that group. For 1,000 members it adds 999 prepared members in one commit through the library
// directly (paracord's rules refuse adds: a build step, not a product path). The shapes differ:
// joins fill every joiner's path up the tree, the adding commit leaves every parent node blank
// but the founder's path. On the blank tree a commit's path is encrypted to many more leaves, and
// after one join has filled a path, the library's parent-hash check on the next join hashes a
// large subtree for nearly every leaf; the numbers of the 1,000-member group carry both.
//
// Usage: tsx bench/mls-groups.ts   → one JSON line. Knobs: BENCH_MLS_MEMBERS (1000),
// BENCH_MLS_GROWN (100), BENCH_MLS_MESSAGES (10000).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createCommit,
  defaultLifetime,
  emptyPskIndex,
  encodeGroupState,
  generateKeyPackageWithKey,
  joinGroup,
  type Proposal,
} from 'ts-mls'
import { toBase64Url } from '../src/shared/encoding'
import { generateIdentity, loadSodium, openSealed, randomKey, sealTo } from '../src/core/crypto'
import type { KeyPair } from '../src/core/crypto'
import { DecryptionError } from '../src/core/crypto/errors'
import { makeCredential, type DeviceSigner } from '../src/core/mls/credential'
import { ServerGroup } from '../src/core/mls/group'
import { inviteKeys, type InviteKeys } from '../src/core/mls/invite-keys'
import { serverStateExtension, type ServerState } from '../src/core/mls/server-state'
import { mlsSuite, paracordCapabilities } from '../src/core/mls/suite'
import { spawnServer } from '../src/server/fault/server-process'
import { newUser, type Backend, type TestUser } from '../src/core/sync/test-world'
import { machine } from './lib/stats'

const MEMBERS = Number(process.env.BENCH_MLS_MEMBERS ?? 1_000)
const GROWN = Number(process.env.BENCH_MLS_GROWN ?? 100)
const MESSAGES = Number(process.env.BENCH_MLS_MESSAGES ?? 10_000)
/** Messages the sender keeps in flight while filling the channel (not what is measured). */
const SEND_WINDOW = 32

const round = (value: number, digits = 0) => Math.round(value * 10 ** digits) / 10 ** digits

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now()
  const value = await work()
  return { value, ms: round(performance.now() - started) }
}

interface Person extends DeviceSigner {
  readonly box: KeyPair
}

function person(deviceId = 'd1'): Person {
  const identity = generateIdentity()
  return { userId: identity.userId, deviceId, identity: identity.signing, box: identity.box }
}

function profileOf(who: Person, displayName: string, joinedVia: string | null, epoch: number) {
  return {
    identityKey: toBase64Url(who.identity.publicKey),
    boxKey: toBase64Url(who.box.publicKey),
    displayName,
    status: '',
    joinedVia,
    joinedEpoch: epoch,
  }
}

/** The owner founds the server and opens an invite (two real commits). */
async function found(owner: Person) {
  const serverId = toBase64Url(randomKey().slice(0, 16))
  let group = await ServerGroup.create(
    serverId,
    owner,
    { name: 'Big', displayName: 'owner', boxKey: toBase64Url(owner.box.publicKey) },
    { general: { name: 'general', kind: 'text', burnSeconds: 24 * 3600, position: 0 } },
  )
  const invite = inviteKeys(randomKey())
  const epoch = group.epoch
  group = (
    await group.commit({
      state: (s) => ({
        ...s,
        invites: {
          [invite.inviteId]: {
            signKey: toBase64Url(invite.sign.publicKey),
            boxKey: toBase64Url(invite.box.publicKey),
            maxUses: null,
            expiresAt: null,
            uses: 0,
            revoked: false,
            createdBy: owner.userId,
            createdEpoch: epoch,
          },
        },
      }),
    })
  ).group
  return { group, invite }
}

/** The joiner's first commit after joining: their profile, and the invite's use counted. */
function profileCommit(group: ServerGroup, who: Person, name: string) {
  const own = group.ownLeaf()
  const via = own.joinProof?.inviteId ?? null
  return group.commit({
    state: (s) => ({
      ...s,
      members: { ...s.members, [who.userId]: profileOf(who, name, via, group.epoch) },
      invites:
        via && s.invites[via]
          ? { ...s.invites, [via]: { ...s.invites[via], uses: s.invites[via].uses + 1 } }
          : s.invites,
    }),
  })
}

/** A server measured below: the owner's device, one member's device, and who else is in. */
interface World {
  readonly owner: Person
  readonly ownerGroup: ServerGroup
  /** The device that processes the changes measured. */
  readonly member: ServerGroup
  /** Member accounts other than the owner and that device's user (at least two). */
  readonly others: readonly Person[]
  readonly invite: InviteKeys
}

/** 1a. The real path: members join one at a time by invite, each adding their profile. */
async function growByJoins(size: number): Promise<{ world: World; build: object }> {
  const owner = person()
  const founded = await found(owner)
  const invite = founded.invite
  let group = founded.group
  let member = group
  const joiners: Person[] = []
  let last = {
    external_commit_ms: 0,
    processed_ms: 0,
    profile_commit_ms: 0,
    profile_processed_ms: 0,
  }
  const started = performance.now()
  for (let n = 1; n < size; n++) {
    const joiner = person()
    joiners.push(joiner)
    const info = await group.groupInfo()
    const joined = await timed(() => ServerGroup.join(info, joiner, invite))
    const processed = await timed(() => group.process(joined.value.message))
    const profile = await timed(() => profileCommit(joined.value.group, joiner, `member ${n}`))
    const profileProcessed = await timed(() => processed.value.group.process(profile.value.message))
    group = profileProcessed.value.group
    member = profile.value.group
    last = {
      external_commit_ms: joined.ms,
      processed_ms: processed.ms,
      profile_commit_ms: profile.ms,
      profile_processed_ms: profileProcessed.ms,
    }
  }
  if (group.leaves().length !== size || joiners.length < 3)
    throw new Error('the grown group is not what it should be')
  return {
    // The last joiner's device is the member's device measured.
    world: { owner, ownerGroup: group, member, others: joiners.slice(0, -1), invite },
    build: {
      total_s: round((performance.now() - started) / 1000, 1),
      last_join_owner_side: last,
    },
  }
}

/** 1b. The 1,000-member group in one adding commit (a build step the rules do not allow). */
async function buildLarge(size: number): Promise<{ world: World; build: object }> {
  const cs = await mlsSuite()
  const owner = person()
  const founded = await timed(() => found(owner))
  const { invite } = founded.value
  let group = founded.value.group
  const members = Array.from({ length: size - 1 }, () => person())
  const packages = await timed(async () => {
    const out = []
    for (const member of members) {
      const keys = await cs.signature.keygen()
      out.push(
        await generateKeyPackageWithKey(
          makeCredential(member, keys.publicKey),
          paracordCapabilities(),
          defaultLifetime,
          [],
          keys,
          cs,
        ),
      )
    }
    return out
  })
  const before = group.state
  const state: ServerState = {
    ...before,
    members: {
      ...before.members,
      ...Object.fromEntries(
        members.map((m, i) => [m.userId, profileOf(m, `member ${i}`, invite.inviteId, 1)]),
      ),
    },
    invites: {
      [invite.inviteId]: { ...before.invites[invite.inviteId]!, uses: members.length },
    },
  }
  const proposals: Proposal[] = [
    ...packages.value.map((p): Proposal => ({
      proposalType: 'add',
      add: { keyPackage: p.publicPackage },
    })),
    {
      proposalType: 'group_context_extensions',
      groupContextExtensions: { extensions: [serverStateExtension(state)] },
    },
  ]
  const added = await timed(() =>
    createCommit(
      {
        state: { ...group.client, unappliedProposals: {} },
        cipherSuite: cs,
        pskIndex: emptyPskIndex,
      },
      { extraProposals: proposals, wireAsPublicMessage: true },
    ),
  )
  group = ServerGroup.decodeLoaded(encodeGroupState(added.value.newState), cs)
  // One member's device, from the Welcome: the device that processes the changes below.
  const first = packages.value[0]!
  const welcomed = await timed(() =>
    joinGroup(
      added.value.welcome!,
      first.publicPackage,
      first.privatePackage,
      emptyPskIndex,
      cs,
      added.value.newState.ratchetTree,
      undefined,
      group.client.clientConfig,
    ),
  )
  const member = ServerGroup.decodeLoaded(encodeGroupState(welcomed.value), cs)
  if (member.epoch !== group.epoch || group.leaves().length !== size)
    throw new Error('the built group is not what it should be')
  return {
    world: { owner, ownerGroup: group, member, others: members.slice(1), invite },
    build: {
      found_ms: founded.ms,
      key_packages_s: round(packages.ms / 1000, 1),
      adding_commit_s: round(added.ms / 1000, 1),
      welcome_join_ms: welcomed.ms,
    },
  }
}

/**
 * The join enclave of one epoch at this size: the group info, and the join secret sealed to
 * every member account (what the committer writes, join-info.ts), and what a joiner does to
 * find its seal (trial opening; the worst case, its seal last).
 */
function joinEnclave(recipients: readonly Person[], joiner: Person, groupInfo: Uint8Array) {
  const secret = randomKey()
  let started = performance.now()
  const keys = [...recipients, joiner].map((r) => sealTo(r.box.publicKey, secret))
  const sealMs = round(performance.now() - started)
  started = performance.now()
  let opened: Uint8Array | null = null
  for (const sealed of keys) {
    try {
      opened = openSealed(joiner.box, sealed)
      break
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error
    }
  }
  if (!opened) throw new Error('the joiner found no seal')
  return {
    seal_to_members_ms: sealMs,
    find_own_seal_worst_ms: round(performance.now() - started),
    bytes_approx: groupInfo.length + keys.reduce((sum, k) => sum + k.length, 0),
  }
}

/** 2-4. The changes measured, each processed on one member's device. */
async function changes(world: World) {
  let { ownerGroup: owner, member } = world
  const { others, invite } = world
  const stateBefore = member.encode().length
  const info = await timed(() => owner.groupInfo())

  // 2. A join by invite: the external commit, then the joiner's profile commit.
  const newcomer = person()
  const enclave = joinEnclave([world.owner, ...others], newcomer, info.value)
  const joined = await timed(() => ServerGroup.join(info.value, newcomer, invite))
  const joinProcessed = await timed(() => member.process(joined.value.message))
  owner = (await owner.process(joined.value.message)).group
  member = joinProcessed.value.group
  const profile = await timed(() => profileCommit(joined.value.group, newcomer, 'newcomer'))
  const profileProcessed = await timed(() => member.process(profile.value.message))
  owner = (await owner.process(profile.value.message)).group
  member = profileProcessed.value.group

  // 3. A second device of a member: an external commit without an invite.
  const secondDevice = { ...others[0]!, deviceId: 'd2' }
  const info2 = await owner.groupInfo()
  const device = await timed(() => ServerGroup.join(info2, secondDevice, null))
  const deviceProcessed = await timed(() => member.process(device.value.message))
  owner = (await owner.process(device.value.message)).group
  member = deviceProcessed.value.group

  // 4. A removal as the owner makes it (membership.ts): marked removed, then the leaves out.
  const removed = others[1]!.userId
  const epoch = owner.epoch
  const mark = await timed(() =>
    owner.commit({
      state: (s) => {
        const kept = { ...s.members }
        delete kept[removed]
        return { ...s, members: kept, removed: { ...s.removed, [removed]: epoch } }
      },
    }),
  )
  const markProcessed = await timed(() => member.process(mark.value.message))
  owner = mark.value.group
  member = markProcessed.value.group
  const out = await timed(() => owner.commit({ removeUsers: [removed] }))
  const outProcessed = await timed(() => member.process(out.value.message))
  member = outProcessed.value.group
  if (
    member.userIds().includes(removed) ||
    toBase64Url(member.epochAuthenticator()) !== toBase64Url(out.value.group.epochAuthenticator())
  )
    throw new Error('the member did not end up where the owner is')
  const stored = await timed(() => Promise.resolve(member.encode()))

  return {
    group_info: { ms: info.ms, bytes: info.value.length },
    // The member device's stored group state, before and after the six commits above.
    member_state: {
      bytes_before: stateBefore,
      bytes_after: stored.value.length,
      encode_ms: stored.ms,
      past_epochs_kept: member.client.historicalReceiverData.size,
    },
    join_by_invite: {
      join_enclave: enclave,
      external_commit_ms: joined.ms,
      external_commit_bytes: joined.value.message.length,
      processed_by_member_ms: joinProcessed.ms,
      profile_commit_ms: profile.ms,
      profile_processed_by_member_ms: profileProcessed.ms,
    },
    second_device: {
      external_commit_ms: device.ms,
      processed_by_member_ms: deviceProcessed.ms,
    },
    removal: {
      mark_commit_ms: mark.ms,
      mark_processed_by_member_ms: markProcessed.ms,
      remove_commit_ms: out.ms,
      remove_commit_bytes: out.value.message.length,
      remove_processed_by_member_ms: outProcessed.ms,
      processed_by_member_total_ms: markProcessed.ms + outProcessed.ms,
    },
  }
}

/** Resolves once `user` has cached `count` messages of the channel (from its own events). */
function cachedMessages(user: TestUser, channelId: string, count: number): Promise<void> {
  const seen = new Set<string>()
  return new Promise((resolve) => {
    const off = user.events.on('messagesChanged', (change) => {
      if (change.channelId !== channelId) return
      for (const message of change.messages) if (message.seq !== null) seen.add(message.id)
      if (seen.size >= count) {
        off()
        resolve()
      }
    })
  })
}

/** Messages of the channel in the user's cache, read a page at a time. */
function countCached(user: TestUser, channelId: string): number {
  let total = 0
  let beforeSeq: number | undefined
  for (;;) {
    const page = user.session.cache.listMessages(channelId, { beforeSeq, limit: 1_000 })
    total += page.length
    if (page.length < 1_000) return total
    beforeSeq = page[0]!.seq
  }
}

/** 5. Catch-up through the real backend (its own process), with the core's message path. */
async function catchUp(count: number) {
  const dir = await mkdtemp(join(tmpdir(), 'paracord-mls-bench-'))
  const server = await spawnServer([
    '--db',
    `sqlite:${join(dir, 'store.db')}`,
    '--rate-limit',
    '1000000',
  ])
  const backend: Backend = {
    url: server.url,
    dir,
    stop: () => Promise.resolve(),
    restart: () => Promise.resolve(),
    dispose: () => Promise.resolve(),
  }
  const users: TestUser[] = []
  try {
    const olga = await newUser(backend, 'olga')
    const alice = await newUser(backend, 'alice')
    users.push(olga, alice)
    const created = await olga.servers.createServer('Catch-up')
    const serverId = created.id
    const channelId = created.channels[0]!.id
    const invite = await olga.servers.createInvite(serverId, null, null)
    await alice.servers.joinByInvite(invite.code)
    await Promise.all([olga.sync.whenSynced(60_000), alice.sync.whenSynced(60_000)])
    // alice's device has just joined: nothing cached. It goes offline while olga posts.
    await alice.sync.stop()
    const sendStarted = performance.now()
    let next = 0
    const sender = async () => {
      while (next < count) {
        const n = next++
        const sent = await olga.messages.sendMessage({
          serverId,
          channelId,
          text: `message ${n} `.padEnd(120, 'x'),
        })
        if (sent.delivery !== 'sent') throw new Error(`message ${n} was not sent`)
      }
    }
    await Promise.all(Array.from({ length: SEND_WINDOW }, sender))
    const sendSeconds = (performance.now() - sendStarted) / 1000
    await olga.sync.whenSynced(120_000)
    await olga.sync.stop()

    const arrived = cachedMessages(alice, channelId, count)
    const started = performance.now()
    alice.sync.start()
    await arrived
    const seconds = (performance.now() - started) / 1000
    const cached = countCached(alice, channelId)
    if (cached !== count || alice.messages.rejectedCount() !== 0)
      throw new Error(`cached ${cached} of ${count}, ${alice.messages.rejectedCount()} rejected`)
    return {
      messages: count,
      decrypt_verify_cache_per_s: Math.round(count / seconds),
      total_s: round(seconds, 2),
      filled_at_per_s: Math.round(count / sendSeconds),
    }
  } finally {
    for (const user of users) await user.dispose().catch(() => undefined)
    await server.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

async function main() {
  await loadSodium()
  await mlsSuite()
  const loadAtStart = (await machine()).loadavg_1m
  const grown = await growByJoins(GROWN)
  const grownChanges = await changes(grown.world)
  const built = await buildLarge(MEMBERS)
  const builtChanges = await changes(built.world)
  const caughtUp = await catchUp(MESSAGES)
  console.log(
    JSON.stringify({
      bench: 'mls-groups',
      grown_by_joins: { members: GROWN, build: grown.build, ...grownChanges },
      built_by_adding_commit: { members: MEMBERS, build: built.build, ...builtChanges },
      catch_up: caughtUp,
      loadavg_1m_at_start: loadAtStart,
      machine: await machine(),
    }),
  )
}

await main()
