// The shared feed and its subscriptions over a real SQLite store, driven the way the hub drives
// them (a wake-up per post), with sockets whose backlog the test controls.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Shard } from '../../shared/protocol'
import { openSqliteStore } from '../store/sqlite'
import type { Store } from '../store/types'
import { StreamFeed } from './stream-feed'
import { LiveSubscription, type SubscriptionOutlet } from './subscription'

const b64 = (bytes: number) => randomBytes(bytes).toString('base64url')

/** A socket stand-in that records what it was sent and can be made to look full. */
class TestSocket implements SubscriptionOutlet {
  readonly seqs: number[] = []
  readonly frames: Buffer[] = []
  readonly revocations: number[] = []
  full = false
  private waiting: ((ok: boolean) => void) | null = null

  sendFrame(frame: Buffer): boolean {
    const parsed = JSON.parse(frame.toString()) as { type: string; shard: Shard }
    expect(parsed.type).toBe('shard')
    this.seqs.push(parsed.shard.seq)
    this.frames.push(frame)
    return true
  }
  overLimit(): boolean {
    return this.full
  }
  drained(): Promise<boolean> {
    if (!this.full) return Promise.resolve(true)
    return new Promise((resolve) => (this.waiting = resolve))
  }
  /** The reader catches up with its socket. */
  drain(): void {
    this.full = false
    this.waiting?.(true)
    this.waiting = null
  }
  revoked(_stream: string, keyVersion: number): void {
    this.revocations.push(keyVersion)
  }
  failed(_stream: string, error: unknown): void {
    throw error
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((r) => setTimeout(r, 5))
  if (!condition()) throw new Error(`never happened: ${what}`)
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i)

let dir: string
let store: Store
let streamId: string
const clock = { now: 1_700_000_000_000 }
const now = () => clock.now

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paracord-feed-'))
  store = await openSqliteStore({ path: path.join(dir, 'store.db') })
  streamId = b64(16)
  await store.createStream({
    id: streamId,
    policy: {
      postKey: null,
      readKey: b64(32),
      adminKey: b64(32),
      permanent: true,
      maxBurnSeconds: 3600,
    },
    createdBy: b64(16),
    createdAt: clock.now,
  })
})
afterEach(async () => {
  await store.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

/** Posts `count` shards and wakes the feed after each batch, as the hub does. */
async function post(feed: StreamFeed, count: number, burnAt: number | null = null) {
  const results = await Promise.all(
    Array.from({ length: count }, () =>
      store.postShard(
        { id: b64(16), stream: streamId, body: b64(32), burnAt, signature: null },
        now(),
      ),
    ),
  )
  for (const result of results) if (result.status === 'stored') feed.wake(result.shard.seq)
}

async function newFeed(): Promise<StreamFeed> {
  return new StreamFeed(store, (await store.getStream(streamId))!, now)
}

function follow(feed: StreamFeed, after: number, keyVersion = 1) {
  const socket = new TestSocket()
  const subscription = new LiveSubscription(
    streamId,
    { keyVersion, untilSeq: null },
    after,
    feed,
    store,
    socket,
    now,
  )
  subscription.wake()
  return { subscription, socket }
}

describe('StreamFeed with its subscriptions', () => {
  it('serialises each shard once for every subscription that sends it', async () => {
    const feed = await newFeed()
    const readers = Array.from({ length: 5 }, () => follow(feed, 0))
    await post(feed, 3)
    await until(() => readers.every((r) => r.socket.seqs.length === 3), 'all delivered')
    // The very same bytes went to every socket, not equal copies.
    const [first, ...others] = readers.map((r) => r.socket.frames)
    for (const frames of others) frames.forEach((frame, i) => expect(frame).toBe(first![i]))
    for (const { socket } of readers) expect(socket.seqs).toEqual([1, 2, 3])
  })

  it('lets a subscription that fell behind the ring catch up from the store, gap- and duplicate-free', async () => {
    const feed = await newFeed()
    const steady = follow(feed, 0)
    const lagging = follow(feed, 0)
    await post(feed, 1)
    await until(() => lagging.socket.seqs.length === 1, 'first shard')
    // Its socket fills up and stays full while far more than the ring holds is posted.
    lagging.socket.full = true
    await post(feed, 1)
    for (let round = 0; round < 12; round++) await post(feed, 100)
    const total = 2 + 1200
    await until(() => steady.socket.seqs.length === total, 'steady reader has everything')
    expect(feed.baseSeq).toBeGreaterThan(2)
    lagging.socket.drain()
    await until(() => lagging.socket.seqs.length === total, 'lagging reader caught up')
    expect(steady.socket.seqs).toEqual(range(1, total))
    expect(lagging.socket.seqs).toEqual(range(1, total))
  })

  it('never pushes a shard whose burn time passed while it waited in the ring', async () => {
    const feed = await newFeed()
    const waiting = follow(feed, 0)
    waiting.socket.full = true
    await post(feed, 1)
    await post(feed, 2, clock.now + 1000)
    await post(feed, 1)
    await until(() => feed.coveredThrough === 4, 'the feed read all four')
    clock.now += 2000
    waiting.socket.drain()
    await until(() => waiting.socket.seqs.length === 2, 'the unburned ones')
    expect(waiting.socket.seqs).toEqual([1, 4])
  })

  it('caps a subscription at the rotation and revokes it, while a new-key one goes on', async () => {
    const feed = await newFeed()
    const old = follow(feed, 0)
    await post(feed, 3)
    const rotated = await store.rotateStreamKeys(streamId, 2, {
      postKey: null,
      readKey: b64(32),
      adminKey: b64(32),
    })
    expect(rotated.status).toBe('ok')
    const current = follow(feed, 0, 2)
    await post(feed, 2)
    feed.wake()
    await until(() => old.socket.revocations.length === 1, 'old key revoked')
    expect(old.socket.seqs).toEqual([1, 2, 3])
    expect(old.socket.revocations).toEqual([2])
    await until(() => current.socket.seqs.length === 5, 'new key reads on')
    expect(current.socket.seqs).toEqual(range(1, 5))
  })
})
