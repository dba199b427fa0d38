// LiveConnection against scripted WebSocket servers on 127.0.0.1 that misbehave on purpose:
// garbage frames, duplicates, kicks, silence, refusals. Behaviour against the real store is in
// live-connection.integration.test.ts.
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer, type WebSocket } from 'ws'
import { CLOSE_CODES, type ReadProof, type Shard } from '../../shared/protocol'
import { InvalidRequestError } from './errors'
import {
  LiveConnection,
  liveUrl,
  type LiveConnectionOptions,
  type LiveState,
} from './live-connection'
import { randomB64 } from './test-fixtures'
import { settle, waitFor } from './test-waiting'

interface Peer {
  readonly socket: WebSocket
  /** Parsed frames the client sent on this socket. */
  readonly frames: { type: string; [key: string]: unknown }[]
  closeCode: number | null
  send(frame: unknown): void
}

const servers: WebSocketServer[] = []
const connections: LiveConnection[] = []
afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.close()))
  for (const server of servers.splice(0)) {
    for (const client of server.clients) client.terminate()
    await new Promise((resolve) => server.close(resolve))
  }
})

const ACCOUNT = randomB64(16)

/**
 * A WebSocket server that answers `auth` with `ready` (unless `onAuth` says otherwise) and
 * hands every connection to `script`.
 */
async function scriptedServer(
  script: (peer: Peer) => void = () => {},
  onAuth: (peer: Peer) => void = (peer) => peer.send({ type: 'ready', accountId: ACCOUNT }),
) {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  servers.push(server)
  await new Promise((resolve) => server.once('listening', resolve))
  const peers: Peer[] = []
  server.on('connection', (socket) => {
    const peer: Peer = {
      socket,
      frames: [],
      closeCode: null,
      send: (frame) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    }
    peers.push(peer)
    socket.on('close', (code) => (peer.closeCode = code))
    socket.on('message', (data) => {
      // ws hands a message over as one Buffer (binaryType nodebuffer, the default).
      const frame = JSON.parse((data as Buffer).toString()) as Peer['frames'][number]
      peer.frames.push(frame)
      if (frame.type === 'auth') onAuth(peer)
    })
    script(peer)
  })
  const { port } = server.address() as AddressInfo
  return { url: `ws://127.0.0.1:${port}/v1/ws`, peers }
}

/** A connection that records its states and shards. */
function live(options: LiveConnectionOptions = {}) {
  const connection = new LiveConnection({ random: () => 0, ...options })
  connections.push(connection)
  const states: LiveState[] = []
  const shards: Shard[] = []
  connection.on('state', (s) => states.push(s))
  connection.on('shard', (s) => shards.push(s))
  return { connection, states, shards }
}

const stream = randomB64(16)
const otherStream = randomB64(16)
const proof = (): ReadProof => ({ keyVersion: 1, at: Date.now(), signature: randomB64(64) })
const shard = (seq: number, onStream = stream): Shard => ({
  id: randomB64(16),
  stream: onStream,
  seq,
  body: randomB64(20),
  burnAt: null,
  receivedAt: 1,
  signature: null,
})
/** The frames the client sent on its `index`-th connection (none before it exists). */
const framesOn = (server: { peers: Peer[] }, index: number) => server.peers[index]?.frames ?? []
const subscribesOn = (server: { peers: Peer[] }, index: number) =>
  framesOn(server, index).filter((f) => f.type === 'subscribe')

