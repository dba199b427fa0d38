import { describe, expect, it } from 'vitest'
import { ConfigError, DEFAULT_CONFIG, parseCommandLine, parseDatabaseUrl } from './config'

const configOf = (argv: string[], env: Record<string, string> = {}) => {
  const parsed = parseCommandLine(argv, env)
  if (parsed.help) throw new Error('unexpected help')
  return parsed.config
}

describe('parseCommandLine', () => {
  it('uses the defaults when given nothing', () => {
    expect(configOf([])).toEqual(DEFAULT_CONFIG)
    expect(DEFAULT_CONFIG).toMatchObject({
      host: '127.0.0.1',
      port: 8443,
      db: 'sqlite:./data/paracord.db',
      turnSecret: null,
      turnTtlSeconds: 3600,
      rateLimitPerMinute: 1200,
    })
  })

  it('reads every flag', () => {
    const config = configOf([
      '--host=0.0.0.0',
      '--port',
      '0',
      '--db',
      'sqlite:/tmp/x.db',
      '--turn-secret',
      's3cret',
      '--turn-url',
      'turn:a:3478',
      '--turn-url',
      'turns:b:5349',
      '--turn-ttl',
      '900',
      '--rate-limit',
      '60',
      '--log-level',
      'warn',
    ])
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 0,
      db: 'sqlite:/tmp/x.db',
      turnSecret: 's3cret',
      turnUrls: ['turn:a:3478', 'turns:b:5349'],
      turnTtlSeconds: 900,
      rateLimitPerMinute: 60,
      logLevel: 'warn',
    })
  })

  it('reads the environment, and flags win over it', () => {
    const env = {
      PARACORD_HOST: '::1',
      PARACORD_PORT: '9000',
      PARACORD_DB: 'sqlite:env.db',
      PARACORD_TURN_SECRET: 'env-secret',
      PARACORD_TURN_URLS: 'turn:a:3478, turns:b:5349,',
      PARACORD_TURN_TTL: '120',
      PARACORD_RATE_LIMIT: '10',
      PARACORD_LOG_LEVEL: 'debug',
    }
    expect(configOf([], env)).toMatchObject({
      host: '::1',
      port: 9000,
      db: 'sqlite:env.db',
      turnSecret: 'env-secret',
      turnUrls: ['turn:a:3478', 'turns:b:5349'],
      turnTtlSeconds: 120,
      rateLimitPerMinute: 10,
      logLevel: 'debug',
    })
    expect(
      configOf(['--port', '1234', '--turn-url', 'turn:c', '--log-level', 'error'], env),
    ).toMatchObject({
      port: 1234,
      turnUrls: ['turn:c'],
      logLevel: 'error',
      host: '::1',
    })
  })

  it('reads the limits, proxy, metrics and TLS flags, and their environment variables', () => {
    const config = configOf([
      '--address-rate-limit=100',
      '--registrations-per-hour=7',
      '--login-failures-per-handle=4',
      '--login-failures-per-handle-global=300',
      '--login-failures-per-address=40',
      '--login-backoff-max=30',
      '--max-sessions-per-account=5',
      '--max-sockets-per-session=2',
      '--max-sockets-per-account=6',
      '--max-pending-sockets-per-address=9',
      '--max-subscriptions-per-socket=50',
      '--max-previous-read-keys=3',
      '--max-stream-rings=0',
      '--headers-timeout=5',
      '--request-timeout=20',
      '--trust-proxy=10.0.0.0/8, 127.0.0.1',
      '--metrics-token=t0ken',
      '--metrics-port=9100',
      '--tls-cert=/etc/c.pem',
      '--tls-key=/etc/k.pem',
    ])
    expect(config).toMatchObject({
      addressRateLimitPerMinute: 100,
      registrationsPerHour: 7,
      loginFailuresPerHandle: 4,
      loginFailuresPerHandleGlobal: 300,
      loginFailuresPerAddress: 40,
      loginBackoffMaxMs: 30_000,
      maxSessionsPerAccount: 5,
      maxSocketsPerSession: 2,
      maxSocketsPerAccount: 6,
      maxPendingSocketsPerAddress: 9,
      maxSubscriptionsPerSocket: 50,
      maxPreviousReadKeys: 3,
      maxStreamRings: 0,
      headersTimeoutMs: 5000,
      requestTimeoutMs: 20_000,
      trustProxy: '10.0.0.0/8,127.0.0.1',
      metricsToken: 't0ken',
      metricsPort: 9100,
      tlsCert: '/etc/c.pem',
      tlsKey: '/etc/k.pem',
    })
    expect(
      configOf([], {
        PARACORD_MAX_STREAM_RINGS: '12',
        PARACORD_TRUST_PROXY: '1',
        PARACORD_METRICS_TOKEN: 'env',
      }),
    ).toMatchObject({ maxStreamRings: 12, trustProxy: 1, metricsToken: 'env' })
    expect(DEFAULT_CONFIG).toMatchObject({
      trustProxy: false,
      metricsToken: null,
      metricsPort: null,
    })
  })

  it('answers --help', () => {
    expect(parseCommandLine(['--help'], {})).toEqual({ help: true })
  })

  it.each([
    [['--port', 'eighty']],
    [['--port', '70000']],
    [['--port', '-1']],
    [['--rate-limit', '0']],
    [['--turn-ttl', '1.5']],
    [['--log-level', 'loud']],
    [['--db', 'mysql://x']],
    [['--db', 'sqlite:']],
    [['--unknown']],
    [['stray-positional']],
    [['--port']],
    [['--max-sockets-per-session', '0']],
    [['--headers-timeout', '-3']],
    [['--trust-proxy', 'true']],
    [['--trust-proxy', 'proxy.example']],
    [['--tls-cert', '/etc/c.pem']],
    [['--metrics-port', '70000']],
  ])('refuses %j with a ConfigError', (argv) => {
    expect(() => parseCommandLine(argv, {})).toThrow(ConfigError)
  })

  it('refuses a bad environment value too', () => {
    expect(() => parseCommandLine([], { PARACORD_PORT: 'x' })).toThrow(
      /port must be a whole number/,
    )
  })
})

