// The one place a database URL becomes a Store.
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { parseDatabaseUrl } from './config'
import type { Store } from './store/types'

export async function openStore(db: string): Promise<Store> {
  const location = parseDatabaseUrl(db)
  switch (location.kind) {
    case 'sqlite': {
      // The default ./data/paracord.db is created on first run, folder included.
      if (location.path !== ':memory:') await mkdir(dirname(location.path), { recursive: true })
      const { openSqliteStore } = await import('./store/sqlite')
      return openSqliteStore({ path: location.path })
    }
  }
}
