// A hostile backend against honest clients: a stale stream record, two members shown different
// commits for the same epoch, and a commit withheld while the ones after it are served. Each
// attack fails: clients encrypt to their group's epoch, tell forks apart by the safety code and
// by what no longer opens, and never skip a commit; and they say so with a warning.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toBase64Url } from '../../shared/encoding'
import { shardPayload, type ShardPostRequest, type StreamInfo } from '../../shared/protocol'
import { verifyPayloadB64 } from '../crypto'
import { channelKeys } from '../server-keys'
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
import { keyEpochOf } from './group-store'
import { randomId } from './ids'
import { logPoster } from './server-context'
import {
  authorOf,
  contextOf,
  contentKeysFrom,
  copyServerState,
  fetchAnswer,
  followLog,
  newDevice,
  openBackendStore,
  opensWithAny,
  refusal,
  sealAs,
  secretValues,
  startHostileRelay,
  streamRoute,
  type BackendStore,
  type HostileRelay,
} from './test-adversary'

let backend: Backend
let store: BackendStore
const relays: HostileRelay[] = []
const users: TestUser[] = []

beforeAll(async () => {
  backend = await startBackend('paracord-adversarial-backend-')
  store = openBackendStore(backend)
})

afterAll(async () => {
  store?.close()
  await Promise.all(users.map((u) => u.dispose()))
  await Promise.all(relays.map((r) => r.close()))
  await backend?.dispose()
})

/** A user whose every request and live shard passes through a relay the backend controls. */
async function behindRelay(name: string): Promise<{ user: TestUser; relay: HostileRelay }> {
  const relay = await startHostileRelay(backend.url)
  relays.push(relay)
  const user = await newDevice(backend, name, { url: relay.url })
  users.push(user)
  return { user, relay }
}

async function direct(name: string): Promise<TestUser> {
  const user = await newUser(backend, name)
  users.push(user)
  return user
}

const warningsOf = (user: TestUser, serverId: string) =>
  user.seen.spineRejected.filter((w) => w.serverId === serverId).map((w) => w.reason)

/** A commit alone, posted as a client that stopped before moving the streams on leaves it. */
async function commitOnly(user: TestUser, serverId: string, status: string) {
  const me = user.session.userId
  await user.servers.io.commit(
    serverId,
    () => ({
      state: (s) => ({ ...s, members: { ...s.members, [me]: { ...s.members[me]!, status } } }),
    }),
    logPoster(contextOf(user), serverId),
  )
}

