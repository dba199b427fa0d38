// Sync against the real backend: a backend restart, messages composed offline, and a member's
// removal with key rotation while another member is offline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ParacordError } from '../../shared/api'
import { toBase64Url } from '../../shared/encoding'
import { readPayload, shardPayload, streamInfoPayload } from '../../shared/protocol'
import type { UnlockedSessionImpl } from '../account/unlocked-session'
import { signPayloadB64 } from '../crypto'
import { ApiError } from '../net/errors'
import { randomId } from '../servers/ids'
import {
  newUser,
  settle,
  sharedServer,
  startBackend,
  texts,
  waitFor,
  type Backend,
  type TestUser,
} from './test-world'

let backend: Backend
let olga: TestUser
let alice: TestUser
let bob: TestUser
let serverId: string
let general: string

beforeAll(async () => {
  backend = await startBackend()
  ;[olga, alice, bob] = await Promise.all([
    newUser(backend, 'olga'),
    newUser(backend, 'alice'),
    newUser(backend, 'bob'),
  ])
  ;({ serverId, general } = await sharedServer(olga, [alice, bob], 'Sync Club', { byLink: [bob] }))
})

afterAll(async () => {
  await Promise.all([olga, alice, bob].map((u) => u?.dispose()))
  await backend?.dispose()
})

const online = (user: TestUser) => user.sync.connectionState().status === 'online'
const count = (user: TestUser, text: string) =>
  texts(user, serverId, general).filter((t) => t === text).length

async function apiRefusal(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof ApiError) return error
    throw error
  }
  throw new Error('expected the backend to refuse')
}

describe('reconnecting', () => {
  it('delivers what was missed after a backend restart, each message once', async () => {
    await waitFor(() => [olga, alice, bob].every(online), 'everyone online')
    await olga.messages.sendMessage({ serverId, channelId: general, text: 'before the restart' })
    await waitFor(() => count(alice, 'before the restart') === 1, 'the first message')

    // The backend goes away; everyone notices.
    await backend.stop()
    await waitFor(() => [olga, alice, bob].every((u) => !online(u)), 'everyone offline')
    expect(olga.seen.connectionChanged.at(-1)?.status).not.toBe('online')

    // Alice stays away while the others come back and talk.
    await alice.sync.stop()
    await backend.restart()
    await waitFor(() => online(olga) && online(bob), 'olga and bob back online')
    await olga.messages.sendMessage({ serverId, channelId: general, text: 'missed one' })
    await bob.messages.sendMessage({ serverId, channelId: general, text: 'missed two' })
    await waitFor(() => count(olga, 'missed two') === 1, 'olga to see bob’s message')

    alice.sync.start()
    await alice.sync.whenSynced()
    expect(count(alice, 'missed two')).toBe(1)
    await settle(300)
    for (const user of [olga, alice, bob])
      expect(texts(user, serverId, general)).toEqual([
        'before the restart',
        'missed one',
        'missed two',
      ])
  })
})

describe('the outbox', () => {
  it('keeps a message composed offline and sends it exactly once when back', async () => {
    await waitFor(() => [olga, alice, bob].every(online), 'everyone online')
    await backend.stop()
    await waitFor(() => !online(olga), 'olga offline')

    const pending = await olga.messages.sendMessage({
      serverId,
      channelId: general,
      text: 'written offline',
    })
    expect(pending).toMatchObject({ delivery: 'pending', seq: null, text: 'written offline' })
    expect(olga.messages.outboxSize()).toBe(1)
    expect(olga.sync.connectionState()).toMatchObject({ outbox: 1 })
    expect(olga.seen.connectionChanged.at(-1)).toMatchObject({ outbox: 1 })
    expect(
      olga.messages.listMessages({ serverId, channelId: general, limit: 10 }).messages.at(-1),
    ).toMatchObject({ id: pending.id, delivery: 'pending' })

    await backend.restart()
    await waitFor(() => olga.messages.outboxSize() === 0, 'the outbox to empty')
    await waitFor(() => count(alice, 'written offline') === 1, 'alice to receive it')
    await waitFor(() => count(bob, 'written offline') === 1, 'bob to receive it')
    await settle(300)
    expect(count(alice, 'written offline')).toBe(1)
    expect(count(olga, 'written offline')).toBe(1)
    const delivered = olga.messages.listMessages({
      serverId,
      channelId: general,
      limit: 10,
    }).messages
    expect(delivered.find((m) => m.id === pending.id)).toMatchObject({ delivery: 'sent' })
    expect(olga.seen.connectionChanged.at(-1)).toMatchObject({ status: 'online', outbox: 0 })
  })
})

