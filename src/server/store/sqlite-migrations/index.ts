// Every migration, in order. A new schema step is a new numbered file added at the end here.
import type { Migration } from './migration'
import { migration as initial } from './001-initial'

export type { Migration } from './migration'

export const MIGRATIONS: readonly Migration[] = [initial]
