/** One numbered step of the SQLite schema. `version` is what `PRAGMA user_version` reads after it. */
export interface Migration {
  readonly version: number
  readonly name: string
  readonly sql: string
}
