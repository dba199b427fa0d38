import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLOSE_CODES, LIMITS, type ServerFrame } from '../../shared/protocol'
import { readProof, type SignedIn, type TestStream } from '../testing/api'
import { startTestServer, type TestServer } from '../testing/harness'
import { newKeyPair, randomB64 } from '../testing/keys'
import { LiveClient } from '../testing/live-client'

let server: TestServer
let alice: SignedIn
let bob: SignedIn
beforeAll(async () => {
  server = await startTestServer({
    // Short enough to test the timeout, long enough for a sign-in while a burst is being stored.
    wsAuthTimeoutMs: 1_500,
    wsMaxBufferedBytes: 256 * 1024,
    wsDrainTimeoutMs: 500,
    // Many sockets of one session, some left open across tests (caps: see caps.test.ts).
    maxSocketsPerSession: 1000,
    maxSocketsPerAccount: 1000,
    metricsToken: 'metrics',
  })
  alice = await server.api.signUp()
  bob = await server.api.signUp()
})
afterAll(() => server.dispose())

function subscribe(client: LiveClient, reader: SignedIn, stream: TestStream, after = 0) {
  client.send({
    type: 'subscribe',
    streams: [{ stream: stream.id, after, proof: readProof(stream, reader.accountId) }],
  })
}

const seqRange = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i)

describe('authentication', () => {
  it('answers a valid auth frame with ready', async () => {
    const client = await LiveClient.open(server.url)
    client.send({ type: 'auth', token: alice.token })
    expect(await client.next()).toEqual({ type: 'ready', accountId: alice.accountId })
    client.close()
  })

  it('closes on a bad token, on another first frame, and when no auth comes in time', async () => {
    const badToken = await LiveClient.open(server.url)
    badToken.send({ type: 'auth', token: randomB64(32) })
    expect((await badToken.closed).code).toBe(CLOSE_CODES.unauthorized)

    const noAuth = await LiveClient.open(server.url)
    noAuth.send({ type: 'ping', n: 1 })
    expect((await noAuth.closed).code).toBe(CLOSE_CODES.unauthorized)

    const silent = await LiveClient.open(server.url)
    expect((await silent.closed).code).toBe(CLOSE_CODES.authTimeout)
  })
})

describe('frames', () => {
  it('answers ping with pong of the same n', async () => {
    const client = await LiveClient.signedIn(server.url, alice.token)
    client.send({ type: 'ping', n: 41 })
    expect(await client.next()).toEqual({ type: 'pong', n: 41 })
    client.close()
  })

  it('answers invalid JSON and invalid frames with an error frame and stays open', async () => {
    const client = await LiveClient.signedIn(server.url, alice.token)
    client.sendRaw('{not json')
    expect(await client.next()).toMatchObject({ type: 'error', error: 'bad_request' })
    client.send({ type: 'subscribe', streams: [] })
    expect(await client.next()).toMatchObject({ type: 'error', error: 'bad_request' })
    client.send({ type: 'ping', n: 1 })
    expect(await client.next()).toEqual({ type: 'pong', n: 1 })
    client.close()
  })

  it('closes a socket that keeps sending bad frames', async () => {
    const client = await LiveClient.signedIn(server.url, alice.token)
    for (let i = 0; i < 10; i++) client.sendRaw('nope')
    expect((await client.closed).code).toBe(CLOSE_CODES.badFrame)
  })

  it('closes on a frame larger than the limit', async () => {
    const client = await LiveClient.signedIn(server.url, alice.token)
    client.send({ type: 'ping', n: 1, padding: 'x'.repeat(LIMITS.maxFrameBytes) })
    expect((await client.closed).code).toBe(CLOSE_CODES.frameTooLarge)
  })
})

