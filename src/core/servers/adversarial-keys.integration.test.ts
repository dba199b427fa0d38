// Keys against someone who records everything and later takes a device: no key outlives the
// messages it protects, a copy of a device's state opens nothing after the device's next leaf
// refresh, and a second device of an account joins every server on its own and reads on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LIMITS, type Shard } from '../../shared/protocol'
import { bodyEpoch } from '../shard-codec'
import type { Backend, TestUser } from '../sync/test-world'
import { sharedServer, startBackend, texts, waitFor } from '../sync/test-world'
import { loadServer } from './group-store'
import * as membership from './membership'
import {
  contentKeysFrom,
  contextOf,
  copyServerState,
  deviceStateOnDisk,
  epochSecretsHeld,
  followLog,
  movableClock,
  newDevice,
  openBackendStore,
  openedByAny,
  opensWithAny,
  secretValues,
  type BackendStore,
  type Clock,
} from './test-adversary'

let backend: Backend
let store: BackendStore
const users: TestUser[] = []

beforeAll(async () => {
  backend = await startBackend('paracord-adversarial-keys-')
  store = openBackendStore(backend)
})

afterAll(async () => {
  store?.close()
  await Promise.all(users.map((u) => u.dispose()))
  await backend?.dispose()
})

async function device(name: string, options: Parameters<typeof newDevice>[2] = {}) {
  const user = await newDevice(backend, name, options)
  users.push(user)
  return user
}

/** Records what the backend holds of `stream` now (its shards burn there too). */
function recordInto(recorded: Map<string, Shard>, stream: string) {
  for (const shard of store.shards(stream)) recorded.set(shard.id, shard)
}

describe('burning', () => {
  it('leaves no key on the device that opens a message once it burned and its epoch ended', async () => {
    const clock: Clock = movableClock()
    const olga = await device('olga-burn', { clock })
    const bob = await device('bob-burn', { clock })
    const { serverId, general } = await sharedServer(olga, [bob], 'Burn Club')
    // The server's only channel burns in two seconds: its epochs' keys go soon after.
    await olga.servers.updateChannel(serverId, general, { burnSeconds: 2 })
    await waitFor(
      () => bob.servers.getServer(serverId).channels[0]!.burnSeconds === 2,
      'bob to see the short burn',
    )
    await olga.messages.sendMessage({ serverId, channelId: general, text: 'burns in two seconds' })
    await bob.messages.sendMessage({ serverId, channelId: general, text: 'so does this' })
    await waitFor(() => texts(bob, serverId, general).length === 2, 'bob to have both messages')
    const recorded = new Map<string, Shard>()
    recordInto(recorded, general)
    expect(recorded.size).toBe(2)
    // What bob's device holds now opens them (the check sees keys when they are there).
    const before = contentKeysFrom(
      secretValues(await epochSecretsHeld(copyServerState(bob, serverId))),
      general,
    )
    expect([...recorded.values()].every((s) => opensWithAny(s, before))).toBe(true)

    // A new epoch; the messages burn; then the burn horizon of the epoch they were sealed in.
    const epoch = bob.servers.keyring.currentEpoch(serverId)
    await olga.servers.renameServer(serverId, 'Burn Club, later')
    await waitFor(
      () => bob.servers.keyring.currentEpoch(serverId) > epoch,
      'bob to take the new epoch',
    )
    recordInto(recorded, general)
    await waitFor(
      () => texts(bob, serverId, general).length === 0,
      'the messages to burn on bob’s device',
    )
    const messages = [...recorded.values()]
    expect(messages.every((s) => bodyEpoch(s.body) === epoch)).toBe(true)
    clock.offset += 2_000 + LIMITS.burnSkewMs + 1_000
    bob.servers.io.prune(serverId)
    expect(Object.keys(loadServer(bob.session.cache, serverId)!.epochs)).toEqual([
      String(bob.servers.keyring.currentEpoch(serverId)),
    ])

    // Bob's complete device state, taken after it locked: the vault opened with the password,
    // every sealed value of the cache, the group state, and what the join enclaves give him.
    await bob.dispose()
    const taken = await deviceStateOnDisk(bob, store.enclaveBodies())
    expect(taken.values.length).toBeGreaterThan(0)
    const keys = contentKeysFrom(taken.secrets, general)
    expect(keys.length).toBeGreaterThan(1000)
    expect(await openedByAny(messages, keys)).toEqual([])
  })
})

