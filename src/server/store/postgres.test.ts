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

  describe('burned rows', () => {
    /** Runs `work` with pgstattuple and pageinspect at hand (in the test schema unless installed). */
    async function inspect<T>(
      work: (admin: pg.Client, fn: (name: string) => string) => Promise<T>,
    ) {
      const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL })
      await admin.connect()
      try {
        const where = new Map<string, string>()
        for (const extension of ['pgstattuple', 'pageinspect']) {
          const installed = await admin.query<{ schema: string }>(
            `SELECT n.nspname AS schema FROM pg_extension e
              JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = $1`,
            [extension],
          )
          const schemaName = installed.rows[0]?.schema ?? schema.name
          if (!installed.rows[0])
            await admin.query(`CREATE EXTENSION ${extension} SCHEMA ${schemaName}`)
          where.set(extension, schemaName)
        }
        const fn = (name: string) =>
          `${where.get(name.startsWith('pgstattuple') ? 'pgstattuple' : 'pageinspect')}.${name}`
        return await work(admin, fn)
      } finally {
        await admin.end()
      }
    }

    /** Dead tuples in the shards table and its TOAST table, and the bodies still in a tuple. */
    async function leftovers(bodies: string[]) {
      return inspect(async (admin, fn) => {
        const shards = `${schema.name}.shards`
        const toast = (
          await admin.query<{ toast: string }>(
            `SELECT reltoastrelid::regclass::text AS toast FROM pg_class WHERE oid = $1::regclass`,
            [shards],
          )
        ).rows[0]!.toast
        const dead = async (table: string) =>
          Number(
            (
              await admin.query<{ n: string }>(
                `SELECT dead_tuple_count AS n FROM ${fn('pgstattuple')}($1::regclass)`,
                [table],
              )
            ).rows[0]!.n,
          )
        // Every tuple of every page, dead or alive, as PostgreSQL's own page reader sees it.
        const pages = Number(
          (await admin.query<{ n: string }>(`SELECT pg_relation_size($1) / 8192 AS n`, [shards]))
            .rows[0]!.n,
        )
        const tuples: string[] = []
        for (let page = 0; page < pages; page++) {
          const items = await admin.query<{ data: Buffer | null }>(
            `SELECT t_data AS data FROM ${fn('heap_page_items')}(${fn('get_raw_page')}($1, $2))`,
            [shards, page],
          )
          for (const item of items.rows) if (item.data) tuples.push(item.data.toString('latin1'))
        }
        return {
          dead: (await dead(shards)) + (await dead(toast)),
          bodiesInTuples: bodies.filter((body) => tuples.some((t) => t.includes(body))).length,
        }
      })
    }

    async function postBurning(store: PostgresStore) {
      await createStream(store, 's')
      const bodies = [1, 2, 3].map((n) => `burned${n}${'A'.repeat(200)}`)
      for (const [n, body] of bodies.entries())
        await store.postShard({ ...shard('s', n, T0 + 10), body }, T0)
      // One large enough to be stored out of line (TOAST).
      await store.postShard({ ...shard('s', 9, T0 + 10), body: 'B'.repeat(60_000) }, T0)
      await store.postShard({ ...shard('s', 10, null), body: `kept${'C'.repeat(200)}` }, T0)
      return bodies
    }

    it('are vacuumed right after the sweep: no dead tuple, no burned body in any tuple', async () => {
      const store = await openPostgresStore({
        connectionString: TEST_POSTGRES_URL,
        schema: schema.name,
        vacuumIntervalMs: 0,
      })
      stores.push(store)
      const bodies = await postBurning(store)
      expect(await store.sweep(T0 + 100)).toEqual({ shards: 4, enclaves: 0 })
      const rows = await store.pool.query('SELECT id FROM shards')
      expect(rows.rows).toEqual([{ id: id(10) }])
      expect(await leftovers(bodies)).toEqual({ dead: 0, bodiesInTuples: 0 })
    })

    it('would stay in the table as dead tuples after a DELETE alone', async () => {
      const store = await open()
      // Autovacuum must not clean up behind the test's back.
      await store.pool.query('ALTER TABLE shards SET (autovacuum_enabled = false)')
      const bodies = await postBurning(store)
      await store.pool.query('DELETE FROM shards WHERE burn_at IS NOT NULL')
      const left = await leftovers(bodies)
      expect(left.dead).toBeGreaterThanOrEqual(4)
      expect(left.bodiesInTuples).toBe(3)
    })
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
