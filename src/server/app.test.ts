// The app as a whole: one error shape for every bad input, rate limits, and the operational
// routes (/healthz, /metrics, /openapi.json).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LIMITS, PROTOCOL_VERSION } from '../shared/protocol'
import type { SignedIn } from './testing/api'
import { startTestServer, type TestServer } from './testing/harness'
import { newKeyPair, randomB64 } from './testing/keys'

let server: TestServer
let alice: SignedIn
const METRICS_TOKEN = 'scrape-me'
beforeAll(async () => {
  server = await startTestServer({ metricsToken: METRICS_TOKEN })
  alice = await server.api.signUp()
})
afterAll(() => server.dispose())

function expectRefusal(reply: { status: number; body: unknown }, status: number, error: string) {
  expect(reply.status).toBe(status)
  expect(reply.body).toMatchObject({ error, message: expect.any(String) as unknown })
  expect(
    Object.keys(reply.body as object).every((k) =>
      ['error', 'message', 'currentVersion'].includes(k),
    ),
  ).toBe(true)
}

describe('bad input', () => {
  it('answers a schema failure with 400 bad_request', async () => {
    const extraField = await server.api.request('POST', '/v1/auth/challenge', {
      body: { handle: randomB64(32), admin: true },
    })
    expectRefusal(extraField, 400, 'bad_request')
    const wrongType = await server.api.request('POST', '/v1/auth/challenge', {
      body: { handle: 42 },
    })
    expectRefusal(wrongType, 400, 'bad_request')
    const badParam = await server.api.request('GET', '/v1/enclaves/not*an*id', {
      token: alice.token,
    })
    expectRefusal(badParam, 400, 'bad_request')
    const noBody = await server.api.request('POST', '/v1/streams', { token: alice.token })
    expectRefusal(noBody, 400, 'bad_request')
  })

  it('answers malformed JSON with 400', async () => {
    const reply = await server.api.request('POST', '/v1/auth/challenge', { rawBody: '{"handle": ' })
    expectRefusal(reply, 400, 'bad_request')
  })

  it('answers base64url that does not decode canonically with 400', async () => {
    // Matches the schema's alphabet and length, but has non-zero trailing bits.
    const handle = `${'A'.repeat(42)}B`
    const challenge = await server.api.request('POST', '/v1/auth/challenge', { body: { handle } })
    expectRefusal(challenge, 400, 'bad_request')
    const salt = await server.api.request('GET', `/v1/accounts/salt?handle=${handle}`)
    expectRefusal(salt, 400, 'bad_request')
  })

  it('answers a body over the limit with 413 payload_too_large', async () => {
    const owner = newKeyPair()
    const reply = await server.api.request('POST', '/v1/enclaves', {
      token: alice.token,
      body: {
        id: randomB64(16),
        kind: 'identity',
        ownerKey: owner.publicKey,
        body: randomB64(LIMITS.maxBodyBytes),
        expiresAt: null,
        signature: randomB64(64),
      },
    })
    expectRefusal(reply, 413, 'payload_too_large')
  })

  it('answers an unknown route with 404 not_found', async () => {
    expectRefusal(await server.api.request('GET', '/v1/nothing-here'), 404, 'not_found')
    expectRefusal(await server.api.request('DELETE', '/healthz'), 404, 'not_found')
  })

  it('answers a plain HTTP GET of the WebSocket route with 400', async () => {
    expectRefusal(await server.api.request('GET', '/v1/ws'), 400, 'bad_request')
  })

  it('answers a missing session with 401 before looking at the body', async () => {
    const reply = await server.api.request('POST', '/v1/streams', { rawBody: '{broken' })
    expectRefusal(reply, 401, 'unauthorized')
  })
})

describe('rate limits', () => {
  it('limits per address without a session and per account with one', async () => {
    const limited = await startTestServer({ rateLimitPerMinute: 5, addressRateLimitPerMinute: 5 })
    try {
      const account = await limited.api.signUp() // 3 requests from this IP
      const anonymous = []
      for (let i = 0; i < 3; i++)
        anonymous.push(
          await limited.api.request('GET', `/v1/accounts/salt?handle=${randomB64(32)}`),
        )
      expect(anonymous.map((r) => r.status)).toEqual([200, 200, 429])
      expectRefusal(anonymous[2]!, 429, 'rate_limited')
      // The session's account has its own budget.
      const signedIn = await limited.api.streamInfo(account, {
        id: randomB64(16),
        readKey: newKeyPair(),
      })
      expectRefusal(signedIn, 404, 'not_found')
      // Health and metrics stay reachable for monitoring.
      expect((await limited.api.request('GET', '/healthz')).status).toBe(200)
    } finally {
      await limited.dispose()
    }
  })
})

