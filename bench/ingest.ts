// Ingest: signed, durable posts per second and acknowledgement latency, against a
// paracord-server process on SQLite or PostgreSQL (group commit in both).
// Usage: tsx bench/ingest.ts sqlite|postgres   → one JSON line.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnServer } from '../src/server/fault/server-process'
import { freshTestSchema } from '../src/server/store/postgres-testing'
import { StoreTestClient } from '../src/server/testing/api'
import { createPoster } from './lib/http-post'
import { machine, summarize } from './lib/stats'

const storeKind = process.argv[2] === 'postgres' ? 'postgres' : 'sqlite'
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64)
const STREAMS = 16
const WARMUP = 2_000
const MEASURED = Number(process.env.BENCH_POSTS ?? 30_000)

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'paracord-bench-'))
  const schema = freshTestSchema()
  const db = storeKind === 'sqlite' ? `sqlite:${join(dir, 'store.db')}` : schema.dbUrl
  const server = await spawnServer(['--db', db, '--rate-limit', '1000000'])
  try {
    const api = new StoreTestClient(server.url)
    const alice = await api.signUp()
    const streams = await Promise.all(
      Array.from({ length: STREAMS }, () => api.createStream(alice.token)),
    )
    // Signed ahead of time: signing is the clients' cost, not the server's.
    const requests = Array.from({ length: WARMUP + MEASURED }, (_, n) => {
      const stream = streams[n % STREAMS]!
      return {
        path: `/v1/streams/${stream.id}/shards`,
        json: JSON.stringify(api.shardRequest(stream, { body: 'A'.repeat(200) })),
      }
    })
    const poster = createPoster(server.url, CONCURRENCY)
    let next = 0
    const latencies: number[] = []
    let failures = 0
    const run = async (until: number, record: boolean) => {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (;;) {
            const index = next++
            if (index >= until) return
            const request = requests[index]!
            const started = performance.now()
            const reply = await poster.post(request.path, request.json, alice.token)
            if (reply.status !== 201) failures += 1
            else if (record) latencies.push(performance.now() - started)
          }
        }),
      )
    }
    await run(WARMUP, false)
    const started = performance.now()
    await run(WARMUP + MEASURED, true)
    const seconds = (performance.now() - started) / 1000
    poster.close()
    console.log(
      JSON.stringify({
        bench: 'ingest',
        store: storeKind,
        posts: MEASURED,
        concurrency: CONCURRENCY,
        posts_per_s: Math.round(latencies.length / seconds),
        ack: summarize(latencies),
        failures,
        machine: await machine(),
      }),
    )
  } finally {
    await server.stop()
    await rm(dir, { recursive: true, force: true })
    if (storeKind === 'postgres') await schema.drop()
  }
}

await main()