describe('LiveConnection: delivery', () => {
  it('delivers shards in seq order once, ignoring duplicates, strays and invalid frames', async () => {
    const server = await scriptedServer()
    const { connection, shards } = live()
    connection.subscribe({ stream, after: 0, proof })
    connection.connect(server.url, randomB64(32))
    await waitFor(() => subscribesOn(server, 0).length === 1, 'subscribe')
    const peer = server.peers[0]!
    peer.send({ type: 'shard', shard: shard(1) })
    peer.send('this is not JSON')
    peer.socket.send(Buffer.from([1, 2, 3]), { binary: true })
    peer.send({ type: 'shard', shard: { ...shard(2), body: 'not*base64' } })
    peer.send({ type: 'shard', shard: { ...shard(2), extra: 'field' } })
    peer.send({ type: 'shard', shard: shard(1) })
    peer.send({ type: 'shard', shard: shard(5, otherStream) })
    peer.send({ type: 'shard', shard: shard(3) })
    await waitFor(() => shards.length === 2, 'two shards')
    await settle(30)
    expect(shards.map((s) => s.seq)).toEqual([1, 3])
    expect(connection.invalidFrames).toBe(4)
    expect(connection.duplicateShards).toBe(1)
    expect(connection.cursor(stream)).toBe(3)
    expect(connection.state.status).toBe('online')
  })

  it('subscribes every wanted stream with the protocol frame, authenticating first', async () => {
    const server = await scriptedServer()
    const { connection } = live()
    const token = randomB64(32)
    connection.subscribe({ stream, after: 4, proof })
    connection.subscribe({ stream: otherStream, after: 0, proof })
    connection.connect(server.url, token)
    await waitFor(() => framesOn(server, 0).length === 2, 'auth and subscribe')
    const [auth, subscribe] = server.peers[0]!.frames
    expect(auth).toEqual({ type: 'auth', token })
    expect(subscribe).toMatchObject({
      type: 'subscribe',
      streams: [
        { stream, after: 4 },
        { stream: otherStream, after: 0 },
      ],
    })
  })

  it('skips shards at or below a cursor the consumer declared held', async () => {
    const server = await scriptedServer()
    const { connection, shards } = live()
    connection.subscribe({ stream, after: 0, proof })
    connection.connect(server.url, randomB64(32))
    await waitFor(() => subscribesOn(server, 0).length === 1, 'subscribe')
    connection.updateCursor(stream, 10)
    for (const seq of [9, 10, 11]) server.peers[0]!.send({ type: 'shard', shard: shard(seq) })
    await waitFor(() => shards.length === 1, 'shard 11')
    expect(shards.map((s) => s.seq)).toEqual([11])
  })

  it('stops delivering a stream after unsubscribe and tells the server', async () => {
    const server = await scriptedServer()
    const { connection, shards } = live()
    connection.subscribe({ stream, after: 0, proof })
    connection.connect(server.url, randomB64(32))
    await waitFor(() => framesOn(server, 0).length === 2, 'subscribe')
    connection.unsubscribe(stream)
    server.peers[0]!.send({ type: 'shard', shard: shard(1) })
    await waitFor(() => server.peers[0]!.frames.length === 3, 'unsubscribe frame')
    expect(server.peers[0]!.frames[2]).toEqual({ type: 'unsubscribe', streams: [stream] })
    await settle(30)
    expect(shards).toHaveLength(0)
    expect(connection.cursor(stream)).toBeUndefined()
  })
})

