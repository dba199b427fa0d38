// The WebSocket caps: subscriptions per socket, sockets per session and per account, sockets
// per address before they authenticate, and the streams whose recent shards stay in memory.
// Clients at other addresses connect from other loopback addresses (127.0.0.2 and up).
import WebSocket from 'ws'
import { afterEach, describe, expect, it } from 'vitest'
import { CLOSE_CODES, type ServerFrame } from '../../shared/protocol'
import type { ServerConfig } from '../config'
import { readProof, type SignedIn, type TestStream } from '../testing/api'
import { startTestServer, type TestServer } from '../testing/harness'
import { LiveClient } from '../testing/live-client'

let server: TestServer | null = null
afterEach(async () => {
  await server?.dispose()
  server = null
})

async function start(config: Partial<ServerConfig>): Promise<TestServer> {
  server = await startTestServer(config)
  return server
}

/** A socket from `from`, or the HTTP status that refused its upgrade. */
function connect(
  target: TestServer,
  from = '127.0.0.1',
): Promise<{ socket: WebSocket } | { refused: number }> {
  const socket = new WebSocket(`${target.url.replace(/^http/, 'ws')}/v1/ws`, {
    localAddress: from,
  })
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket }))
    socket.once('unexpected-response', (_request, response) => {
      resolve({ refused: response.statusCode ?? 0 })
      socket.terminate()
    })
    socket.once('error', reject)
  })
}

/** Sends `auth` and resolves with `ready`, or the close code if the server closes instead. */
function authenticate(socket: WebSocket, token: string): Promise<'ready' | number> {
  return new Promise((resolve) => {
    socket.once('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as ServerFrame
      resolve(frame.type === 'ready' ? 'ready' : -1)
    })
    socket.once('close', (code) => resolve(code))
    socket.send(JSON.stringify({ type: 'auth', token }))
  })
}

async function signedInSocket(target: TestServer, token: string, from?: string) {
  const opened = await connect(target, from)
  if (!('socket' in opened)) throw new Error(`upgrade refused with ${opened.refused}`)
  return { socket: opened.socket, outcome: await authenticate(opened.socket, token) }
}

const subscription = (reader: SignedIn, stream: TestStream, after = 0) => ({
  stream: stream.id,
  after,
  proof: readProof(stream, reader.accountId),
})

describe('subscriptions per socket', () => {
  it('refuses subscriptions beyond the cap, naming each stream, and keeps the rest', async () => {
    const target = await start({ maxSubscriptionsPerSocket: 3 })
    const alice = await target.api.signUp()
    const streams: TestStream[] = []
    for (let i = 0; i < 4; i++) streams.push(await target.api.createStream(alice.token))
    const client = await LiveClient.signedIn(target.url, alice.token)
    client.send({ type: 'subscribe', streams: streams.map((s) => subscription(alice, s)) })
    const frames = [await client.next(), await client.next(), await client.next()]
    expect(frames.map((f) => f.type)).toEqual(['subscribed', 'subscribed', 'subscribed'])
    expect(await client.next()).toMatchObject({
      type: 'error',
      error: 'rate_limited',
      stream: streams[3]!.id,
    })
    // Subscribing again to a stream it already follows replaces it, within the cap.
    client.send({ type: 'subscribe', streams: [subscription(alice, streams[0]!)] })
    expect(await client.next()).toMatchObject({ type: 'subscribed', stream: streams[0]!.id })
    // After an unsubscribe there is room again.
    client.send({ type: 'unsubscribe', streams: [streams[1]!.id] })
    client.send({ type: 'subscribe', streams: [subscription(alice, streams[3]!)] })
    expect(await client.next()).toMatchObject({ type: 'subscribed', stream: streams[3]!.id })
    client.close()
  })
})

describe('sockets per session and per account', () => {
  it('closes a socket beyond the session cap with 4029, and admits one when another closes', async () => {
    const target = await start({ maxSocketsPerSession: 2, maxSocketsPerAccount: 10 })
    const alice = await target.api.signUp()
    const first = await signedInSocket(target, alice.token)
    const second = await signedInSocket(target, alice.token)
    const third = await signedInSocket(target, alice.token)
    expect([first.outcome, second.outcome, third.outcome]).toEqual([
      'ready',
      'ready',
      CLOSE_CODES.rateLimited,
    ])
    // Another session of the same account has its own count.
    const otherSession = await target.api.login({ ...alice })
    expect((await signedInSocket(target, otherSession.token)).outcome).toBe('ready')
    // A closed socket frees its place.
    const gone = new Promise((resolve) => first.socket.once('close', resolve))
    first.socket.close()
    await gone
    await expect.poll(async () => (await signedInSocket(target, alice.token)).outcome).toBe('ready')
  })

  it('closes a socket beyond the account cap, whichever session it uses', async () => {
    const target = await start({ maxSocketsPerSession: 10, maxSocketsPerAccount: 3 })
    const account = await target.api.register()
    const sessions = [
      await target.api.login({ ...account }),
      await target.api.login({ ...account }),
    ]
    const outcomes = []
    for (const token of [0, 1, 0, 1].map((i) => sessions[i]!.token))
      outcomes.push((await signedInSocket(target, token)).outcome)
    expect(outcomes).toEqual(['ready', 'ready', 'ready', CLOSE_CODES.rateLimited])
    const neighbour = await target.api.signUp()
    expect((await signedInSocket(target, neighbour.token)).outcome).toBe('ready')
  })
})

