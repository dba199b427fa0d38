// The connection pool of the PostgreSQL store: numbers come back as numbers, every connection
// works in the store's schema, and an idle connection dying (a database restart) is logged,
// not fatal: the pool drops it and opens a fresh one on the next request.
import pg from 'pg'
import { classifyStoreError } from './postgres-errors'

export interface PostgresConnectionOptions {
  /** A libpq-style URL: postgres://user[:password]@host[:port]/database[?sslmode=...]. */
  readonly connectionString: string
  /** The schema holding the tables (created if missing); null: the user's default. */
  readonly schema?: string | null
  /** Connections per instance. Default 10. */
  readonly maxConnections?: number
  /** How long a request waits for a connection before answering 503. Default 5 s. */
  readonly connectTimeoutMs?: number
  /** Shown in pg_stat_activity; lets an operator (or a test) find this instance's sessions. */
  readonly applicationName?: string
  /** Where background connection errors go. Default: ignored (requests report them). */
  readonly onBackgroundError?: (error: Error) => void
}

const INT8_OID = 20
const NUMERIC_OID = 1700

// BIGINT (ms times, seqs) and COUNT/SUM results as JS numbers: every value we store is a safe
// integer, and the records hold numbers.
const types: pg.CustomTypesConfig = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value)
    // pg-types declares its parsers as any.
    return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown
  },
}

/** `-c search_path=...` as a startup option, so it holds from a connection's first statement. */
export function connectionConfig(options: PostgresConnectionOptions): pg.ClientConfig {
  return {
    connectionString: options.connectionString,
    types,
    keepAlive: true,
    application_name: options.applicationName ?? 'paracord',
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  }
}

export function createPool(options: PostgresConnectionOptions): pg.Pool {
  const pool = new pg.Pool({
    ...connectionConfig(options),
    max: options.maxConnections ?? 10,
    idleTimeoutMillis: 30_000,
  })
  // Without a listener an idle client's error would crash the process.
  pool.on('error', (error) => options.onBackgroundError?.(error))
  // The pool listens only to idle clients: a connection lost while checked out (a transaction
  // in flight when PostgreSQL restarts) emits 'error' too. Its query still rejects and is
  // reported as unavailable; the event itself must not crash the process.
  pool.on('connect', (client) => {
    client.on('error', (error) => options.onBackgroundError?.(error))
  })
  return pool
}

/** Creates the schema if the options name one (before any pooled connection needs it). */
export async function ensureSchema(options: PostgresConnectionOptions): Promise<void> {
  if (!options.schema) return
  const client = new pg.Client({ ...connectionConfig(options), options: undefined })
  client.on('error', (error) => options.onBackgroundError?.(error))
  await client.connect()
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`)
  } catch (error) {
    // Several instances starting at once may race on creating it.
    if ((error as { code?: string }).code !== '23505') throw error
  } finally {
    await client.end()
  }
}

export type Queryable = Pick<pg.PoolClient, 'query'>

/**
 * Runs `work` in one transaction on one connection. A connection that failed is destroyed,
 * not returned to the pool; connection failures come out as StoreUnavailableError.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  let client: pg.PoolClient
  try {
    client = await pool.connect()
  } catch (error) {
    throw classifyStoreError(error)
  }
  let broken: Error | undefined
  try {
    await client.query('BEGIN')
    const result = await work(client)
    await client.query('COMMIT')
    return result
  } catch (error) {
    try {
      await client.query('ROLLBACK')
    } catch (rollbackError) {
      broken = rollbackError as Error
    }
    throw classifyStoreError(error)
  } finally {
    client.release(broken)
  }
}
