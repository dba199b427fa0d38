// Fan-out: posts at a fixed rate to streams with many WebSocket subscribers; delivered
// messages per second and end-to-end latency (post sent → shard frame received). The same
// load then runs against a bare `ws` broadcast server (lib/baseline-server.ts), and paracord's
// throughput is reported as a ratio of it. Scenarios: 1 stream × 1000 subscribers and
// 100 streams × 10. Usage: tsx bench/fanout.ts [sqlite|postgres]   → one JSON line.
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import WebSocket from 'ws'
import { freePort, spawnServer } from '../src/server/fault/server-process'
import { freshTestSchema } from '../src/server/store/postgres-testing'
import {
  readProof,
  StoreTestClient,
  type SignedIn,
  type TestStream,
} from '../src/server/testing/api'
import { createPoster } from './lib/http-post'
import { machine, sleep, summarize } from './lib/stats'

const storeKind = process.argv[2] === 'postgres' ? 'postgres' : 'sqlite'
const DURATION_MS = Number(process.env.BENCH_FANOUT_MS ?? 10_000)

interface Scenario {
  readonly name: string
  readonly streams: number
  readonly subscribersPerStream: number
  /** Posts per second, spread over the streams. */
  readonly postsPerSecond: number
}

const SCENARIOS: Scenario[] = [
  { name: '1x1000', streams: 1, subscribersPerStream: 1000, postsPerSecond: 20 },
  { name: '100x10', streams: 100, subscribersPerStream: 10, postsPerSecond: 500 },
]

interface Target {
  readonly url: string
  /** Stream ids and how to make a post body and a subscription for each. */
  readonly streams: readonly string[]
  readonly token: string
  postJson(stream: number, id: string): string
  subscription(stream: number): unknown
}

interface Measured {
  readonly delivered_per_s: number
  readonly expected_per_s: number
  readonly p50_ms: number
  readonly p99_ms: number
  readonly max_ms: number
  readonly missing: number
  readonly post_failures: number
}