describe('subscriptions', () => {
  it('sends the backlog then live posts in seq order, with nothing missed or repeated', async () => {
    const stream = await server.api.createStream(alice.token)
    // More than one store page of backlog, with posts landing while it is being read.
    await server.api.postMany(alice.token, stream, 150)
    const client = await LiveClient.signedIn(server.url, bob.token)
    subscribe(client, bob, stream)
    const during = server.api.postMany(alice.token, stream, 30)
    expect(await client.next()).toEqual({ type: 'subscribed', stream: stream.id, headSeq: 150 })
    await during
    // A concurrent burst after that.
    await Promise.all(
      Array.from({ length: 20 }, () =>
        server.api.post(alice.token, stream, server.api.shardRequest(stream)),
      ),
    )
    expect(await client.shardSeqs(stream.id, 200)).toEqual(seqRange(1, 200))
    client.send({ type: 'ping', n: 2 })
    expect(await client.next()).toEqual({ type: 'pong', n: 2 })
    client.close()
  })

  it('resumes after a reconnect from the last seq seen', async () => {
    const stream = await server.api.createStream(alice.token)
    await server.api.postMany(alice.token, stream, 5)
    const first = await LiveClient.signedIn(server.url, bob.token)
    subscribe(first, bob, stream)
    await first.next()
    const seen = await first.shardSeqs(stream.id, 5)
    first.close()
    await first.closed
    await server.api.postMany(alice.token, stream, 4)

    const second = await LiveClient.signedIn(server.url, bob.token)
    subscribe(second, bob, stream, seen.at(-1))
    expect(await second.next()).toMatchObject({ type: 'subscribed', headSeq: 9 })
    await server.api.postMany(alice.token, stream, 1)
    expect(await second.shardSeqs(stream.id, 5)).toEqual(seqRange(6, 10))
    second.send({ type: 'ping', n: 3 })
    expect(await second.next()).toEqual({ type: 'pong', n: 3 })
    second.close()
  })

  it('refuses a bad proof for one stream with an error naming it while the others proceed', async () => {
    const good = await server.api.createStream(alice.token)
    const bad = await server.api.createStream(alice.token)
    await server.api.postMany(alice.token, good, 2)
    await server.api.postMany(alice.token, bad, 2)
    const client = await LiveClient.signedIn(server.url, bob.token)
    client.send({
      type: 'subscribe',
      streams: [
        { stream: bad.id, after: 0, proof: readProof(bad, bob.accountId, { key: newKeyPair() }) },
        { stream: good.id, after: 0, proof: readProof(good, bob.accountId) },
        { stream: randomB64(16), after: 0, proof: readProof(good, bob.accountId) },
        { stream: good.id, after: 0, proof: readProof(good, alice.accountId) },
      ],
    })
    const frames: ServerFrame[] = []
    while (frames.filter((f) => f.type === 'error').length < 3) frames.push(await client.next())
    const errors = frames.filter((f) => f.type === 'error')
    expect(errors.map((f) => [f.error, f.stream])).toEqual([
      ['invalid_signature', bad.id],
      ['not_found', expect.any(String)],
      // Another account's proof for the good stream is refused; the first subscription stays.
      ['invalid_signature', good.id],
    ])
    expect(frames).toContainEqual({ type: 'subscribed', stream: good.id, headSeq: 2 })
    const shards = [...frames, ...client.pending()].filter((f) => f.type === 'shard')
    expect(shards.every((f) => f.type === 'shard' && f.shard.stream === good.id)).toBe(true)
    client.close()
  })

  it('stops pushes after unsubscribe', async () => {
    const stream = await server.api.createStream(alice.token)
    const client = await LiveClient.signedIn(server.url, bob.token)
    subscribe(client, bob, stream)
    await client.next()
    await server.api.postMany(alice.token, stream, 1)
    expect(await client.shardSeqs(stream.id, 1)).toEqual([1])
    client.send({ type: 'unsubscribe', streams: [stream.id] })
    client.send({ type: 'ping', n: 1 })
    expect(await client.next()).toEqual({ type: 'pong', n: 1 })
    await server.api.postMany(alice.token, stream, 1)
    client.send({ type: 'ping', n: 2 })
    expect(await client.next()).toEqual({ type: 'pong', n: 2 })
    client.close()
  })

  it('gives each of many subscribers every shard once, in order, through a burst', async () => {
    // A poster of its own: its ~800 posts stay within one session's rate limit.
    const poster = await server.api.signUp()
    const stream = await server.api.createStream(poster.token)
    const burst = (count: number) =>
      Promise.all(
        Array.from({ length: count }, () =>
          server.api.post(poster.token, stream, server.api.shardRequest(stream)),
        ),
      )
    const backlog = 150
    await burst(backlog)
    // Subscribers from the start (more backlog than the shared ring will hold by the end),
    // from the middle, and from the head; more join while the burst is on.
    const starts = Array.from({ length: 30 }, (_, i) => [0, 75, backlog][i % 3]!)
    const subscribers = await Promise.all(
      starts.map(async (after) => {
        const client = await LiveClient.signedIn(server.url, bob.token)
        subscribe(client, bob, stream, after)
        expect(await client.next()).toMatchObject({ type: 'subscribed', stream: stream.id })
        return { client, after }
      }),
    )
    const total = backlog + 8 * 80
    const posting = (async () => {
      for (let round = 0; round < 8; round++) {
        const replies = await burst(80)
        expect(replies.every((reply) => reply.status === 201)).toBe(true)
      }
    })()
    const late = await Promise.all(
      [0, 200].map(async (after) => {
        const client = await LiveClient.signedIn(server.url, bob.token)
        subscribe(client, bob, stream, after)
        expect(await client.next()).toMatchObject({ type: 'subscribed', stream: stream.id })
        return { client, after }
      }),
    )
    await posting
    for (const { client, after } of [...subscribers, ...late]) {
      expect(await client.shardSeqs(stream.id, total - after)).toEqual(seqRange(after + 1, total))
      // Once: a ping is answered after anything already queued, and nothing else came first.
      client.send({ type: 'ping', n: after })
      expect(await client.next()).toEqual({ type: 'pong', n: after })
      client.close()
    }
  })

  it('ends a subscription on the old read key after a rotation: backlog to the cap, then revoked', async () => {
    const stream = await server.api.createStream(alice.token)
    const client = await LiveClient.signedIn(server.url, bob.token)
    subscribe(client, bob, stream)
    await client.next()
    await server.api.postMany(alice.token, stream, 3)
    expect((await server.api.rotate(alice.token, stream)).status).toBe(200)
    await server.api.postMany(alice.token, stream, 2)

    const frames = await client.until((f) => f.type === 'revoked')
    const seqs = frames.flatMap((f) => (f.type === 'shard' ? [f.shard.seq] : []))
    expect(seqs).toEqual([1, 2, 3])
    expect(frames.at(-1)).toEqual({ type: 'revoked', stream: stream.id, keyVersion: 2 })

    // The new key picks up where the old one ended.
    subscribe(client, bob, stream, 3)
    expect(await client.next()).toMatchObject({ type: 'subscribed', headSeq: 5 })
    expect(await client.shardSeqs(stream.id, 2)).toEqual([4, 5])
    client.close()
  })

  it('cuts off a slow consumer without stalling another subscriber', async () => {
    const stream = await server.api.createStream(alice.token)
    const total = 200
    for (let i = 0; i < total; i += 20)
      await Promise.all(
        Array.from({ length: 20 }, () =>
          server.api.post(
            alice.token,
            stream,
            server.api.shardRequest(stream, { body: randomB64(LIMITS.maxShardBytes) }),
          ),
        ),
      )
    const slowConsumers = async () => {
      const metrics = await server.api.request<string>('GET', '/metrics', { token: 'metrics' })
      return Number(/^paracord_ws_slow_consumers_total (\d+)/m.exec(metrics.body)?.[1])
    }
    const cutBefore = await slowConsumers()

    const slow = await LiveClient.signedIn(server.url, bob.token)
    const fast = await LiveClient.signedIn(server.url, alice.token)
    // The slow client stops reading from its TCP socket.
    slow.socket.pause()
    subscribe(slow, bob, stream)
    subscribe(fast, alice, stream)
    expect(await fast.next()).toMatchObject({ type: 'subscribed' })
    expect(await fast.shardSeqs(stream.id, total)).toEqual(seqRange(1, total))
    await server.api.postMany(alice.token, stream, 1)
    expect(await fast.shardSeqs(stream.id, 1)).toEqual([total + 1])

    // The server gives up on the slow one (once its drain timeout passes); then it reads again.
    while ((await slowConsumers()) === cutBefore) await new Promise((r) => setTimeout(r, 50))
    slow.socket.resume()
    const closed = await slow.closed
    expect(closed.code).toBe(CLOSE_CODES.slowConsumer)
    const received = slow
      .pending()
      .filter((f): f is Extract<ServerFrame, { type: 'shard' }> => f.type === 'shard')
    expect(received.length).toBeLessThan(total)
    // What it did get is a gap-free prefix: it resumes by fetch or subscribe from the last seq.
    expect(received.map((f) => f.shard.seq)).toEqual(seqRange(1, received.length))
    fast.close()
  })
})

describe('shutdown', () => {
  it('closes open sockets with 1001 going away', async () => {
    const own = await startTestServer()
    const account = await own.api.signUp()
    const client = await LiveClient.signedIn(own.url, account.token)
    await own.dispose()
    expect((await client.closed).code).toBe(CLOSE_CODES.goingAway)
  })
})
