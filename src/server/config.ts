// Server configuration from command-line flags and environment variables. Pure: it reads only
// what it is given, so every rule here is unit-tested without starting anything.
import { parseArgs } from 'node:util'
import { RelayAddressError, relayAddress } from './turn/relay-address'

export interface ServerConfig {
  readonly host: string
  readonly port: number
  /** Where the store lives: `sqlite:PATH` or `postgres://user@host:port/db[?schema=NAME]`. */
  readonly db: string
  /** Shared with the TURN server (coturn `static-auth-secret`); null: no TURN credentials. */
  readonly turnSecret: string | null
  readonly turnUrls: readonly string[]
  readonly turnTtlSeconds: number
  /**
   * 'managed': paracord-server runs coturn itself on `host` (src/server/turn) and hands out its
   * secret and address; 'external': the relay named by turnSecret and turnUrls, if any.
   */
  readonly turnMode: TurnMode
  /** Requests per minute per account, counted once its session is verified. */
  readonly rateLimitPerMinute: number
  /**
   * Requests per minute per client address without a verified session (salt, challenge, login,
   * registration, WebSocket handshakes); generous, since many people may share one address.
   */
  readonly addressRateLimitPerMinute: number
  /** Accounts one client address may register per hour. */
  readonly registrationsPerHour: number
  /**
   * Failed logins of one handle from one client address (IPv6: per /64) allowed before each
   * further try of that handle from that address must wait (1 s, doubling).
   */
  readonly loginFailuresPerHandle: number
  /**
   * Failed logins of one handle from all addresses together allowed before each further try of
   * it, from anywhere, must wait (1 s, doubling, at most 5 s): against guessing spread over many
   * addresses, generous so that one address cannot reach it.
   */
  readonly loginFailuresPerHandleGlobal: number
  /** Failed logins from one client address allowed before each further try must wait. */
  readonly loginFailuresPerAddress: number
  /** The longest wait the login backoff imposes, so nobody can lock an account out for long. */
  readonly loginBackoffMaxMs: number
  /** Live sessions per account; a login beyond it ends the oldest. */
  readonly maxSessionsPerAccount: number
  /** Authenticated WebSockets per session and per account; more are closed with 4029. */
  readonly maxSocketsPerSession: number
  readonly maxSocketsPerAccount: number
  /** WebSockets per client address that have not authenticated yet; more are refused (429). */
  readonly maxPendingSocketsPerAddress: number
  /** Stream subscriptions per WebSocket; more are refused with an error frame. */
  readonly maxSubscriptionsPerSocket: number
  /** Rotated-out read keys kept per stream; the oldest is dropped beyond it. */
  readonly maxPreviousReadKeys: number
  /** Streams whose recent shards are kept in memory for live delivery (each ring ≤ 4 MiB). */
  readonly maxStreamRings: number
  /** How long a client may take to send a request's headers. */
  readonly headersTimeoutMs: number
  /** How long a client may take to send a whole request, body included. */
  readonly requestTimeoutMs: number
  /**
   * Whose X-Forwarded-For to believe for the client address (the per-address limits): false
   * (none: the TCP peer is the client), a number of proxy hops, or comma-separated addresses
   * or CIDR ranges of the proxies.
   */
  readonly trustProxy: boolean | number | string
  /** With it, GET /metrics needs `Authorization: Bearer <token>`. */
  readonly metricsToken: string | null
  /** With it, /metrics is served only on this port (same host), not on the API's. */
  readonly metricsPort: number | null
  /** PEM files of the certificate (chain) and its key: the server speaks HTTPS itself. */
  readonly tlsCert: string | null
  readonly tlsKey: string | null
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

export const TURN_MODES = ['external', 'managed'] as const
export type TurnMode = (typeof TURN_MODES)[number]

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export const DEFAULT_CONFIG: ServerConfig = {
  host: '127.0.0.1',
  port: 8443,
  db: 'sqlite:./data/paracord.db',
  turnSecret: null,
  turnUrls: [],
  turnTtlSeconds: 3600,
  turnMode: 'external',
  rateLimitPerMinute: 1200,
  addressRateLimitPerMinute: 6000,
  registrationsPerHour: 60,
  loginFailuresPerHandle: 5,
  loginFailuresPerHandleGlobal: 200,
  loginFailuresPerAddress: 50,
  loginBackoffMaxMs: 60_000,
  maxSessionsPerAccount: 20,
  maxSocketsPerSession: 8,
  maxSocketsPerAccount: 32,
  maxPendingSocketsPerAddress: 256,
  maxSubscriptionsPerSocket: 1024,
  maxPreviousReadKeys: 512,
  maxStreamRings: 256,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  trustProxy: false,
  metricsToken: null,
  metricsPort: null,
  tlsCert: null,
  tlsKey: null,
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
  --turn MODE          the voice relay: "managed" runs coturn's turnserver (from PATH) on
                       --host with a fresh secret and free ports, and stops it on exit;
                       "external" (default) uses --turn-secret and --turn-url [PARACORD_TURN]
  --turn-secret TEXT   secret shared with the TURN server; without it /v1/turn answers 503
                       [PARACORD_TURN_SECRET]
  --turn-url URL       a TURN/STUN URL handed to clients; repeatable
                       [PARACORD_TURN_URLS, comma-separated]
  --turn-ttl SECONDS   lifetime of TURN credentials (default 3600) [PARACORD_TURN_TTL]
  --rate-limit N       requests per minute per signed-in account (default 1200)
                       [PARACORD_RATE_LIMIT]
  --address-rate-limit N
                       requests per minute per client address without a verified session
                       (default 6000) [PARACORD_ADDRESS_RATE_LIMIT]
  --registrations-per-hour N
                       accounts one client address may register per hour (default 60)
                       [PARACORD_REGISTRATIONS_PER_HOUR]
  --login-failures-per-handle N
                       failed logins of one handle from one client address before each
                       further try of it from there waits, 1 s doubling (default 5)
                       [PARACORD_LOGIN_FAILURES_PER_HANDLE]
  --login-failures-per-handle-global N
                       failed logins of one handle from all addresses before each further
                       try of it waits, 1 s doubling to at most 5 s (default 200)
                       [PARACORD_LOGIN_FAILURES_PER_HANDLE_GLOBAL]
  --login-failures-per-address N
                       failed logins from one client address, any handles, before each
                       further try from there waits (default 50)
                       [PARACORD_LOGIN_FAILURES_PER_ADDRESS]
  --login-backoff-max SECONDS
                       longest per-address wait (default 60) [PARACORD_LOGIN_BACKOFF_MAX]
  --max-sessions-per-account N
                       live sessions per account; a login beyond it ends the oldest
                       (default 20) [PARACORD_MAX_SESSIONS_PER_ACCOUNT]
  --max-sockets-per-session N
                       WebSockets per session (default 8) [PARACORD_MAX_SOCKETS_PER_SESSION]
  --max-sockets-per-account N
                       WebSockets per account (default 32) [PARACORD_MAX_SOCKETS_PER_ACCOUNT]
  --max-pending-sockets-per-address N
                       WebSockets per client address not yet authenticated (default 256)
                       [PARACORD_MAX_PENDING_SOCKETS_PER_ADDRESS]
  --max-subscriptions-per-socket N
                       stream subscriptions per WebSocket (default 1024)
                       [PARACORD_MAX_SUBSCRIPTIONS_PER_SOCKET]
  --max-previous-read-keys N
                       rotated-out read keys kept per stream (default 64)
                       [PARACORD_MAX_PREVIOUS_READ_KEYS]
  --max-stream-rings N streams whose recent shards stay in memory for live delivery, each
                       up to 512 shards / 4 MiB (default 256) [PARACORD_MAX_STREAM_RINGS]
  --headers-timeout SECONDS
                       time a client has to send request headers (default 10)
                       [PARACORD_HEADERS_TIMEOUT]
  --request-timeout SECONDS
                       time a client has to send a whole request (default 30)
                       [PARACORD_REQUEST_TIMEOUT]
  --trust-proxy VALUE  believe X-Forwarded-For from these proxies: a hop count, or
                       comma-separated addresses/CIDRs (default: none) [PARACORD_TRUST_PROXY]
  --metrics-token TEXT GET /metrics requires "Authorization: Bearer TEXT"
                       [PARACORD_METRICS_TOKEN]
  --metrics-port PORT  serve /metrics only on this port, not the API's [PARACORD_METRICS_PORT]
                       (without either flag /metrics is not served)
  --tls-cert FILE      PEM certificate chain: speak HTTPS (with --tls-key) [PARACORD_TLS_CERT]
  --tls-key FILE       PEM private key of --tls-cert [PARACORD_TLS_KEY]
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
        turn: { type: 'string' },
        'turn-secret': { type: 'string' },
        'turn-url': { type: 'string', multiple: true },
        'turn-ttl': { type: 'string' },
        'rate-limit': { type: 'string' },
        ...Object.fromEntries(
          Object.keys(NUMBER_FLAGS).map((flag) => [flag, { type: 'string' } as const]),
        ),
        'trust-proxy': { type: 'string' },
        'metrics-token': { type: 'string' },
        'metrics-port': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
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
  const turnMode = parseTurnMode(pick(values.turn, 'PARACORD_TURN'), host, turnSecret, turnUrls)
  const rateLimitPerMinute =
    integer(pick(values['rate-limit'], 'PARACORD_RATE_LIMIT'), 'rate-limit', 1, 1_000_000) ??
    DEFAULT_CONFIG.rateLimitPerMinute
  const logLevel = pick(values['log-level'], 'PARACORD_LOG_LEVEL') ?? DEFAULT_CONFIG.logLevel
  if (!isLogLevel(logLevel))
    throw new ConfigError(`log-level must be one of ${LOG_LEVELS.join(', ')}; got "${logLevel}"`)
  const numbers: Partial<Record<NumberKey, number>> = {}
  for (const [flag, rule] of Object.entries(NUMBER_FLAGS)) {
    const given: unknown = (values as Record<string, unknown>)[flag]
    const text = pick(typeof given === 'string' ? given : undefined, envName(flag))
    const value = integer(text, flag, rule.min, rule.max)
    if (value !== undefined) numbers[rule.key] = value * (rule.scale ?? 1)
  }
  const trustProxy = parseTrustProxy(pick(values['trust-proxy'], 'PARACORD_TRUST_PROXY'))
  const metricsToken = pick(values['metrics-token'], 'PARACORD_METRICS_TOKEN') ?? null
  const metricsPort =
    integer(pick(values['metrics-port'], 'PARACORD_METRICS_PORT'), 'metrics-port', 0, 65535) ?? null
  const tlsCert = pick(values['tls-cert'], 'PARACORD_TLS_CERT') ?? null
  const tlsKey = pick(values['tls-key'], 'PARACORD_TLS_KEY') ?? null
  if ((tlsCert === null) !== (tlsKey === null))
    throw new ConfigError('--tls-cert and --tls-key go together')

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
      turnMode,
      rateLimitPerMinute,
      ...numbers,
      trustProxy,
      metricsToken,
      metricsPort,
      tlsCert,
      tlsKey,
      logLevel,
    },
  }
}

