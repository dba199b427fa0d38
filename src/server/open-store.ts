// The one place a database URL becomes a Store (and, for PostgreSQL, the live notifier that
// carries events between the instances sharing it).
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { parseDatabaseUrl } from './config'
import type { LiveNotifier } from './live/notifier'
import type { Store } from './store/types'

export async function openStore(db: string): Promise<Store> {
  return (await openBackend(db)).store
}

export interface Backend {
  readonly store: Store
  /** Null: one instance owns the store, and the in-process notifier serves it. */
  readonly notifier: (LiveNotifier & { close(): Promise<void> }) | null
  /**
   * Set when other instances share the store: sweep this often too, since their posts never
   * reach this instance's burn timer.
   */
  readonly sweepEveryMs: number | null
  /** Closes the notifier, then the store. */
  close(): Promise<void>
}

export interface BackendOptions {
  readonly log?: { warn(object: object, message: string): void }
}

/** How often an instance sharing a PostgreSQL store sweeps on its own. */
export const SHARED_SWEEP_INTERVAL_MS = 5000

export async function openBackend(db: string, options: BackendOptions = {}): Promise<Backend> {
  const location = parseDatabaseUrl(db)
  switch (location.kind) {
    case 'sqlite': {
      // The default ./data/paracord.db is created on first run, folder included.
      if (location.path !== ':memory:') await mkdir(dirname(location.path), { recursive: true })
      const { openSqliteStore } = await import('./store/sqlite')
      const store = await openSqliteStore({ path: location.path })
      return { store, notifier: null, sweepEveryMs: null, close: () => store.close() }
    }
    case 'postgres': {
      const { openPostgresStore } = await import('./store/postgres')
      const { PgNotifier } = await import('./live/pg-notifier')
      const connection = {
        connectionString: location.connectionString,
        schema: location.schema,
        onBackgroundError: (error: Error) =>
          options.log?.warn({ err: error }, 'a PostgreSQL connection failed; reconnecting'),
      }
      const store = await openPostgresStore(connection)
      let notifier
      try {
        notifier = await PgNotifier.open({ ...connection, pool: store.pool, log: options.log })
      } catch (error) {
        await store.close()
        throw error
      }
      return {
        store,
        notifier,
        sweepEveryMs: SHARED_SWEEP_INTERVAL_MS,
        close: async () => {
          await notifier.close()
          await store.close()
        },
      }
    }
  }
}
