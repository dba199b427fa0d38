import type Database from 'better-sqlite3'
import type { CacheSealer } from './sealing'
import type { CorruptRow } from './types'

/** What each table module needs: the file, the sealer, the clock, and where to report. */
export interface CacheContext {
  readonly db: Database.Database
  readonly sealer: CacheSealer
  readonly now: () => number
  /** Called after a row that failed to open was deleted. */
  readonly reportCorrupt: (row: CorruptRow) => void
}
