/** One numbered step of the PostgreSQL schema, recorded in `schema_migrations` once applied. */
export interface PostgresMigration {
  readonly version: number
  readonly name: string
  readonly sql: string
}