describe('post-compromise recovery', () => {
  it('leaves a copy of a device’s state unable to open anything after the device refreshes its leaf', async () => {
    const olga = await device('olga-pcs')
    const bob = await device('bob-pcs')
    const { serverId, general } = await sharedServer(olga, [bob], 'Heal Club')
    const copy = copyServerState(bob, serverId)
    await olga.messages.sendMessage({ serverId, channelId: general, text: 'before the refresh' })
    const epoch = bob.servers.keyring.currentEpoch(serverId)
    const logSeq = store.head(serverId)
    const channelSeq = store.head(general)

    await membership.refreshOwnLeaf(contextOf(bob), serverId)
    expect(bob.servers.keyring.currentEpoch(serverId)).toBe(epoch + 1)
    await waitFor(
      () => olga.servers.keyring.currentEpoch(serverId) === epoch + 1,
      'olga to take the refresh',
    )
    await olga.messages.sendMessage({ serverId, channelId: general, text: 'after the refresh' })
    await olga.servers.renameServer(serverId, 'Heal Club, healed')
    await waitFor(
      () => texts(bob, serverId, general).includes('after the refresh'),
      'bob to read on after his refresh',
    )

    // The copy follows the log as far as it can: not past the device's own new leaf.
    const followed = await followLog(copy, serverId, store.shards(serverId))
    expect(Math.max(...followed.secrets.keys())).toBe(epoch)
    const channel = store.shards(general)
    const channelKeysHeld = contentKeysFrom(secretValues(followed.secrets), general)
    expect(channel.filter((s) => s.seq <= channelSeq).length).toBeGreaterThan(0)
    expect(
      channel.filter((s) => s.seq <= channelSeq).every((s) => opensWithAny(s, channelKeysHeld)),
    ).toBe(true)
    const after = channel.filter((s) => s.seq > channelSeq)
    expect(after).toHaveLength(1)
    expect(after.filter((s) => opensWithAny(s, channelKeysHeld))).toEqual([])
    const logAfter = store.shards(serverId).filter((s) => bodyEpoch(s.body) > epoch)
    expect(logAfter.length).toBeGreaterThan(0)
    expect(logAfter.every((s) => s.seq > logSeq)).toBe(true)
    expect(
      logAfter.filter((s) =>
        opensWithAny(s, contentKeysFrom(secretValues(followed.secrets), serverId)),
      ),
    ).toEqual([])
  })
})

describe('a second device', () => {
  it('joins every server of the account with no other member online and reads new messages within 10 s', async () => {
    const olga = await device('olga-second')
    const dave = await device('dave-second')
    const first = await sharedServer(olga, [dave], 'Olga’s')
    const second = await sharedServer(dave, [olga], 'Dave’s')
    await olga.messages.sendMessage({
      serverId: first.serverId,
      channelId: first.general,
      text: 'before the new device',
    })
    await Promise.all([olga, dave].map((u) => u.sync.stop()))
    await Promise.all([olga, dave].map((u) => u.servers.idle()))

    const started = Date.now()
    const tablet = await device('dave-second', { login: true, start: false })
    // Joined, with the server's streams moved on to the epoch of its join.
    const joined = new Set<string>()
    tablet.servers.signals.on('serverAdded', ({ serverId }) => joined.add(serverId))
    tablet.sync.start()
    await waitFor(() => joined.size === 2, 'the new device to join both servers', 10_000)
    // New messages, each sent by a member whose client is not connected.
    await olga.messages.sendMessage({
      serverId: first.serverId,
      channelId: first.general,
      text: 'hello, new device',
    })
    await olga.messages.sendMessage({
      serverId: second.serverId,
      channelId: second.general,
      text: 'in dave’s server too',
    })
    await waitFor(
      () =>
        texts(tablet, first.serverId, first.general).includes('hello, new device') &&
        texts(tablet, second.serverId, second.general).includes('in dave’s server too'),
      'the new device to read both',
      10_000,
    )
    expect(Date.now() - started).toBeLessThan(10_000)
    // It sees messages from its join onward only.
    expect(texts(tablet, first.serverId, first.general)).not.toContain('before the new device')
    expect(
      tablet.servers
        .listServers()
        .map((s) => s.id)
        .sort(),
    ).toEqual([first.serverId, second.serverId].sort())
    expect(tablet.errors).toEqual([])
  })
})