async function openSubscriber(url: string, token: string, subscription: unknown) {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/ws`, { perMessageDeflate: false })
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('error', reject)
  })
  const subscribed = new Promise<void>((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      // ws hands a message over as one Buffer (binaryType nodebuffer, the default).
      const text = (data as Buffer).toString()
      if (text.includes('"subscribed"')) {
        socket.off('message', onMessage)
        resolve()
      }
    }
    socket.on('message', onMessage)
  })
  socket.send(JSON.stringify({ type: 'auth', token }))
  socket.send(JSON.stringify({ type: 'subscribe', streams: [subscription] }))
  await subscribed
  return socket
}

async function measure(target: Target, scenario: Scenario): Promise<Measured> {
  // 1. Subscribers, opened in small batches (a thousand handshakes at once only measure accept()).
  const sockets: WebSocket[] = []
  for (let s = 0; s < target.streams.length; s++) {
    for (let k = 0; k < scenario.subscribersPerStream; k += 50) {
      const batch = Math.min(50, scenario.subscribersPerStream - k)
      sockets.push(
        ...(await Promise.all(
          Array.from({ length: batch }, () =>
            openSubscriber(target.url, target.token, target.subscription(s)),
          ),
        )),
      )
    }
  }
  // 2. Every shard frame: latency from the moment its post was sent.
  const sentAt = new Map<string, number>()
  const latencies: number[] = []
  let delivered = 0
  let lastDeliveryAt = 0
  const idPattern = /"id":"([^"]+)"/
  for (const socket of sockets) {
    socket.on('message', (data) => {
      const text = (data as Buffer).toString()
      if (!text.startsWith('{"type":"shard"')) return
      const id = idPattern.exec(text)?.[1]
      const at = id === undefined ? undefined : sentAt.get(id)
      if (at === undefined) return
      delivered += 1
      lastDeliveryAt = performance.now()
      latencies.push(lastDeliveryAt - at)
    })
  }
  // 3. Posts at a fixed rate, in 10 ms ticks.
  const poster = createPoster(target.url, 32)
  let postFailures = 0
  let posted = 0
  const inFlight: Promise<unknown>[] = []
  const started = performance.now()
  let tick = 0
  while (performance.now() - started < DURATION_MS) {
    tick += 1
    const due = Math.floor((tick * 10 * scenario.postsPerSecond) / 1000)
    for (; posted < due; posted++) {
      const stream = posted % target.streams.length
      const id = `b${posted.toString().padStart(20, '0')}A`
      const json = target.postJson(stream, id)
      sentAt.set(id, performance.now())
      inFlight.push(
        poster
          .post(`/v1/streams/${target.streams[stream]}/shards`, json, target.token)
          .then((reply) => {
            if (reply.status !== 201) postFailures += 1
          }),
      )
    }
    const wait = started + tick * 10 - performance.now()
    if (wait > 0) await sleep(wait)
  }
  await Promise.all(inFlight)
  // 4. Let the tail arrive, then count.
  const expected = posted * scenario.subscribersPerStream
  for (let i = 0; i < 100 && delivered < expected; i++) await sleep(100)
  // Throughput over the time it took to deliver everything (longer than the posting when the
  // server falls behind).
  const seconds = (Math.max(lastDeliveryAt, started + DURATION_MS) - started) / 1000
  poster.close()
  for (const socket of sockets) socket.terminate()
  return {
    delivered_per_s: Math.round(delivered / seconds),
    expected_per_s: scenario.postsPerSecond * scenario.subscribersPerStream,
    ...summarize(latencies),
    missing: expected - delivered,
    post_failures: postFailures,
  }
}

async function paracordTarget(url: string, scenario: Scenario) {
  const api = new StoreTestClient(url)
  const alice: SignedIn = await api.signUp()
  const streams: TestStream[] = []
  for (let s = 0; s < scenario.streams; s++) streams.push(await api.createStream(alice.token))
  const target: Target = {
    url,
    token: alice.token,
    streams: streams.map((stream) => stream.id),
    // Signed at send time by the client, as a real one would (not counted against the server).
    postJson: (s, id) =>
      JSON.stringify(api.shardRequest(streams[s]!, { id, body: 'A'.repeat(200) })),
    subscription: (s) => ({
      stream: streams[s]!.id,
      after: 0,
      proof: readProof(streams[s]!, alice.accountId),
    }),
  }
  return target
}

function baselineTarget(url: string, scenario: Scenario): Target {
  const streams = Array.from({ length: scenario.streams }, (_, s) => `stream${s}`)
  return {
    url,
    token: 'none',
    streams,
    postJson: (s, id) =>
      JSON.stringify({
        id,
        body: 'A'.repeat(200),
        burnAt: Date.now() + 3_600_000,
        signature: 'x'.repeat(86),
      }),
    subscription: (s) => ({ stream: streams[s], after: 0 }),
  }
}

async function startBaseline(): Promise<{ url: string; stop: () => void }> {
  const port = await freePort()
  const script = fileURLToPath(new URL('./lib/baseline-server.ts', import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', script, String(port)], {
    stdio: 'ignore',
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break
    } catch {
      await sleep(50)
    }
  }
  return { url, stop: () => child.kill('SIGTERM') }
}

async function main() {
  const results = []
  for (const scenario of SCENARIOS) {
    const dir = await mkdtemp(join(tmpdir(), 'paracord-fanout-'))
    const schema = freshTestSchema()
    const db = storeKind === 'sqlite' ? `sqlite:${join(dir, 'store.db')}` : schema.dbUrl
    // One session holds every subscriber socket here: lift the per-session and account caps.
    const server = await spawnServer([
      '--db',
      db,
      '--rate-limit',
      '1000000',
      '--max-sockets-per-session',
      '10000',
      '--max-sockets-per-account',
      '10000',
    ])
    let paracord: Measured
    try {
      paracord = await measure(await paracordTarget(server.url, scenario), scenario)
    } finally {
      await server.stop()
      await rm(dir, { recursive: true, force: true })
      if (storeKind === 'postgres') await schema.drop()
    }
    const baselineServer = await startBaseline()
    let baseline: Measured
    try {
      baseline = await measure(baselineTarget(baselineServer.url, scenario), scenario)
    } finally {
      baselineServer.stop()
    }
    results.push({
      scenario: scenario.name,
      streams: scenario.streams,
      subscribers: scenario.streams * scenario.subscribersPerStream,
      posts_per_s: scenario.postsPerSecond,
      paracord,
      baseline,
      ratio: Math.round((paracord.delivered_per_s / baseline.delivered_per_s) * 100) / 100,
    })
  }
  console.log(
    JSON.stringify({
      bench: 'fanout',
      store: storeKind,
      duration_s: DURATION_MS / 1000,
      scenarios: results,
      machine: await machine(),
    }),
  )
}

await main()
