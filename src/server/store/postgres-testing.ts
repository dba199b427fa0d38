// For tests and benchmarks: a fresh, empty schema on the test PostgreSQL for each store, so
// parallel test files never see each other's rows, dropped again afterwards.
import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** The test database: PARACORD_TEST_PG, else the local cluster CI starts (trust auth). */
export const TEST_POSTGRES_URL =
  process.env.PARACORD_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test'

export interface TestSchema {
  readonly name: string
  /** A `--db` URL for a server working in this schema. */
  readonly dbUrl: string
  /** Drops the schema and everything in it. */
  drop(): Promise<void>
}

/** A new schema name (created by the store on open); `drop` removes it. */
export function freshTestSchema(baseUrl = TEST_POSTGRES_URL): TestSchema {
  const name = `paracord_t_${randomBytes(6).toString('hex')}`
  const url = new URL(baseUrl)
  url.searchParams.set('schema', name)
  return {
    name,
    dbUrl: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: baseUrl })
      await client.connect()
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`)
      } finally {
        await client.end()
      }
    },
  }
}
