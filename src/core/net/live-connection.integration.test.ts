// LiveConnection against the real blind store: bursts, backlogs, cut and frozen connections,
// a server restart on the same database, refused tokens, slow-consumer kicks and key rotation.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer, type ServerConfig } from '../../server'
import type { Shard } from '../../shared/protocol'
import { StoreClient } from './http-client'
import { LiveConnection, type LiveConnectionOptions, type LiveState } from './live-connection'
import {
  createStream,
  postMany,
  postShard,
  randomB64,
  readProof,
  rotateKeys,
  signUp,
  type TestAccount,
  type TestStream,
} from './test-fixtures'
import { startFlakyNetworkProxy, type FlakyNetworkProxy } from './test-proxy'
import { settle, waitFor } from './test-waiting'

let dir: string
let server: RunningServer
let client: StoreClient
let account: TestAccount
const connections: LiveConnection[] = []
const proxies: FlakyNetworkProxy[] = []
const extraServers: RunningServer[] = []

const serverOptions = (file: string): Partial<ServerConfig> & { db: string } => ({
  db: `sqlite:${join(dir, file)}`,
  port: 0,
  logLevel: 'silent',
  rateLimitPerMinute: 100_000,
})

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paracord-live-'))
  server = await startServer(serverOptions('store.db'))
  client = new StoreClient({ baseUrl: server.url })
  account = await signUp(client)
})

afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.close()))
  await Promise.all(proxies.splice(0).map((p) => p.close()))
  await Promise.all(extraServers.splice(0).map((s) => s.close()))
})

afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** A live connection that records what a consumer would see. */
function watch(options: LiveConnectionOptions = {}) {
  const connection = new LiveConnection({ random: () => 0.1, ...options })
  connections.push(connection)
  const shards: Shard[] = []
  const states: LiveState[] = []
  connection.on('shard', (shard) => shards.push(shard))
  connection.on('state', (state) => states.push(state))
  return { connection, shards, states }
}

/** Subscribes with a proof maker that always signs with the stream's current read key. */
function follow(connection: LiveConnection, stream: TestStream, after = 0) {
  connection.subscribe({ stream: stream.id, after, proof: (id) => readProof(stream, id) })
}

const seqs = (shards: readonly Shard[]) => shards.map((s) => s.seq)
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i)
const subscribedTo = (connection: LiveConnection, stream: TestStream) =>
  new Promise<void>((resolve) => {
    const off = connection.on('subscribed', (s) => {
      if (s.stream === stream.id) {
        off()
        resolve()
      }
    })
  })

