// Every migration, in order. A new schema step is a new numbered file added at the end here.
// The runner is src/shared/sqlite-migrations.ts, shared with the client's cache.
import type { SqliteMigration } from '../../../shared/sqlite-migrations'
import { migration as initial } from './001-initial'

export const MIGRATIONS: readonly SqliteMigration[] = [initial]