describe('LiveConnection: reconnecting', () => {
  it('after a drop, resubscribes from its cursor with a fresh proof', async () => {
    const server = await scriptedServer()
    const { connection, shards } = live()
    let proofsMade = 0
    connection.subscribe({
      stream,
      after: 0,
      proof: (accountId) => {
        expect(accountId).toBe(ACCOUNT)
        proofsMade++
        return { ...proof(), at: proofsMade }
      },
    })
    connection.connect(server.url, randomB64(32))
    await waitFor(() => subscribesOn(server, 0).length === 1, 'subscribe')
    for (const seq of [1, 2, 3]) server.peers[0]!.send({ type: 'shard', shard: shard(seq) })
    await waitFor(() => shards.length === 3, 'three shards')
    server.peers[0]!.socket.terminate()
    await waitFor(() => subscribesOn(server, 1).length === 1, 'resubscribe')
    const [again] = subscribesOn(server, 1)
    expect(again).toMatchObject({ streams: [{ stream, after: 3, proof: { at: 2 } }] })
    expect(proofsMade).toBe(2)
    // The new socket replays an overlap: only the new shard comes through.
    for (const seq of [3, 4]) server.peers[1]!.send({ type: 'shard', shard: shard(seq) })
    await waitFor(() => shards.length === 4, 'shard 4')
    expect(shards.map((s) => s.seq)).toEqual([1, 2, 3, 4])
  })

  it('reconnects at once after a slow-consumer kick, without a backoff wait', async () => {
    const server = await scriptedServer()
    // A backoff wait would be ten minutes here: the second connection proves there was none.
    const { connection, states } = live({
      random: () => 0.99,
      backoff: { baseMs: 600_000, capMs: 600_000 },
    })
    connection.connect(server.url, randomB64(32))
    await waitFor(() => connection.state.status === 'online', 'online')
    server.peers[0]!.socket.close(CLOSE_CODES.slowConsumer, 'slow consumer')
    await waitFor(
      () => server.peers.length === 2 && connection.state.status === 'online',
      'back online',
    )
    expect(states.map((s) => s.status)).toEqual(['connecting', 'online', 'connecting', 'online'])
  })

  it('waits with growing, jittered delays while the server stays away', async () => {
    const server = await scriptedServer((peer) => peer.socket.close(CLOSE_CODES.goingAway))
    const { connection, states } = live({ random: () => 0.5, backoff: { baseMs: 10, capMs: 40 } })
    connection.connect(server.url, randomB64(32))
    const waits = () => states.flatMap((s) => (s.status === 'offline' ? [s.retryInMs] : []))
    await waitFor(() => waits().length >= 5, 'five retries')
    expect(waits().slice(0, 5)).toEqual([5, 10, 20, 20, 20])
    const first = states.find((s) => s.status === 'offline')
    expect(first).toMatchObject({ reason: expect.stringContaining('going away') as unknown })
  })

  it('takes a socket that stops answering pings for dead and reconnects', async () => {
    const server = await scriptedServer() // answers auth, never pongs
    const { connection, states } = live({ pingIntervalMs: 20, pongTimeoutMs: 20 })
    connection.connect(server.url, randomB64(32))
    await waitFor(() => server.peers.length >= 2, 'a second connection')
    expect(server.peers[0]!.frames.some((f) => f.type === 'ping')).toBe(true)
    expect(states).toContainEqual(
      expect.objectContaining({
        status: 'offline',
        reason: expect.stringContaining('ping') as unknown,
      }),
    )
  })

  it('keeps a socket that answers its pings', async () => {
    const server = await scriptedServer((peer) =>
      peer.socket.on('message', (data) => {
        const frame = JSON.parse((data as Buffer).toString()) as { type: string; n?: number }
        if (frame.type === 'ping') peer.send({ type: 'pong', n: frame.n })
      }),
    )
    const { connection } = live({ pingIntervalMs: 10, pongTimeoutMs: 50 })
    connection.connect(server.url, randomB64(32))
    await waitFor(() => framesOn(server, 0).filter((f) => f.type === 'ping').length >= 8, 'pings')
    expect(server.peers).toHaveLength(1)
    expect(connection.state.status).toBe('online')
  })

  it('gives up on a server that never says ready and tries again', async () => {
    const server = await scriptedServer(undefined, () => {})
    const { connection, states } = live({ handshakeTimeoutMs: 30 })
    connection.connect(server.url, randomB64(32))
    await waitFor(() => server.peers.length >= 2, 'a second connection')
    expect(states).toContainEqual(
      expect.objectContaining({
        status: 'offline',
        reason: expect.stringContaining('ready') as unknown,
      }),
    )
  })

  it('stops for good on an unauthorized close, without retrying', async () => {
    const server = await scriptedServer(undefined, (peer) =>
      peer.socket.close(CLOSE_CODES.unauthorized, 'invalid session'),
    )
    const { connection, states } = live() // random 0: a retry would be immediate
    connection.connect(server.url, randomB64(32))
    await waitFor(() => connection.state.status === 'unauthorized', 'unauthorized')
    await settle(100)
    expect(server.peers).toHaveLength(1)
    expect(states.map((s) => s.status)).toEqual(['connecting', 'unauthorized'])
    expect(connection.state).toMatchObject({
      reason: expect.stringContaining('invalid session') as unknown,
    })
  })

  it('retries at once when asked, instead of waiting out the backoff', async () => {
    let first = true
    const server = await scriptedServer((peer) => {
      if (first) peer.socket.close(CLOSE_CODES.goingAway)
      first = false
    })
    const { connection } = live({
      random: () => 0.99,
      backoff: { baseMs: 600_000, capMs: 600_000 },
    })
    connection.connect(server.url, randomB64(32))
    await waitFor(() => connection.state.status === 'offline', 'offline')
    expect(connection.state).toMatchObject({ retryInMs: 594_000 })
    connection.reconnectNow()
    await waitFor(() => connection.state.status === 'online', 'online')
    expect(server.peers).toHaveLength(2)
  })

  it('leaves no timer running after close()', async () => {
    const server = await scriptedServer()
    const pending = new Set<unknown>()
    const timers = {
      setTimeout: (callback: () => void, ms: number) => {
        const handle = setTimeout(() => {
          pending.delete(handle)
          callback()
        }, ms)
        pending.add(handle)
        return handle
      },
      clearTimeout: (handle: unknown) => {
        pending.delete(handle)
        clearTimeout(handle as ReturnType<typeof setTimeout>)
      },
    }
    const { connection } = live({ timers })
    connection.connect(server.url, randomB64(32))
    await waitFor(() => connection.state.status === 'online', 'online')
    expect(pending.size).toBeGreaterThan(0) // the ping timer
    await connection.close()
    expect(pending.size).toBe(0)
  })

  it('stops after close() and tells the server it is leaving', async () => {
    const server = await scriptedServer()
    const { connection } = live()
    connection.connect(server.url, randomB64(32))
    await waitFor(() => connection.state.status === 'online', 'online')
    await connection.close()
    await waitFor(() => server.peers[0]!.closeCode !== null, 'server saw the close')
    expect(server.peers[0]!.closeCode).toBe(CLOSE_CODES.normal)
    await settle(50)
    expect(server.peers).toHaveLength(1)
    expect(connection.state).toEqual({ status: 'offline', reason: 'closed', retryInMs: null })
  })
})