describe('LiveConnection with the real server', () => {
  it('receives a burst of 200 posts in order, exactly once', async () => {
    const stream = await createStream(client)
    const { connection, shards } = watch()
    follow(connection, stream)
    const subscribed = subscribedTo(connection, stream)
    connection.connect(server.url, account.token)
    await subscribed
    const posted = await postMany(client, stream, 200)
    await waitFor(() => shards.length >= 200, '200 shards')
    await settle(100)
    expect(shards.map((s) => s.id)).toEqual(posted.map((p) => p.id))
    expect(seqs(shards)).toEqual(range(1, 200))
    expect(connection.invalidFrames).toBe(0)
  })

  it('reads the backlog after its cursor, then the live posts', async () => {
    const stream = await createStream(client)
    await postMany(client, stream, 30)
    const { connection, shards } = watch()
    follow(connection, stream, 10)
    connection.connect(server.url, account.token)
    await waitFor(() => shards.length === 20, 'the backlog')
    await postMany(client, stream, 5)
    await waitFor(() => shards.length === 25, 'the live posts')
    expect(seqs(shards)).toEqual(range(11, 35))
  })

  it('follows many streams on one socket', async () => {
    const streams = await Promise.all(Array.from({ length: 5 }, () => createStream(client)))
    const { connection, shards } = watch()
    for (const stream of streams) follow(connection, stream)
    connection.connect(server.url, account.token)
    await waitFor(() => connection.state.status === 'online', 'online')
    for (const stream of streams) await postMany(client, stream, 4)
    await waitFor(() => shards.length === 20, 'all shards')
    for (const stream of streams)
      expect(seqs(shards.filter((s) => s.stream === stream.id))).toEqual([1, 2, 3, 4])
  })

  it('after its connections are cut, reconnects and resumes from the cursor: no gap, no repeat', async () => {
    const stream = await createStream(client)
    const proxy = await startFlakyNetworkProxy(server.port)
    proxies.push(proxy)
    const { connection, shards, states } = watch()
    follow(connection, stream)
    connection.connect(proxy.url, account.token)
    await waitFor(() => connection.state.status === 'online', 'online')
    await postMany(client, stream, 20)
    await waitFor(() => shards.length === 20, 'first 20')

    for (let round = 0; round < 3; round++) {
      proxy.dropAll()
      await postMany(client, stream, 15) // posted while the client is cut off
      await waitFor(() => shards.length === 20 + 15 * (round + 1), `round ${round}`)
    }
    await settle(100)
    expect(seqs(shards)).toEqual(range(1, 65))
    expect(connection.duplicateShards).toBe(0) // resubscribed from its cursor, not from 0
    expect(proxy.accepted).toBeGreaterThanOrEqual(4)
    expect(states.filter((s) => s.status === 'offline').length).toBeGreaterThanOrEqual(3)
  })

  it('takes a frozen connection for dead by its pings and resumes without loss', async () => {
    const stream = await createStream(client)
    const proxy = await startFlakyNetworkProxy(server.port)
    proxies.push(proxy)
    const { connection, shards, states } = watch({ pingIntervalMs: 50, pongTimeoutMs: 150 })
    follow(connection, stream)
    connection.connect(proxy.url, account.token)
    await waitFor(() => connection.state.status === 'online', 'online')
    await postMany(client, stream, 5)
    await waitFor(() => shards.length === 5, 'first 5')
    proxy.freezeAll()
    await postMany(client, stream, 10)
    await waitFor(() => shards.length === 15, 'the rest, after reconnecting')
    expect(seqs(shards)).toEqual(range(1, 15))
    expect(states).toContainEqual(
      expect.objectContaining({
        status: 'offline',
        reason: expect.stringContaining('ping') as unknown,
      }),
    )
  })

  it('survives a server restart on the same port and database, missing nothing', async () => {
    const own = await startServer(serverOptions('restart.db'))
    const ownClient = new StoreClient({ baseUrl: own.url })
    const user = await signUp(ownClient)
    const stream = await createStream(ownClient)
    const { connection, shards, states } = watch({ backoff: { baseMs: 50, capMs: 500 } })
    follow(connection, stream)
    connection.connect(own.url, user.token)
    await waitFor(() => connection.state.status === 'online', 'online')
    await postMany(ownClient, stream, 10)
    await waitFor(() => shards.length === 10, 'first 10')

    await own.close()
    await waitFor(() => states.some((s) => s.status === 'offline'), 'offline')
    const again = await startServer({ ...serverOptions('restart.db'), port: own.port })
    extraServers.push(again)
    await waitFor(() => connection.state.status === 'online', 'online again')
    await postMany(ownClient, stream, 10)
    await waitFor(() => shards.length === 20, 'all 20')
    await settle(100)
    expect(seqs(shards)).toEqual(range(1, 20))
    expect(connection.duplicateShards).toBe(0)
  })

  it('stops with "unauthorized" on an invalid token, without a reconnect loop', async () => {
    const { connection, states } = watch({ random: () => 0 }) // a retry would be immediate
    connection.connect(server.url, randomB64(32))
    await waitFor(() => connection.state.status === 'unauthorized', 'unauthorized')
    await settle(200)
    expect(states.map((s) => s.status)).toEqual(['connecting', 'unauthorized'])
  })

  it('surfaces a revocation after key rotation and, resubscribed with the new key, goes on', async () => {
    const stream = await createStream(client)
    const { connection, shards } = watch()
    const revoked: { stream: string; keyVersion: number }[] = []
    connection.on('revoked', (event) => {
      revoked.push(event)
      follow(connection, stream) // the proof maker now signs with the rotated read key
    })
    follow(connection, stream)
    connection.connect(server.url, account.token)
    await waitFor(() => connection.state.status === 'online', 'online')
    await postMany(client, stream, 3)
    await waitFor(() => shards.length === 3, 'three shards')

    await rotateKeys(client, stream)
    await waitFor(() => revoked.length === 1, 'revoked')
    expect(revoked[0]).toEqual({ stream: stream.id, keyVersion: 2 })
    await postShard(client, stream) // signed by the new post key
    await waitFor(() => shards.length === 4, 'the post after rotation')
    expect(seqs(shards)).toEqual([1, 2, 3, 4])
  })

  it('reports a subscription with a proof by the wrong key and keeps the others', async () => {
    const good = await createStream(client)
    const bad = await createStream(client)
    const { connection, shards } = watch()
    const errors: { stream: string; error: string }[] = []
    connection.on('subscriptionError', (e) => errors.push(e))
    follow(connection, good)
    const impostor = { ...bad, keys: { ...bad.keys, read: good.keys.read } }
    connection.subscribe({ stream: bad.id, after: 0, proof: (id) => readProof(impostor, id) })
    connection.connect(server.url, account.token)
    await waitFor(() => errors.length === 1, 'the refusal')
    expect(errors[0]).toMatchObject({ stream: bad.id, error: 'invalid_signature' })
    await postShard(client, good)
    await postShard(client, bad)
    await waitFor(() => shards.length === 1, 'the good stream’s shard')
    await settle(50)
    expect(shards.map((s) => s.stream)).toEqual([good.id])
    expect(connection.state.status).toBe('online')
  })

  it('is kicked as a slow consumer on a big backlog and resumes until it has everything once', async () => {
    const small = await startServer({
      ...serverOptions('slow.db'),
      wsMaxBufferedBytes: 64 * 1024,
      // The server waits this long for a full send buffer to drain before it kicks.
      wsDrainTimeoutMs: 5,
    })
    extraServers.push(small)
    const smallClient = new StoreClient({ baseUrl: small.url })
    const user = await signUp(smallClient)
    const stream = await createStream(smallClient)
    const big = () => randomB64(40 * 1024)
    for (let i = 0; i < 150; i += 10)
      await Promise.all(Array.from({ length: 10 }, () => postShard(smallClient, stream, big())))
    const { connection, shards, states } = watch({ backoff: { baseMs: 600_000, capMs: 600_000 } })
    follow(connection, stream)
    connection.connect(small.url, user.token)
    await waitFor(() => shards.length === 150, 'the whole backlog', 20_000)
    expect(seqs(shards)).toEqual(range(1, 150))
    // Kicked at least once, and each time back at once (a backoff wait would be minutes).
    const statuses = states.map((s) => s.status)
    expect(statuses.filter((s) => s === 'online').length).toBeGreaterThan(1)
    expect(statuses).not.toContain('offline')
  })
})
