// PostgreSQL going away and coming back under a server: clear 503s meanwhile, a reconnect
// without a restart of ours, and nothing acknowledged lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../index'
import { freshTestSchema, TEST_POSTGRES_URL, type TestSchema } from '../store/postgres-testing'
import { readProof, StoreTestClient, type SignedIn, type TestStream } from '../testing/api'
import { LiveClient } from '../testing/live-client'
import { OutageProxy } from './outage-proxy'

let schema: TestSchema
let proxy: OutageProxy
let server: RunningServer
let api: StoreTestClient
let alice: SignedIn
let stream: TestStream

beforeAll(async () => {
  schema = freshTestSchema()
  const target = new URL(TEST_POSTGRES_URL)
  proxy = await OutageProxy.start({ host: target.hostname, port: Number(target.port || 5432) })
  const viaProxy = new URL(schema.dbUrl)
  viaProxy.port = String(proxy.port)
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    db: viaProxy.toString(),
    rateLimitPerMinute: 100_000,
  })
  api = new StoreTestClient(server.url)
  alice = await api.signUp()
  stream = await api.createStream(alice.token)
})
afterAll(async () => {
  await proxy?.restore()
  await server?.close()
  await proxy?.close()
  await schema?.drop()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return
    await sleep(50)
  }
  throw new Error(`${what} never happened`)
}

describe('PostgreSQL restart', () => {
  it('answers 503 unavailable while the database is away, then recovers every acknowledged post', async () => {
    const live = await LiveClient.signedIn(server.url, alice.token)
    live.send({
      type: 'subscribe',
      streams: [{ stream: stream.id, after: 0, proof: readProof(stream, alice.accountId) }],
    })
    expect(await live.next()).toMatchObject({ type: 'subscribed' })

    const acknowledged = new Map<string, number>()
    const refused: ReturnType<StoreTestClient['shardRequest']>[] = []
    const otherFailures: unknown[] = []
    let running = true
    const poster = (async () => {
      while (running) {
        const request = api.shardRequest(stream)
        const reply = await api.post(alice.token, stream, request)
        if (reply.status === 201 || reply.status === 200)
          acknowledged.set(request.id, reply.body.seq)
        else if (reply.status === 503) {
          expect(reply.body).toEqual({
            error: 'unavailable',
            message: 'the database is unavailable; retry shortly',
          })
          refused.push(request)
          await sleep(10)
        } else otherFailures.push(reply)
      }
    })()

    await until(() => acknowledged.size >= 20, 'steady posting')
    await proxy.cut()
    await until(() => refused.length >= 5, 'refusals while the database is away')
    const health = await api.request('GET', '/healthz')
    expect(health.status).toBe(503)
    expect(health.body).toMatchObject({ error: 'unavailable' })

    await proxy.restore()
    const before = acknowledged.size
    await until(() => acknowledged.size >= before + 20, 'posting after the restart')
    running = false
    await poster
    expect(otherFailures).toEqual([])
    expect((await api.request('GET', '/healthz')).status).toBe(200)

    // A refused post may or may not have committed: the client's retry settles it, once.
    for (const request of refused) {
      const retry = await api.post(alice.token, stream, request)
      expect([200, 201]).toContain(retry.status)
      acknowledged.set(request.id, retry.body.seq)
    }

    const stored = new Map<string, number>()
    for (let after = 0; ;) {
      const page = await api.fetch(alice, stream, { after })
      for (const shard of page.body.shards) stored.set(shard.id, shard.seq)
      if (!page.body.more) break
      after = page.body.shards.at(-1)!.seq
    }
    expect(stored).toEqual(acknowledged)
    const seqs = [...stored.values()].sort((x, y) => x - y)
    expect(seqs).toEqual(seqs.map((_, index) => index + 1))

    // The live subscriber got every shard once, in order; a subscription the outage broke
    // says so with an error frame, and the client resumes from its last seq.
    const received: number[] = []
    while (received.length < seqs.length) {
      const frame = await live.next()
      if (frame.type === 'shard') received.push(frame.shard.seq)
      else if (frame.type === 'error' || frame.type === 'subscribed') {
        if (frame.type === 'error')
          live.send({
            type: 'subscribe',
            streams: [
              {
                stream: stream.id,
                after: received.at(-1) ?? 0,
                proof: readProof(stream, alice.accountId),
              },
            ],
          })
      } else throw new Error(`unexpected frame ${JSON.stringify(frame)}`)
    }
    expect(received).toEqual(seqs)
    live.close()
  })
})
