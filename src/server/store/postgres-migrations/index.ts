// Every PostgreSQL migration, in order. A new schema step is a new numbered file added here.
import type { PostgresMigration } from './migration'
import { migration as initial } from './001-initial'

export type { PostgresMigration } from './migration'

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [initial]