describe('--turn', () => {
  it('is external unless managed is asked for, by flag or environment', () => {
    expect(configOf([]).turnMode).toBe('external')
    expect(configOf(['--turn', 'managed']).turnMode).toBe('managed')
    expect(configOf([], { PARACORD_TURN: 'managed' }).turnMode).toBe('managed')
    expect(configOf(['--turn', 'managed', '--host', '192.168.1.20']).turnMode).toBe('managed')
  })

  it.each([
    [['--turn', 'auto'], /turn must be one of external, managed; got "auto"/],
    [['--turn', 'managed', '--turn-secret', 's'], /makes its own secret: leave out --turn-secret/],
    [['--turn', 'managed', '--turn-url', 'turn:a:3478'], /its own address: leave out --turn-url/],
    [['--turn', 'managed', '--host', '0.0.0.0'], /one address clients can reach, not "0.0.0.0"/],
    [['--turn', 'managed', '--host', '::'], /one address clients can reach, not "::"/],
    [['--turn', 'managed', '--host', 'chat.example'], /an IP address clients can reach/],
  ])('refuses %j with a clear reason', (argv, reason) => {
    expect(() => parseCommandLine(argv, {})).toThrow(ConfigError)
    expect(() => parseCommandLine(argv, {})).toThrow(reason)
  })
})

describe('parseDatabaseUrl', () => {
  it('reads sqlite:PATH', () => {
    expect(parseDatabaseUrl('sqlite:./data/p.db')).toEqual({ kind: 'sqlite', path: './data/p.db' })
    expect(parseDatabaseUrl('sqlite:/abs/p.db')).toEqual({ kind: 'sqlite', path: '/abs/p.db' })
  })

  it('reads postgres:// URLs and takes the schema out of them', () => {
    expect(parseDatabaseUrl('postgres://app@db:5432/paracord')).toEqual({
      kind: 'postgres',
      connectionString: 'postgres://app@db:5432/paracord',
      schema: null,
    })
    expect(parseDatabaseUrl('postgresql://app@db/paracord?schema=chat&sslmode=require')).toEqual({
      kind: 'postgres',
      connectionString: 'postgresql://app@db/paracord?sslmode=require',
      schema: 'chat',
    })
  })

  it('refuses a PostgreSQL URL without a host or with an unsafe schema name', () => {
    expect(() => parseDatabaseUrl('postgres:///paracord')).toThrow(/no host/)
    expect(() => parseDatabaseUrl('postgres://db/p?schema=Bad;Drop')).toThrow(/schema must be/)
  })

  it('names an unknown scheme clearly', () => {
    expect(() => parseDatabaseUrl('mysql://db/paracord')).toThrow(
      /unsupported database scheme "mysql:"/,
    )
    expect(() => parseDatabaseUrl('paracord.db')).toThrow(/no scheme/)
  })
})
