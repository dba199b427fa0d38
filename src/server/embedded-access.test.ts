// The embedded backend answers its own app only: requests and WebSocket upgrades without the
// launch's secret, with a wrong one, or addressed to a foreign Host (DNS rebinding) are refused
// before a session lookup or a rate limit counts them; a standalone server stays public.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { afterEach, describe, expect, it } from 'vitest'
import { EMBEDDED_SECRET_HEADER } from '../shared/embedded-backend'
import type { ServerConfig } from './config'
import { startServer, type RunningServer } from './index'
import { randomB64 } from './testing/keys'

const SECRET = 'k'.repeat(43)

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function start(
  embeddedSecret: string | undefined,
  config: Partial<ServerConfig> = {},
): Promise<RunningServer> {
  const dir = await mkdtemp(join(tmpdir(), 'paracord-embedded-access-'))
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    ...config,
    db: `sqlite:${join(dir, 'server.db')}`,
    embeddedSecret,
  })
  cleanups.push(async () => {
    await server.close()
    await rm(dir, { recursive: true, force: true })
  })
  return server
}

/**
 * A request as a client on this machine would send it (the backend's own Host) plus `headers`;
 * a POST sends `payload` as JSON.
 */
async function request(
  server: RunningServer,
  url: string,
  headers: Record<string, string>,
  payload?: object,
) {
  const reply = await server.app.inject({
    method: payload === undefined ? 'GET' : 'POST',
    url,
    headers: { host: `127.0.0.1:${server.port}`, ...headers },
    ...(payload === undefined ? {} : { payload }),
  })
  const json = reply.headers['content-type']?.toString().startsWith('application/json')
  return {
    status: reply.statusCode,
    body: json ? reply.json<{ error?: string; message?: string }>() : reply.body,
  }
}

/**
 * A WebSocket upgrade with these headers: 'open', or the status that refused it once the
 * backend has closed the connection (a refused stranger keeps nothing open).
 */
function upgrade(server: RunningServer, headers: Record<string, string>): Promise<number | 'open'> {
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}/v1/ws`, { headers })
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      resolve('open')
      socket.terminate()
    })
    socket.once('unexpected-response', (_request, response) => {
      response.resume()
      response.socket.once('close', () => resolve(response.statusCode ?? 0))
    })
    socket.once('error', reject)
  })
}

const own = { [EMBEDDED_SECRET_HEADER]: SECRET }
const wrong = { [EMBEDDED_SECRET_HEADER]: 'K'.repeat(43) }

describe('an embedded backend', () => {
  it('answers requests carrying its secret, addressed to 127.0.0.1 or localhost on its port', async () => {
    const server = await start(SECRET)
    expect(await request(server, '/healthz', own)).toEqual({ status: 200, body: { ok: true } })
    const viaLocalhost = await request(server, '/healthz', {
      ...own,
      host: `localhost:${server.port}`,
    })
    expect(viaLocalhost.status).toBe(200)
  })

  it('refuses a request without the secret or with a wrong one, saying whose backend it is', async () => {
    const server = await start(SECRET)
    for (const headers of [{}, wrong, { [EMBEDDED_SECRET_HEADER]: '' }]) {
      const reply = await request(server, '/healthz', headers)
      expect(reply.status).toBe(401)
      expect(reply.body).toEqual({
        error: 'embedded_access_denied',
        message: 'this is a paracord app’s own backend: only the app that started it may use it',
      })
    }
  })

  it('refuses a foreign Host even with the secret (DNS rebinding)', async () => {
    const server = await start(SECRET)
    for (const host of [
      `evil.example:${server.port}`,
      `127.0.0.1:${server.port + 1}`,
      '127.0.0.1',
      `127.0.0.1.evil.example:${server.port}`,
    ]) {
      const reply = await request(server, '/healthz', { ...own, host })
      expect(reply.status).toBe(401)
      expect(reply.body).toEqual({
        error: 'embedded_access_denied',
        message:
          'this is a paracord app’s own backend: it answers only to 127.0.0.1 or localhost on its port',
      })
    }
  })

  it('refuses registration, the API description and /metrics to strangers', async () => {
    const server = await start(SECRET, { metricsToken: 'scrape' })
    expect((await request(server, '/v1/accounts', {}, {})).status).toBe(401)
    expect((await request(server, '/openapi.json', {})).status).toBe(401)
    expect((await request(server, '/metrics', { authorization: 'Bearer scrape' })).status).toBe(401)
    expect(
      (await request(server, '/metrics', { ...own, authorization: 'Bearer scrape' })).status,
    ).toBe(200)
  })

  it('does not let strangers spend the rate-limit budget the app’s own logins share', async () => {
    const server = await start(SECRET, { addressRateLimitPerMinute: 3 })
    const challenge = (headers: Record<string, string>) =>
      request(server, '/v1/auth/challenge', headers, { handle: randomB64(32) })
    for (let i = 0; i < 10; i++) expect((await challenge({})).status).toBe(401)
    // The whole budget is still the app's: three challenges, then the limit.
    for (let i = 0; i < 3; i++) expect((await challenge(own)).status).toBe(200)
    expect((await challenge(own)).body).toMatchObject({ error: 'rate_limited' })
  })

  it('refuses WebSocket upgrades without the secret, with a wrong one or a foreign Host', async () => {
    const server = await start(SECRET)
    expect(await upgrade(server, {})).toBe(401)
    expect(await upgrade(server, wrong)).toBe(401)
    expect(await upgrade(server, { ...own, host: `evil.example:${server.port}` })).toBe(401)
    expect(await upgrade(server, own)).toBe('open')
  })
})

describe('a standalone server', () => {
  it('stays public: no secret asked, any Host', async () => {
    const server = await start(undefined)
    expect((await request(server, '/healthz', { host: `chat.example.org` })).status).toBe(200)
    expect(await upgrade(server, {})).toBe('open')
  })
})
