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
  ])('refuses %j with a ConfigError', (argv) => {
    expect(() => parseCommandLine(argv, {})).toThrow(ConfigError)
  })

  it('refuses a bad environment value too', () => {
    expect(() => parseCommandLine([], { PARACORD_PORT: 'x' })).toThrow(
      /port must be a whole number/,
    )
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
