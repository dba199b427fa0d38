import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLOSE_CODES } from '../../shared/protocol'
import { startServer, type RunningServer } from '../index'
import { freshTestSchema, type TestSchema } from '../store/postgres-testing'
import { readProof, StoreTestClient, type SignedIn, type TestStream } from '../testing/api'
import { LiveClient } from '../testing/live-client'
import { channelFor, coalesce, encodeEvents, MAX_PAYLOAD_BYTES } from './pg-notifier'
import type { LiveEvent } from './notifier'

describe('NOTIFY payloads', () => {
  it('keeps one wake-up per stream with its highest seq, and every other event in order', () => {
    const events: LiveEvent[] = [
      { kind: 'posted', stream: 'a', seq: 1 },
      { kind: 'posted', stream: 'b', seq: 7 },
      { kind: 'rotated', stream: 'a', keyVersion: 2, untilSeq: 1 },
      { kind: 'posted', stream: 'a', seq: 3 },
      { kind: 'sessions_ended', accountId: 'x', tokenHash: null, exceptTokenHash: 't' },
    ]
    expect(coalesce(events)).toEqual([
      { kind: 'posted', stream: 'a', seq: 3 },
      { kind: 'posted', stream: 'b', seq: 7 },
      { kind: 'rotated', stream: 'a', keyVersion: 2, untilSeq: 1 },
      { kind: 'sessions_ended', accountId: 'x', tokenHash: null, exceptTokenHash: 't' },
    ])
  })

  it('splits many events into payloads under the NOTIFY limit, losing none', () => {
    const events: LiveEvent[] = Array.from({ length: 500 }, (_, n) => ({
      kind: 'posted',
      stream: `${'s'.repeat(60)}${n}`,
      seq: n,
    }))
    const payloads = encodeEvents('instance', events)
    expect(payloads.length).toBeGreaterThan(1)
    for (const payload of payloads) expect(payload.length).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES)
    expect(payloads.flatMap((p) => (JSON.parse(p) as { e: LiveEvent[] }).e)).toEqual(events)
  })

  it('names a channel per schema, within the 63-byte identifier limit', () => {
    expect(channelFor('chat')).toBe('paracord_live_chat')
    expect(channelFor(null)).toBe('paracord_live_default')
    expect(channelFor('x'.repeat(63)).length).toBeLessThanOrEqual(63)
    expect(channelFor('x'.repeat(63))).not.toBe(channelFor('y'.repeat(63)))
  })
})

describe('two instances on one PostgreSQL', () => {
  let schema: TestSchema
  let a: RunningServer
  let b: RunningServer
  let apiA: StoreTestClient
  let apiB: StoreTestClient
  let alice: SignedIn
  let bob: SignedIn

  beforeAll(async () => {
    schema = freshTestSchema()
    const options = { host: '127.0.0.1', port: 0, logLevel: 'silent' as const, db: schema.dbUrl }
    a = await startServer(options)
    b = await startServer(options)
    apiA = new StoreTestClient(a.url)
    apiB = new StoreTestClient(b.url)
    alice = await apiA.signUp()
    // Accounts and sessions live in the shared database: B knows Alice's token too.
    bob = await apiB.login(await apiA.register())
  })
  afterAll(async () => {
    await a?.close()
    await b?.close()
    await schema.drop()
  })

  async function follow(url: string, reader: SignedIn, stream: TestStream): Promise<LiveClient> {
    const client = await LiveClient.signedIn(url, reader.token)
    client.send({
      type: 'subscribe',
      streams: [{ stream: stream.id, after: 0, proof: readProof(stream, reader.accountId) }],
    })
    expect(await client.next()).toMatchObject({ type: 'subscribed', stream: stream.id })
    return client
  }

  it('delivers posts made on A to a subscriber on B live, in order, once', async () => {
    const stream = await apiA.createStream(alice.token)
    const onB = await follow(b.url, bob, stream)
    // Bursts of concurrent posts (one group commit each) and single ones.
    for (let burst = 0; burst < 4; burst++) {
      const replies = await Promise.all(
        Array.from({ length: 10 }, () => apiA.post(alice.token, stream, apiA.shardRequest(stream))),
      )
      expect(replies.map((reply) => reply.status)).toEqual(Array(10).fill(201))
    }
    await apiA.postMany(alice.token, stream, 5)
    expect(await onB.shardSeqs(stream.id, 45)).toEqual(Array.from({ length: 45 }, (_, i) => i + 1))
    // Once: nothing more arrives (a ping is answered after anything already queued).
    onB.send({ type: 'ping', n: 1 })
    expect(await onB.next()).toEqual({ type: 'pong', n: 1 })
    onB.close()
  })

  it('merges posts from both instances into one sequence for subscribers on each', async () => {
    const stream = await apiA.createStream(alice.token)
    const onA = await follow(a.url, alice, stream)
    const onB = await follow(b.url, bob, stream)
    await Promise.all([
      apiA.postMany(alice.token, stream, 10),
      apiB.postMany(bob.token, stream, 10),
    ])
    const expected = Array.from({ length: 20 }, (_, i) => i + 1)
    expect(await onA.shardSeqs(stream.id, 20)).toEqual(expected)
    expect(await onB.shardSeqs(stream.id, 20)).toEqual(expected)
    onA.close()
    onB.close()
  })

  it('refuses on B a token logged out on A, though B had it cached', async () => {
    const carol = await apiB.login(await apiB.register())
    // B caches the session (HTTP and socket auth both look it up).
    expect((await apiB.request('GET', '/v1/turn', { token: carol.token })).status).not.toBe(401)
    const onB = await LiveClient.signedIn(b.url, carol.token)
    expect((await apiA.request('POST', '/v1/auth/logout', { token: carol.token })).status).toBe(200)
    // The socket closes when the event reaches B; the cache dropped the session in that moment.
    expect((await onB.closed).code).toBe(CLOSE_CODES.unauthorized)
    expect((await apiB.request('GET', '/v1/turn', { token: carol.token })).status).toBe(401)
  })

  it('refuses on B the old post key of a stream rotated on A, though B had the policy cached', async () => {
    const stream = await apiA.createStream(alice.token)
    const oldPostKey = stream.postKey
    expect((await apiB.post(bob.token, stream, apiB.shardRequest(stream))).status).toBe(201)
    const onB = await follow(b.url, bob, stream)
    expect(await onB.shardSeqs(stream.id, 1)).toEqual([1])
    expect((await apiA.rotate(alice.token, stream)).status).toBe(200)
    // B's subscriber on the old key is revoked once the rotation reaches B.
    const frames = await onB.until((frame) => frame.type === 'revoked')
    expect(frames.at(-1)).toEqual({ type: 'revoked', stream: stream.id, keyVersion: 2 })
    const old = await apiB.post(bob.token, stream, apiB.shardRequest(stream, { key: oldPostKey }))
    expect(old.status).toBe(403)
    expect((await apiB.post(bob.token, stream, apiB.shardRequest(stream))).status).toBe(201)
    onB.close()
  })

  it('closes the sockets of a session ended on the other instance', async () => {
    const carol = await apiB.login(await apiB.register())
    const onB = await LiveClient.signedIn(b.url, carol.token)
    const logout = await apiA.request('POST', '/v1/auth/logout', { token: carol.token })
    expect(logout.status).toBe(200)
    expect((await onB.closed).code).toBe(CLOSE_CODES.unauthorized)
  })
})