type NumberKey = {
  [K in keyof ServerConfig]: ServerConfig[K] extends number ? K : never
}[keyof ServerConfig]

/** The whole-number limits: the config key each sets, its range, and seconds → ms where asked. */
const NUMBER_FLAGS: Readonly<
  Record<string, { key: NumberKey; min: number; max: number; scale?: number }>
> = {
  'address-rate-limit': { key: 'addressRateLimitPerMinute', min: 1, max: 10_000_000 },
  'registrations-per-hour': { key: 'registrationsPerHour', min: 1, max: 1_000_000 },
  'login-failures-per-handle': { key: 'loginFailuresPerHandle', min: 1, max: 1000 },
  'login-failures-per-handle-global': {
    key: 'loginFailuresPerHandleGlobal',
    min: 1,
    max: 1_000_000,
  },
  'login-failures-per-address': { key: 'loginFailuresPerAddress', min: 1, max: 1_000_000 },
  'login-backoff-max': { key: 'loginBackoffMaxMs', min: 1, max: 24 * 3600, scale: 1000 },
  'max-sessions-per-account': { key: 'maxSessionsPerAccount', min: 1, max: 10_000 },
  'max-sockets-per-session': { key: 'maxSocketsPerSession', min: 1, max: 10_000 },
  'max-sockets-per-account': { key: 'maxSocketsPerAccount', min: 1, max: 100_000 },
  'max-pending-sockets-per-address': {
    key: 'maxPendingSocketsPerAddress',
    min: 1,
    max: 1_000_000,
  },
  'max-subscriptions-per-socket': { key: 'maxSubscriptionsPerSocket', min: 1, max: 1_000_000 },
  'max-previous-read-keys': { key: 'maxPreviousReadKeys', min: 1, max: 100_000 },
  'max-stream-rings': { key: 'maxStreamRings', min: 0, max: 1_000_000 },
  'headers-timeout': { key: 'headersTimeoutMs', min: 1, max: 3600, scale: 1000 },
  'request-timeout': { key: 'requestTimeoutMs', min: 1, max: 3600, scale: 1000 },
}