describe('LiveConnection: revocations and refusals', () => {
  it('surfaces a revocation and resubscribes that stream only when asked again', async () => {
    const server = await scriptedServer()
    const { connection } = live()
    const revoked: { stream: string; keyVersion: number }[] = []
    connection.on('revoked', (r) => revoked.push(r))
    connection.subscribe({ stream, after: 0, proof })
    connection.subscribe({ stream: otherStream, after: 0, proof })
    connection.connect(server.url, randomB64(32))
    await waitFor(() => subscribesOn(server, 0).length === 1, 'subscribe')
    server.peers[0]!.send({ type: 'shard', shard: shard(7) })
    server.peers[0]!.send({ type: 'revoked', stream, keyVersion: 2 })
    await waitFor(() => revoked.length === 1, 'revoked event')
    expect(revoked[0]).toEqual({ stream, keyVersion: 2 })

    // 1. A reconnect does not resubscribe the revoked stream with its old proof maker.
    server.peers[0]!.socket.terminate()
    await waitFor(() => subscribesOn(server, 1).length === 1, 'resubscribe')
    const streamsAgain = (subscribesOn(server, 1)[0]!.streams as { stream: string }[]).map(
      (s) => s.stream,
    )
    expect(streamsAgain).toEqual([otherStream])
    // 2. Subscribing again with a new proof maker resumes from the kept cursor.
    connection.subscribe({ stream, after: 0, proof: () => ({ ...proof(), keyVersion: 2 }) })
    await waitFor(() => subscribesOn(server, 1).length === 2, 'subscribe after revoke')
    expect(subscribesOn(server, 1)[1]).toMatchObject({
      streams: [{ stream, after: 7, proof: { keyVersion: 2 } }],
    })
  })

  it('reports a refused subscription and keeps the others flowing', async () => {
    const server = await scriptedServer()
    const { connection, shards } = live()
    const errors: { stream: string; error: string }[] = []
    connection.on('subscriptionError', (e) => errors.push(e))
    connection.subscribe({ stream, after: 0, proof })
    connection.subscribe({ stream: otherStream, after: 0, proof })
    connection.connect(server.url, randomB64(32))
    await waitFor(() => subscribesOn(server, 0).length === 1, 'subscribe')
    const peer = server.peers[0]!
    peer.send({ type: 'error', error: 'invalid_signature', message: 'bad proof', stream })
    peer.send({ type: 'shard', shard: shard(1, otherStream) })
    await waitFor(() => shards.length === 1 && errors.length === 1, 'error and shard')
    expect(errors[0]).toMatchObject({ stream, error: 'invalid_signature' })
    expect(connection.state.status).toBe('online')
  })

  it('does not send a proof that failed or is malformed, and keeps the socket', async () => {
    const server = await scriptedServer()
    const { connection } = live()
    const errors: { stream: string; error: string }[] = []
    connection.on('subscriptionError', (e) => errors.push(e))
    const third = randomB64(16)
    connection.subscribe({
      stream,
      after: 0,
      proof: () => {
        throw new Error('read key locked')
      },
    })
    connection.subscribe({
      stream: otherStream,
      after: 0,
      proof: () => ({ keyVersion: 0, at: -1, signature: 'x' }),
    })
    connection.subscribe({ stream: third, after: 0, proof })
    connection.connect(server.url, randomB64(32))
    await waitFor(() => subscribesOn(server, 0).length === 1, 'subscribe')
    const sent = subscribesOn(server, 0)[0]!.streams as { stream: string }[]
    expect(sent.map((s) => s.stream)).toEqual([third])
    expect(errors).toEqual([
      { stream, error: 'proof_failed', message: 'read key locked' },
      expect.objectContaining({ stream: otherStream, error: 'bad_proof' }),
    ])
  })
})