describe('sockets that have not authenticated', () => {
  it('refuses the upgrade beyond the per-address cap, sparing other addresses', async () => {
    const target = await start({ maxPendingSocketsPerAddress: 3 })
    const alice = await target.api.signUp()
    const held = []
    for (let i = 0; i < 3; i++) held.push(await connect(target, '127.0.0.2'))
    expect(held.every((opened) => 'socket' in opened)).toBe(true)
    expect(await connect(target, '127.0.0.2')).toEqual({ refused: 429 })
    // Another address is not affected.
    expect((await signedInSocket(target, alice.token, '127.0.0.3')).outcome).toBe('ready')
    // Once one of them authenticates, it no longer counts as pending.
    const first = held[0] as { socket: WebSocket }
    expect(await authenticate(first.socket, alice.token)).toBe('ready')
    expect((await signedInSocket(target, alice.token, '127.0.0.2')).outcome).toBe('ready')
  })
})

describe('many people behind one address', () => {
  it('lets 1,000 users behind one address in, while an abuser at another is held to its caps', async () => {
    // Default limits, but for registration: setting up 1,000 accounts is not what is measured.
    const target = await start({ registrationsPerHour: 10_000 })
    const users: SignedIn[] = []
    for (let i = 0; i < 1000; i += 50)
      users.push(...(await Promise.all(Array.from({ length: 50 }, () => target.api.signUp()))))

    // The abuser opens far more sockets than the pending cap and never authenticates…
    const abuser: Array<{ socket: WebSocket } | { refused: number }> = []
    for (let i = 0; i < 300; i += 50)
      abuser.push(
        ...(await Promise.all(Array.from({ length: 50 }, () => connect(target, '127.0.0.2')))),
      )
    const held = abuser.filter((opened) => 'socket' in opened)
    expect(held).toHaveLength(256)
    expect(abuser.filter((opened) => 'refused' in opened && opened.refused === 429)).toHaveLength(
      44,
    )

    // …and with a session of its own gets at most its account's sockets.
    const abuserAccount = await target.api.signUp()
    const abuserSockets = []
    for (let i = 0; i < 40; i++)
      abuserSockets.push(await signedInSocket(target, abuserAccount.token, '127.0.0.3'))
    expect(abuserSockets.filter((s) => s.outcome === 'ready').length).toBeLessThanOrEqual(32)

    // Meanwhile every user behind the busy address connects, as their clients would after a
    // restart of the server (in waves, each socket authenticating at once).
    const sockets: WebSocket[] = []
    for (let i = 0; i < users.length; i += 100) {
      const wave = await Promise.all(
        users.slice(i, i + 100).map((user) => signedInSocket(target, user.token)),
      )
      expect(wave.map((s) => s.outcome)).toEqual(Array(wave.length).fill('ready'))
      sockets.push(...wave.map((s) => s.socket))
    }
    expect(sockets).toHaveLength(1000)
    expect((await target.api.request('GET', '/healthz')).status).toBe(200)
    for (const socket of [...sockets, ...abuserSockets.map((s) => s.socket)]) socket.terminate()
    for (const opened of held) if ('socket' in opened) opened.socket.terminate()
  }, 120_000)
})

describe('stream rings', () => {
  it('keeps at most the cap of rings in memory and still delivers every shard in order', async () => {
    const target = await start({ maxStreamRings: 2, metricsToken: 'm' })
    const alice = await target.api.signUp()
    const streams: TestStream[] = []
    for (let i = 0; i < 3; i++) streams.push(await target.api.createStream(alice.token))
    const client = await LiveClient.signedIn(target.url, alice.token)
    client.send({ type: 'subscribe', streams: streams.map((s) => subscription(alice, s)) })
    for (let i = 0; i < 3; i++) expect((await client.next()).type).toBe('subscribed')

    const rings = async () => {
      const text = (await target.api.request<string>('GET', '/metrics', { token: 'm' })).body
      return Number(/^paracord_stream_rings (\d+)$/m.exec(text)?.[1])
    }
    // Round after round, every stream gets a shard: the least recently fed loses its ring.
    for (let round = 1; round <= 3; round++) {
      for (const stream of streams) {
        await target.api.postMany(alice.token, stream, 1)
        expect(await client.shardSeqs(stream.id, 1)).toEqual([round])
      }
      expect(await rings()).toBe(2)
    }
    // A late subscriber of a stream whose ring was dropped still gets everything, in order.
    const late = await LiveClient.signedIn(target.url, alice.token)
    late.send({ type: 'subscribe', streams: [subscription(alice, streams[0]!)] })
    expect((await late.next()).type).toBe('subscribed')
    expect(await late.shardSeqs(streams[0]!.id, 3)).toEqual([1, 2, 3])
    client.close()
    late.close()
  })
})
