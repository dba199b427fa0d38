import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import pg from 'pg'
import { describeStoreContract } from './contract'
import { openPostgresStore, type PostgresStore } from './postgres'
import { isStoreUnavailable } from './postgres-errors'
import { freshTestSchema, TEST_POSTGRES_URL, type TestSchema } from './postgres-testing'
import type { NewShard } from './types'

const T0 = 1_700_000_000_000

describeStoreContract('postgres', async () => {
  const schema = freshTestSchema()
  const store = await openPostgresStore({
    connectionString: TEST_POSTGRES_URL,
    schema: schema.name,
  })
  return {
    store,
    cleanup: async () => {
      await store.close()
      await schema.drop()
    },
  }
})

const id = (n: number) => `${'x'.repeat(20)}${String(n).padStart(6, '0')}`

describe('PostgreSQL store', () => {
  let schema: TestSchema
  let stores: PostgresStore[]

  beforeEach(() => {
    schema = freshTestSchema()
    stores = []
  })
  afterEach(async () => {
    for (const store of stores) await store.close()
    await schema.drop()
  })

  async function open(): Promise<PostgresStore> {
    const store = await openPostgresStore({
      connectionString: TEST_POSTGRES_URL,
      schema: schema.name,
    })
    stores.push(store)
    return store
  }

  async function createStream(store: PostgresStore, streamId: string) {
    const policy = {
      postKey: null,
      readKey: 'r',
      adminKey: 'a',
      permanent: true,
      maxBurnSeconds: 60,
    }
    expect(await store.createStream({ id: streamId, policy, createdBy: 'c', createdAt: T0 })).toBe(
      'ok',
    )
  }

  const shard = (stream: string, n: number, burnAt: number | null = null): NewShard => ({
    id: id(n),
    stream,
    body: `body${n}`,
    burnAt,
    signature: null,
  })

  it('lets instances started at once share one schema, migrated once', async () => {
    const [a, b] = await Promise.all([open(), open()])
    const rows = await a.pool.query('SELECT version FROM schema_migrations')
    expect(rows.rows).toEqual([{ version: 1 }])
    await createStream(a, 'shared')
    expect((await b.getStream('shared'))?.id).toBe('shared')
  })

  it('gives two instances posting to one stream one gapless sequence, each id once', async () => {
    const [a, b] = await Promise.all([open(), open()])
    await createStream(a, 's')
    const posts = Array.from({ length: 120 }, (_, n) => shard('s', n))
    // Every post is sent to both instances: each id must be stored exactly once.
    const results = await Promise.all(
      posts.flatMap((post, n) => [a.postShard(post, T0 + n), b.postShard(post, T0 + n)]),
    )
    expect(results.filter((r) => r.status === 'stored')).toHaveLength(120)
    expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(120)
    const fetched = await a.fetchShards('s', 0, 500, T0)
    expect(fetched.map((s) => s.seq)).toEqual(posts.map((_, n) => n + 1))
    expect(new Set(fetched.map((s) => s.id)).size).toBe(120)
  })

  it('splits a burn sweep between instances without deleting anything twice', async () => {
    const [a, b] = await Promise.all([open(), open()])
    await createStream(a, 's')
    await Promise.all(
      Array.from({ length: 300 }, (_, n) => a.postShard(shard('s', n, T0 + 10 + (n % 3)), T0)),
    )
    await a.postShard(shard('s', 999, null), T0)
    expect(await a.fetchShards('s', 0, 500, T0 + 100)).toHaveLength(1)
    const [first, second] = await Promise.all([a.sweep(T0 + 100), b.sweep(T0 + 100)])
    expect(first.shards + second.shards).toBe(300)
    expect(await b.fetchShards('s', 0, 500, 0)).toEqual([
      expect.objectContaining({ id: id(999), seq: 301 }),
    ])
  })

  it('refuses to open a schema newer than it knows', async () => {
    const store = await open()
    await store.pool.query(`INSERT INTO schema_migrations VALUES (99, 'future', 0)`)
    await expect(open()).rejects.toThrow(/newer than this server knows/)
  })

  it('reconnects after its database sessions are terminated, losing nothing stored', async () => {
    const applicationName = `paracord-${schema.name}`
    const store = await openPostgresStore({
      connectionString: TEST_POSTGRES_URL,
      schema: schema.name,
      applicationName,
    })
    stores.push(store)
    await createStream(store, 's')
    await Promise.all([1, 2, 3].map((n) => store.postShard(shard('s', n), T0)))
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL })
    await admin.connect()
    try {
      const killed = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
        [applicationName],
      )
      expect(killed.rowCount).toBeGreaterThan(0)
    } finally {
      await admin.end()
    }
    // A request on a connection that died meanwhile fails as unavailable, never otherwise.
    const outcomes = await Promise.allSettled([store.getStream('s'), store.nextExpiry()])
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(isStoreUnavailable(outcome.reason)).toBe(true)
    }
    expect(await store.postShard(shard('s', 4), T0)).toMatchObject({ status: 'stored' })
    const seqs = (await store.fetchShards('s', 0, 10, T0)).map((s) => s.seq)
    expect(seqs).toEqual([1, 2, 3, 4])
  })
})