describe('a stale stream record', () => {
  it('is not posted to: the client seals for its group’s epoch, warns, and nothing reaches the removed member', async () => {
    const olga = await direct('olga-stale')
    const alice = await direct('alice-stale')
    const { serverId, general } = await sharedServer(olga, [alice], 'Stale Club')
    // The channel's record while alice is in, before bob joins: keys bob never held.
    const stale: StreamInfo = await olga.servers.keyring.streamInfo(serverId, general, true)
    const { user: bob, relay } = await behindRelay('bob-stale')
    const invite = await olga.servers.createInvite(serverId, null, null)
    await bob.servers.joinByInvite(invite.code)
    await waitFor(
      () => olga.servers.getServer(serverId).members.every((m) => m.displayName !== 'New member'),
      'bob’s profile',
    )
    await olga.messages.sendMessage({ serverId, channelId: general, text: 'while alice is in' })
    await waitFor(
      () => texts(alice, serverId, general).includes('while alice is in'),
      'alice to read the message before her removal',
    )
    const copy = copyServerState(alice, serverId)
    await olga.servers.removeMember(serverId, alice.session.userId)
    await waitFor(
      () => bob.servers.getServer(serverId).members.length === 2,
      'bob to take the removal',
    )
    await bob.servers.catchUp(serverId)
    const epoch = bob.servers.keyring.currentEpoch(serverId)

    // The backend answers bob with the old record, and refuses his posts as that record would.
    const attempts: ShardPostRequest[] = []
    relay.intercept = (request) => {
      if (request.path === streamRoute(general, 'info')) return { status: 200, body: stale }
      if (request.path === streamRoute(general, 'shards')) {
        attempts.push(request.body as ShardPostRequest)
        return refusal(403, 'invalid_signature')
      }
      return undefined
    }
    const warned = warningsOf(bob, serverId).length
    bob.servers.keyring.forgetStream(general)
    const sent = await bob.messages.sendMessage({
      serverId,
      channelId: general,
      text: 'for members only',
    })
    expect(sent.delivery).toBe('pending')
    expect(attempts.length).toBeGreaterThan(0)
    // Whatever bob's client sent was sealed and signed for its group's epoch, not the record's.
    const postKey = toBase64Url(
      bob.servers.keyring.streamKeys(serverId, general, epoch)!.post.publicKey,
    )
    for (const attempt of attempts) {
      expect(bodyEpoch(attempt.body)).toBe(epoch)
      const { id, body, burnAt, signature } = attempt
      const signed = shardPayload({ stream: general, id, burnAt, body })
      expect(verifyPayloadB64(signature!, signed, postKey)).toBe(true)
      expect(verifyPayloadB64(signature!, signed, stale.policy.postKey!)).toBe(false)
    }
    await waitFor(
      () =>
        warningsOf(bob, serverId)
          .slice(warned)
          .some((w) => /do not come from this server/.test(w)),
      'bob to warn of the stream record',
    )

    // The backend hands alice all of it: with every key she held, none of it opens.
    const kept = await followLog(copy, serverId, store.shards(serverId))
    const keys = contentKeysFrom(secretValues(kept.secrets), general)
    expect(store.shards(general).filter((s) => opensWithAny(s, keys))).toHaveLength(1)
    for (const attempt of attempts)
      expect(
        opensWithAny(
          {
            id: attempt.id,
            stream: general,
            seq: 0,
            body: attempt.body,
            burnAt: attempt.burnAt,
            receivedAt: 0,
            signature: null,
          },
          keys,
        ),
      ).toBe(false)

    // The backend tells the truth again: the message goes, once, to those in the group.
    relay.intercept = null
    bob.servers.keyring.forgetStream(general)
    await waitFor(
      () => texts(olga, serverId, general).includes('for members only'),
      'olga to read bob’s message',
      15_000,
    )
    expect(texts(olga, serverId, general).filter((t) => t === 'for members only')).toHaveLength(1)
  })
})

