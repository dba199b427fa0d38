// Made-up Bearer tokens must not each cost a store read: the session lookup runs before the rate
// limiter (and on /healthz, which it skips), so it is bounded on its own.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp, type App } from './app'
import { DEFAULT_CONFIG, type ServerConfig } from './config'
import { createLogger } from './logger'
import { openSqliteStore } from './store/sqlite'
import type { Store } from './store/types'
import { StoreTestClient } from './testing/api'
import { randomB64 } from './testing/keys'

let cleanup: (() => Promise<void>) | null = null
afterEach(async () => {
  await cleanup?.()
  cleanup = null
})

async function start(config: Partial<ServerConfig>) {
  const dir = await mkdtemp(join(tmpdir(), 'paracord-lookups-'))
  const inner = await openSqliteStore({ path: join(dir, 'store.db') })
  const lookups = { count: 0 }
  const store: Store = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'getSession')
        return (tokenHash: string) => {
          lookups.count += 1
          return target.getSession(tokenHash)
        }
      return Reflect.get(target, property, receiver) as unknown
    },
  })
  const built: App = await buildApp({
    store,
    config: { ...DEFAULT_CONFIG, logLevel: 'silent', ...config },
    logger: createLogger('silent'),
  })
  await built.app.listen({ host: '127.0.0.1', port: 0 })
  const address = built.app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  cleanup = async () => {
    await built.app.close()
    await inner.close()
    await rm(dir, { recursive: true, force: true })
  }
  return { app: built.app, lookups, api: new StoreTestClient(`http://127.0.0.1:${port}`) }
}

const inject = (app: App['app'], url: string, token: string, from = '198.51.100.7') =>
  app.inject({
    method: 'GET',
    url,
    remoteAddress: from,
    headers: { authorization: `Bearer ${token}` },
  })

describe('session lookups of made-up tokens', () => {
  it('bounds store reads per address, on rate-limited and unlimited routes alike', async () => {
    const { app, lookups } = await start({ addressRateLimitPerMinute: 10 })
    const statuses: number[] = []
    for (let i = 0; i < 30; i++)
      statuses.push((await inject(app, '/v1/turn', randomB64(32))).statusCode)
    for (let i = 0; i < 30; i++)
      statuses.push((await inject(app, '/healthz', randomB64(32))).statusCode)
    expect(lookups.count).toBe(10)
    // Refused unsigned (401) or over the address budget (429); /healthz still answers.
    expect(statuses.slice(0, 30).every((status) => status === 401 || status === 429)).toBe(true)
    expect(statuses.slice(30)).toEqual(Array(30).fill(200))
    // Another address has its own lookups.
    await inject(app, '/healthz', randomB64(32), '203.0.113.9')
    expect(lookups.count).toBe(11)
  })

  it('looks a repeated unknown token up once', async () => {
    const { app, lookups } = await start({ addressRateLimitPerMinute: 1000 })
    const token = randomB64(32)
    for (let i = 0; i < 20; i++) await inject(app, '/healthz', token)
    expect(lookups.count).toBe(1)
  })

  it('still finds real sessions, which do not spend the address budget', async () => {
    const { app, api, lookups } = await start({ addressRateLimitPerMinute: 3 })
    // Signing up and in (from 127.0.0.1) fits the budget of 3 requests for a minute.
    const signedIn = await api.signUp()
    for (let i = 0; i < 5; i++) {
      const reply = await inject(app, '/v1/turn', signedIn.token, '127.0.0.1')
      expect(reply.statusCode).not.toBe(401)
      expect(reply.statusCode).not.toBe(429)
    }
    expect(lookups.count).toBeLessThanOrEqual(5)
  })
})
