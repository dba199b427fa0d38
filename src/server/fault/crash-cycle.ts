// Crash safety: posts flow steadily while the server is killed with SIGKILL and restarted, over
// and over. Afterwards every acknowledged post must be stored exactly once, at the seq its
// acknowledgement named, and the stream's seqs must have no gap. Used by the short vitest run
// and by `npm run bench` (many cycles per store).
import { StoreTestClient, type SignedIn, type TestStream } from '../testing/api'
import { spawnServer, type ServerProcess } from './server-process'

export interface CrashRunOptions {
  /** The --db argument; the store must persist between runs (a file, a schema). */
  readonly db: string
  readonly cycles: number
  /** Concurrent posting loops. */
  readonly posters?: number
  /** Load runs this long (ms) before each kill. */
  readonly loadMs?: () => number
}

export interface CrashRunResult {
  readonly cycles: number
  readonly acknowledged: number
  /** Posts whose answer never came (the kill cut them): stored at most once, maybe not. */
  readonly unanswered: number
  /** Unanswered posts that turned out to be stored (found when their client retried). */
  readonly unansweredStored: number
  readonly lost: number
  readonly duplicated: number
  readonly wrongSeq: number
  readonly gaps: number
}

type ShardRequest = ReturnType<StoreTestClient['shardRequest']>

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function runCrashCycles(options: CrashRunOptions): Promise<CrashRunResult> {
  const args = ['--db', options.db, '--rate-limit', '1000000']
  let server: ServerProcess = await spawnServer(args)
  let api = new StoreTestClient(server.url)
  const alice: SignedIn = await api.signUp()
  const stream: TestStream = await api.createStream(alice.token, { permanent: true })
  const acknowledged = new Map<string, number>()
  const unanswered: ShardRequest[] = []

  try {
    for (let cycle = 0; cycle < options.cycles; cycle++) {
      // 1. Steady load from several loops; an answer is an acknowledgement only if 2xx.
      let running = true
      const loops = Array.from({ length: options.posters ?? 4 }, async () => {
        while (running) {
          const request = api.shardRequest(stream, { burnAt: null })
          try {
            const reply = await api.post(alice.token, stream, request)
            if (reply.status === 201 || reply.status === 200)
              acknowledged.set(request.id, reply.body.seq)
            else throw new Error(`post refused: ${reply.status} ${JSON.stringify(reply.body)}`)
          } catch (error) {
            if (running && !(error instanceof TypeError)) throw error
            // fetch failed: the server died under it.
            unanswered.push(request)
            return
          }
        }
      })
      await sleep(options.loadMs?.() ?? 300 + Math.random() * 400)
      // 2. Kill mid-load, then stop the loops (they see connection failures).
      await server.kill()
      running = false
      await Promise.all(loops)
      // 3. Restart on the same store.
      server = await spawnServer(args)
      api = new StoreTestClient(server.url)
    }

    // 4. Clients retry what got no answer: stored once already (200) or now (201).
    let unansweredStored = 0
    for (const request of unanswered) {
      const reply = await api.post(alice.token, stream, request)
      if (reply.status === 200) unansweredStored += 1
      else if (reply.status !== 201) throw new Error(`retry refused: ${reply.status}`)
      acknowledged.set(request.id, reply.body.seq)
    }

    // 5. Read everything back.
    const stored: { id: string; seq: number }[] = []
    for (let after = 0; ;) {
      const page = await api.fetch(alice, stream, { after })
      if (page.status !== 200) throw new Error(`fetch failed: ${page.status}`)
      stored.push(...page.body.shards.map((shard) => ({ id: shard.id, seq: shard.seq })))
      if (!page.body.more) break
      after = page.body.shards.at(-1)!.seq
    }
    const seen = new Map<string, number[]>()
    for (const shard of stored) seen.set(shard.id, [...(seen.get(shard.id) ?? []), shard.seq])
    let lost = 0
    let duplicated = 0
    let wrongSeq = 0
    for (const [id, seq] of acknowledged) {
      const seqs = seen.get(id) ?? []
      if (seqs.length === 0) lost += 1
      if (seqs.length > 1) duplicated += 1
      if (seqs.length === 1 && seqs[0] !== seq) wrongSeq += 1
    }
    const gaps = stored.filter((shard, index) => shard.seq !== index + 1).length
    return {
      cycles: options.cycles,
      acknowledged: acknowledged.size,
      unanswered: unanswered.length,
      unansweredStored,
      lost,
      duplicated,
      wrongSeq,
      gaps,
    }
  } finally {
    await server.stop()
  }
}