describe('a fork', () => {
  it('gives the two sides different safety codes, and neither shows the other’s messages', async () => {
    const olga = await direct('olga-fork')
    const alice = await direct('alice-fork')
    const { user: bob, relay } = await behindRelay('bob-fork')
    const { serverId, general } = await sharedServer(olga, [alice, bob], 'Fork Club')
    await Promise.all([olga, alice, bob].map((u) => u.servers.catchUp(serverId)))
    const epoch = bob.servers.getServer(serverId).epoch
    expect(
      new Set([olga, alice, bob].map((u) => u.servers.getServer(serverId).safetyCode)).size,
    ).toBe(1)
    // Everyone reads the log only when told to, so the backend decides who sees what.
    await Promise.all([olga, alice, bob].map((u) => u.sync.stop()))
    // And no upkeep started before that moves the streams on behind the test's back.
    await Promise.all([olga, alice, bob].map((u) => u.servers.idle()))

    // Alice's commit for the epoch goes first; the backend hides it from bob, whose own commit
    // for the same epoch then looks first to him.
    const forkAt = store.head(serverId)
    relay.intercept = (request) =>
      request.path === streamRoute(serverId, 'fetch')
        ? fetchAnswer(store, serverId, request, (s) => s.seq !== forkAt + 1)
        : undefined
    await commitOnly(alice, serverId, 'on branch A')
    await commitOnly(bob, serverId, 'on branch B')
    await olga.servers.catchUp(serverId)
    const codeOf = (user: TestUser) => user.servers.getServer(serverId).safetyCode
    for (const user of [olga, alice, bob])
      expect(user.servers.getServer(serverId).epoch).toBe(epoch + 1)
    expect(codeOf(olga)).toBe(codeOf(alice))
    expect(codeOf(bob)).not.toBe(codeOf(olga))
    expect(
      bob.servers.getServer(serverId).members.find((m) => m.userId === bob.session.userId)!.status,
    ).toBe('on branch B')

    // A message from each branch, delivered to the other side by the backend.
    const branchKey = (user: TestUser) =>
      channelKeys(user.servers.io.secrets(serverId, keyEpochOf(epoch))!, general)
    const post = (user: TestUser, text: string) => {
      const id = randomId()
      const burnAt = Date.now() + 3600_000
      const body = sealAs(
        authorOf(user),
        general,
        { id, burnAt },
        keyEpochOf(epoch),
        branchKey(user).contentKey,
        {
          type: 'message',
          text,
          sentAt: Date.now(),
        },
      )
      return store.inject(general, { id, body, burnAt })
    }
    const fromA = post(alice, 'from branch A')
    const fromB = post(bob, 'from branch B')
    const refusedBefore = [olga, bob].map((u) => u.messages.rejectedCount())
    const warned = [olga, bob].map((u) => warningsOf(u, serverId).length)
    await olga.messages.receiveShard(serverId, general, fromB)
    await bob.messages.receiveShard(serverId, general, fromA)
    await alice.messages.receiveShard(serverId, general, fromA)
    expect(texts(alice, serverId, general)).toContain('from branch A')
    expect(texts(olga, serverId, general)).not.toContain('from branch B')
    expect(texts(bob, serverId, general)).not.toContain('from branch A')
    expect([olga, bob].map((u) => u.messages.rejectedCount())).toEqual(
      refusedBefore.map((n) => n + 1),
    )
    // Each side says so: the other branch's message names the current epoch and does not open.
    for (const [i, user] of [olga, bob].entries())
      expect(warningsOf(user, serverId).slice(warned[i])).toEqual([
        expect.stringMatching(/safety code/),
      ])
  })
})

describe('a withheld commit', () => {
  it('is not skipped: the member waits at its epoch, warns, and catches up once it is served', async () => {
    const olga = await direct('olga-withheld')
    const { user: bob, relay } = await behindRelay('bob-withheld')
    const { serverId } = await sharedServer(olga, [bob], 'Withheld Club')
    await bob.servers.catchUp(serverId)
    await bob.sync.stop()
    await bob.servers.idle()
    const epoch = bob.servers.getServer(serverId).epoch
    const withheldAt = store.head(serverId) + 1
    relay.intercept = (request) =>
      request.path === streamRoute(serverId, 'fetch')
        ? fetchAnswer(store, serverId, request, (s) => s.seq !== withheldAt)
        : undefined
    await olga.servers.renameServer(serverId, 'Withheld Club, renamed')
    await olga.servers.createChannel(serverId, { name: 'later', kind: 'text', burnSeconds: 60 })
    expect(olga.servers.getServer(serverId).epoch).toBe(epoch + 2)
    const warned = warningsOf(bob, serverId).length

    await bob.servers.catchUp(serverId)
    expect(bob.servers.getServer(serverId).epoch).toBe(epoch)
    expect(warningsOf(bob, serverId).slice(warned)).toEqual([
      expect.stringMatching(/waiting for the change before them/),
    ])

    relay.intercept = null
    await bob.servers.catchUp(serverId)
    expect(bob.servers.getServer(serverId).epoch).toBe(epoch + 2)
    expect(bob.servers.getServer(serverId).safetyCode).toBe(
      olga.servers.getServer(serverId).safetyCode,
    )
    expect(bob.servers.getServer(serverId).channels.map((c) => c.name)).toContain('later')
  })
})