/** `--max-stream-rings` → `PARACORD_MAX_STREAM_RINGS`. */
const envName = (flag: string) => `PARACORD_${flag.toUpperCase().replaceAll('-', '_')}`

/** `managed` owns the relay's secret and address, so neither may be given as well. */
function parseTurnMode(
  text: string | undefined,
  host: string,
  turnSecret: string | null,
  turnUrls: readonly string[],
): TurnMode {
  const mode = text ?? DEFAULT_CONFIG.turnMode
  if (!(TURN_MODES as readonly string[]).includes(mode))
    throw new ConfigError(`turn must be one of ${TURN_MODES.join(', ')}; got "${mode}"`)
  if (mode !== 'managed') return mode as TurnMode
  if (turnSecret !== null)
    throw new ConfigError('--turn managed makes its own secret: leave out --turn-secret')
  if (turnUrls.length > 0)
    throw new ConfigError('--turn managed tells clients its own address: leave out --turn-url')
  try {
    relayAddress(host)
  } catch (error) {
    if (error instanceof RelayAddressError) throw new ConfigError(error.message)
    throw error
  }
  return 'managed'
}

/** A hop count, or proxy addresses/CIDRs; "false" or nothing: trust no proxy. */
function parseTrustProxy(text: string | undefined): boolean | number | string {
  if (text === undefined || text.trim() === 'false') return false
  const value = text.trim()
  if (value === 'true')
    throw new ConfigError(
      'trust-proxy "true" would let any client pick its address; name the proxies or a hop count',
    )
  if (/^\d+$/.test(value)) return integer(value, 'trust-proxy', 1, 100)!
  const entries = value.split(',').map((entry) => entry.trim())
  if (entries.some((entry) => !/^[0-9A-Fa-f.:]+(\/\d{1,3})?$/.test(entry)))
    throw new ConfigError(`trust-proxy must be a hop count or addresses/CIDRs; got "${value}"`)
  return entries.join(',')
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