describe('removal, a new epoch without the removed member', () => {
  it('locks the removed member out while the rest, one of them offline, carry on', async () => {
    await waitFor(() => [olga, alice, bob].every(online), 'everyone online')
    const epoch = olga.servers.getServer(serverId).epoch
    // What alice holds before the removal: the channel's keys of the current epoch (copied, as
    // her client wipes its own when it learns of the removal).
    const held = alice.servers.keyring.streamKeys(serverId, general, epoch)!
    const copy = (pair: { publicKey: Uint8Array; privateKey: Uint8Array }) => ({
      publicKey: Uint8Array.from(pair.publicKey),
      privateKey: Uint8Array.from(pair.privateKey),
    })
    const oldKeys = { post: copy(held.post), read: copy(held.read) }

    // Bob is offline during the whole rotation.
    await bob.sync.stop()
    await olga.servers.removeMember(serverId, alice.session.userId)
    // Two commits: alice marked removed in the state, then her devices taken out of the group.
    const epochAfter = olga.servers.getServer(serverId).epoch
    expect(epochAfter).toBe(epoch + 2)
    expect(olga.servers.getServer(serverId).members.map((m) => m.userId)).not.toContain(
      alice.session.userId,
    )
    await waitFor(
      () => alice.seen.serverRemoved.some((e) => e.serverId === serverId && e.reason === 'removed'),
      'alice to learn she was removed',
    )
    expect(alice.session.vault().servers[serverId]).toBeUndefined()
    expect(alice.servers.listServers()).toEqual([])

    const after = await olga.messages.sendMessage({
      serverId,
      channelId: general,
      text: 'after the removal',
    })

    // The backend refuses alice's posts with her old post key…
    const id = randomId()
    const body = 'AQAAAAE' + 'A'.repeat(60)
    const burnAt = Date.now() + 60_000
    const post = await apiRefusal(
      alice.session.client.postShard(general, {
        id,
        body,
        burnAt,
        signature: signPayloadB64(
          shardPayload({ stream: general, id, burnAt, body }),
          oldKeys.post.privateKey,
        ),
      }),
    )
    expect(post.code).toBe('invalid_signature')
    // …her reads with the old key stop at the rotation…
    // (she proves the old read key she still holds to see the stream's key history)
    const at = Date.now()
    const readKey = toBase64Url(oldKeys.read.publicKey)
    const infoProof = streamInfoPayload({
      stream: general,
      accountId: alice.session.accountId,
      readKey,
      at,
    })
    const info = await alice.session.client.getStream(general, {
      at,
      proofs: [{ readKey, signature: signPayloadB64(infoProof, oldKeys.read.privateKey) }],
    })
    const oldVersion = info.previousKeys.at(-1)!
    const proof = (keyVersion: number) => {
      const at = Date.now()
      const payload = readPayload({
        stream: general,
        accountId: alice.session.accountId,
        keyVersion,
        at,
      })
      return { keyVersion, at, signature: signPayloadB64(payload, oldKeys.read.privateKey) }
    }
    const page = await alice.session.client.fetchShards(general, {
      after: 0,
      limit: 500,
      proof: proof(oldVersion.keyVersion),
    })
    expect(page.shards.map((s) => s.id)).not.toContain(after.id)
    expect(page.shards.every((s) => s.seq <= oldVersion.untilSeq)).toBe(true)
    // …and her old key is not the current one.
    const newer = await apiRefusal(
      alice.session.client.fetchShards(general, {
        after: 0,
        limit: 500,
        proof: proof(info.keyVersion),
      }),
    )
    expect(newer.code).toBe('invalid_signature')
    // Her client refuses to post in a server she is no longer in.
    await expect(
      alice.messages.sendMessage({ serverId, channelId: general, text: 'let me in' }),
    ).rejects.toBeInstanceOf(ParacordError)

    // Bob, still disconnected, writes with the keys he has: the backend refuses the old post key,
    // so his client learns the new epoch, seals the message again, and it goes through once.
    expect(bob.servers.keyring.currentEpoch(serverId)).toBe(epoch)
    const resealed = await bob.messages.sendMessage({
      serverId,
      channelId: general,
      text: 'sealed for the old epoch first',
    })
    expect(resealed.delivery).toBe('sent')
    expect(bob.messages.outboxSize()).toBe(0)
    await waitFor(() => count(olga, 'sealed for the old epoch first') === 1, 'olga to read it')

    // Bob comes back: he learns the new keys through his old read key and catches up.
    bob.sync.start()
    await waitFor(() => count(bob, 'after the removal') === 1, 'bob to catch up in the new epoch')
    expect(bob.servers.getServer(serverId).epoch).toBeGreaterThanOrEqual(epochAfter)
    expect(bob.servers.keyring.currentEpoch(serverId)).toBeGreaterThanOrEqual(epochAfter)
    await bob.messages.sendMessage({ serverId, channelId: general, text: 'bob in the new epoch' })
    await waitFor(() => count(olga, 'bob in the new epoch') === 1, 'olga to read bob')
    await olga.messages.sendMessage({ serverId, channelId: general, text: 'olga replies' })
    await waitFor(() => count(bob, 'olga replies') === 1, 'bob to read olga')
    const gone = () => alice.messages.listMessages({ serverId, channelId: general, limit: 10 })
    expect(gone).toThrow(expect.objectContaining({ code: 'not_found' }))
    expect(alice.session.cache.getMessage(after.id)).toBeNull()
  })
})

describe('locking', () => {
  it('stops sync before the session is wiped', async () => {
    const lena = await newUser(backend, 'lena')
    await waitFor(() => online(lena), 'lena online')
    await lena.account.lock()
    expect(lena.seen.connectionChanged.at(-1)).toEqual({
      status: 'offline',
      outbox: 0,
      reason: 'stopped',
      sendingPausedUntil: null,
    })
    expect(() => lena.session.cache).toThrow(expect.objectContaining({ code: 'locked' }))
    expect(lena.errors).toEqual([])
  })

  it('stops cleanly when the session was wiped first, as a lock that gave up waiting does', async () => {
    const lena = await newUser(backend, 'lena-wiped')
    await waitFor(() => online(lena), 'lena online')
    ;(lena.session as UnlockedSessionImpl).wipe()
    await expect(lena.sync.stop()).resolves.toBeUndefined()
    expect(lena.seen.connectionChanged.at(-1)).toEqual({
      status: 'offline',
      outbox: 0,
      reason: 'stopped',
      sendingPausedUntil: null,
    })
    await lena.sync.dispose()
  })
})

describe('in the background', () => {
  it('nothing failed while all of the above happened', () => {
    for (const user of [olga, alice, bob]) expect(user.errors).toEqual([])
  })
})