describe('operations', () => {
  it('GET /healthz answers ok while the store answers', async () => {
    const reply = await server.api.request('GET', '/healthz')
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({ ok: true })
  })

  it('GET /info names the protocol and its version, to anyone', async () => {
    const reply = await server.api.request('GET', '/info')
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({ protocol: 'paracord', version: PROTOCOL_VERSION })
  })

  it('GET /metrics exposes the paracord counters and process metrics', async () => {
    const stream = await server.api.createStream(alice.token)
    await server.api.postMany(alice.token, stream, 2)
    await server.api.request('GET', '/v1/nothing-here')
    const reply = await server.api.request<string>('GET', '/metrics', { token: METRICS_TOKEN })
    expect(reply.status).toBe(200)
    expect(reply.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = reply.body
    expect(text).toMatch(/^paracord_shards_stored_total [1-9]\d*$/m)
    expect(text).toMatch(
      /^paracord_http_requests_total\{method="POST",route="\/v1\/streams\/:id\/shards",status="201"\} [1-9]/m,
    )
    expect(text).toMatch(/^paracord_http_errors_total\{error="not_found"\} [1-9]/m)
    for (const name of [
      'paracord_ws_connections',
      'paracord_shards_burned_total',
      'paracord_sweeps_total',
      'process_cpu_user_seconds_total',
    ])
      expect(text).toMatch(new RegExp(`^${name} \\d`, 'm'))
  })

  it('serves /metrics only with its token, or only on its own port', async () => {
    const anonymous = await server.api.request('GET', '/metrics')
    expectRefusal(anonymous, 401, 'unauthorized')
    expectRefusal(
      await server.api.request('GET', '/metrics', { token: 'guess' }),
      401,
      'unauthorized',
    )
    // A session token is not the metrics token.
    expectRefusal(
      await server.api.request('GET', '/metrics', { token: alice.token }),
      401,
      'unauthorized',
    )

    const unconfigured = await startTestServer()
    try {
      expectRefusal(await unconfigured.api.request('GET', '/metrics'), 404, 'not_found')
      expect(unconfigured.metricsUrl).toBeNull()
    } finally {
      await unconfigured.dispose()
    }

    const ported = await startTestServer({ metricsPort: 0 })
    try {
      expectRefusal(await ported.api.request('GET', '/metrics'), 404, 'not_found')
      expect(ported.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/)
      expect(ported.metricsUrl).not.toContain(`:${ported.port}/`)
      const scraped = await fetch(ported.metricsUrl!)
      expect(scraped.status).toBe(200)
      expect(await scraped.text()).toMatch(/^paracord_ws_connections \d/m)
    } finally {
      await ported.dispose()
    }
  })

  it('GET /openapi.json lists every route', async () => {
    const reply = await server.api.request<{ openapi: string; paths: Record<string, object> }>(
      'GET',
      '/openapi.json',
    )
    expect(reply.status).toBe(200)
    expect(reply.body.openapi).toMatch(/^3\./)
    const routes = Object.entries(reply.body.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    )
    expect(routes.sort()).toEqual(
      [
        'GET /healthz',
        'GET /info',
        'GET /metrics',
        'GET /openapi.json',
        'GET /v1/accounts/salt',
        'POST /v1/accounts',
        'POST /v1/accounts/me/password',
        'DELETE /v1/accounts/me',
        'POST /v1/auth/challenge',
        'POST /v1/auth/login',
        'POST /v1/auth/logout',
        'POST /v1/enclaves',
        'GET /v1/enclaves/{id}',
        'PUT /v1/enclaves/{id}',
        'DELETE /v1/enclaves/{id}',
        'POST /v1/streams',
        'POST /v1/streams/{id}/info',
        'POST /v1/streams/{id}/keys',
        'POST /v1/streams/{id}/shards',
        'POST /v1/streams/{id}/fetch',
        'GET /v1/turn',
        'GET /v1/ws',
      ].sort(),
    )
  })
})