describe('LiveConnection: bad input', () => {
  it('refuses an invalid stream id or cursor with a clear error and keeps the others', () => {
    const { connection } = live()
    connection.subscribe({ stream, after: 2, proof })
    expect(() => connection.subscribe({ stream: 'nope', after: 0, proof })).toThrow(
      InvalidRequestError,
    )
    expect(() => connection.subscribe({ stream, after: -1, proof })).toThrow(InvalidRequestError)
    expect(() => connection.subscribe({ stream, after: 1.5, proof })).toThrow(InvalidRequestError)
    expect(() => connection.updateCursor(stream, Number.NaN)).toThrow(InvalidRequestError)
    expect(connection.cursor(stream)).toBe(2)
  })

  it('refuses a URL it cannot connect to', () => {
    const { connection } = live()
    expect(() => connection.connect('ftp://127.0.0.1/', randomB64(32))).toThrow(InvalidRequestError)
    expect(() => connection.connect('not a url', randomB64(32))).toThrow(InvalidRequestError)
  })

  it('derives the live endpoint from the server base URL', () => {
    expect(liveUrl('http://127.0.0.1:8443')).toBe('ws://127.0.0.1:8443/v1/ws')
    expect(liveUrl('https://chat.example.org/paracord/')).toBe(
      'wss://chat.example.org/paracord/v1/ws',
    )
    expect(liveUrl('ws://127.0.0.1:1/custom')).toBe('ws://127.0.0.1:1/custom')
  })

  it('refuses an unencrypted live endpoint on another machine', () => {
    expect(() => liveUrl('http://chat.example.org')).toThrow(InvalidRequestError)
    expect(() => liveUrl('ws://chat.example.org/v1/ws')).toThrow(
      /must use https:\/\/ or wss:\/\/ for a backend on another machine/,
    )
    expect(liveUrl('ws://[::1]:8443/v1/ws')).toBe('ws://[::1]:8443/v1/ws')
  })
})
