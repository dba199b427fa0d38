// Server configuration from command-line flags and environment variables. Pure: it reads only
// what it is given, so every rule here is unit-tested without starting anything.
import { parseArgs } from 'node:util'

export interface ServerConfig {
  readonly host: string
  readonly port: number
  /** Where the store lives: `sqlite:PATH` or `postgres://user@host:port/db[?schema=NAME]`. */
  readonly db: string
  /** Shared with the TURN server (coturn `static-auth-secret`); null: no TURN credentials. */
  readonly turnSecret: string | null
  readonly turnUrls: readonly string[]
  readonly turnTtlSeconds: number
  /** Requests per minute per session (or per IP without one). */
  readonly rateLimitPerMinute: number
  readonly logLevel: LogLevel
  readonly sessionTtlMs: number
  /** Unsent bytes per WebSocket above which sending pauses until the reader catches up. */
  readonly wsMaxBufferedBytes: number
  /** A WebSocket that stays above wsMaxBufferedBytes this long is closed as a slow consumer. */
  readonly wsDrainTimeoutMs: number
  /** How long a new WebSocket may take to send its `auth` frame. */
  readonly wsAuthTimeoutMs: number
  /** Interval of the server's WebSocket pings; a socket that misses one is terminated. */
  readonly wsPingIntervalMs: number
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export const DEFAULT_CONFIG: ServerConfig = {
  host: '127.0.0.1',
  port: 8443,
  db: 'sqlite:./data/paracord.db',
  turnSecret: null,
  turnUrls: [],
  turnTtlSeconds: 3600,
  rateLimitPerMinute: 1200,
  logLevel: 'info',
  sessionTtlMs: 30 * 24 * 3600 * 1000,
  wsMaxBufferedBytes: 1024 * 1024,
  wsDrainTimeoutMs: 10_000,
  wsAuthTimeoutMs: 10_000,
  wsPingIntervalMs: 30_000,
}

export class ConfigError extends Error {}

export type DatabaseLocation =
  | { readonly kind: 'sqlite'; readonly path: string }
  | {
      readonly kind: 'postgres'
      /** The URL as given minus `schema`, for the `pg` driver. */
      readonly connectionString: string
      /** The schema holding paracord's tables (`?schema=NAME`); null: the server's default. */
      readonly schema: string | null
    }

/** Schema names we accept: plain lower-case identifiers, so they never need quoting rules. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/

/** The one place that reads a database URL's scheme. */
export function parseDatabaseUrl(db: string): DatabaseLocation {
  if (db.startsWith('sqlite:')) {
    const path = db.slice('sqlite:'.length)
    if (path === '') throw new ConfigError(`database URL "${db}" names no file`)
    return { kind: 'sqlite', path }
  }
  if (/^postgres(ql)?:\/\//i.test(db)) return parsePostgresUrl(db)
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(db)?.[1]
  throw new ConfigError(
    scheme
      ? `unsupported database scheme "${scheme}:" (supported: sqlite:PATH, postgres://...)`
      : `database URL "${db}" has no scheme (expected sqlite:PATH or postgres://...)`,
  )
}

function parsePostgresUrl(db: string): DatabaseLocation {
  let url: URL
  try {
    url = new URL(db)
  } catch {
    throw new ConfigError('the PostgreSQL URL is malformed (expected postgres://user@host/db)')
  }
  if (url.hostname === '' && !url.searchParams.has('host'))
    throw new ConfigError('the PostgreSQL URL names no host')
  const schema = url.searchParams.get('schema')
  if (schema !== null && !SCHEMA_NAME.test(schema))
    throw new ConfigError(`schema must be a lower-case identifier; got "${schema}"`)
  url.searchParams.delete('schema')
  return { kind: 'postgres', connectionString: url.toString(), schema }
}

export const HELP_TEXT = `Usage: paracord-server [options]

The paracord blind store: stores ciphertext, public keys and times; never a secret.

Options (each also read from the environment variable in brackets; flags win):
  --host HOST          address to listen on (default 127.0.0.1) [PARACORD_HOST]
  --port PORT          TCP port, 0 picks a free one (default 8443) [PARACORD_PORT]
  --db URL             store location: sqlite:PATH (default sqlite:./data/paracord.db,
                       created on first run) or postgres://USER@HOST:PORT/DB[?schema=NAME]
                       for several instances on one database [PARACORD_DB]
  --turn-secret TEXT   secret shared with the TURN server; without it /v1/turn answers 503
                       [PARACORD_TURN_SECRET]
  --turn-url URL       a TURN/STUN URL handed to clients; repeatable
                       [PARACORD_TURN_URLS, comma-separated]
  --turn-ttl SECONDS   lifetime of TURN credentials (default 3600) [PARACORD_TURN_TTL]
  --rate-limit N       requests per minute per session, or per IP without one (default 1200)
                       [PARACORD_RATE_LIMIT]
  --log-level LEVEL    fatal, error, warn, info, debug, trace or silent (default info)
                       [PARACORD_LOG_LEVEL]
  --help               print this help and exit
`

export type ParsedCommandLine =
  { readonly help: true } | { readonly help: false; readonly config: ServerConfig }

/** Reads flags and environment; throws ConfigError with a one-line reason on bad input. */
export function parseCommandLine(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ParsedCommandLine {
  let values
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        db: { type: 'string' },
        'turn-secret': { type: 'string' },
        'turn-url': { type: 'string', multiple: true },
        'turn-ttl': { type: 'string' },
        'rate-limit': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean' },
      },
    }).values
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error))
  }
  if (values.help) return { help: true }

  const pick = (flag: string | undefined, name: string): string | undefined => {
    if (flag !== undefined) return flag
    const fromEnv = env[name]
    return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv
  }
  const host = pick(values.host, 'PARACORD_HOST') ?? DEFAULT_CONFIG.host
  const port = integer(pick(values.port, 'PARACORD_PORT'), 'port', 0, 65535) ?? DEFAULT_CONFIG.port
  const db = pick(values.db, 'PARACORD_DB') ?? DEFAULT_CONFIG.db
  parseDatabaseUrl(db)
  const turnSecret = pick(values['turn-secret'], 'PARACORD_TURN_SECRET') ?? null
  const turnUrls =
    values['turn-url'] ??
    (env.PARACORD_TURN_URLS ?? '')
      .split(',')
      .map((url) => url.trim())
      .filter((url) => url !== '')
  const turnTtlSeconds =
    integer(pick(values['turn-ttl'], 'PARACORD_TURN_TTL'), 'turn-ttl', 60, 7 * 24 * 3600) ??
    DEFAULT_CONFIG.turnTtlSeconds
  const rateLimitPerMinute =
    integer(pick(values['rate-limit'], 'PARACORD_RATE_LIMIT'), 'rate-limit', 1, 1_000_000) ??
    DEFAULT_CONFIG.rateLimitPerMinute
  const logLevel = pick(values['log-level'], 'PARACORD_LOG_LEVEL') ?? DEFAULT_CONFIG.logLevel
  if (!isLogLevel(logLevel))
    throw new ConfigError(`log-level must be one of ${LOG_LEVELS.join(', ')}; got "${logLevel}"`)

  return {
    help: false,
    config: {
      ...DEFAULT_CONFIG,
      host,
      port,
      db,
      turnSecret,
      turnUrls,
      turnTtlSeconds,
      rateLimitPerMinute,
      logLevel,
    },
  }
}

function integer(text: string | undefined, name: string, min: number, max: number) {
  if (text === undefined) return undefined
  if (!/^\d+$/.test(text.trim()))
    throw new ConfigError(`${name} must be a whole number; got "${text}"`)
  const value = Number(text.trim())
  if (value < min || value > max)
    throw new ConfigError(`${name} must be between ${min} and ${max}; got ${value}`)
  return value
}

const isLogLevel = (level: string): level is LogLevel =>
  (LOG_LEVELS as readonly string[]).includes(level)
