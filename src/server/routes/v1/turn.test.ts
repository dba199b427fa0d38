import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ErrorBody, TurnCredentials } from '../../../shared/protocol'
import { startTestServer, type TestServer } from '../../testing/harness'

describe('GET /v1/turn', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer({
      turnSecret: 'coturn-shared-secret',
      turnUrls: ['turn:127.0.0.1:3478?transport=udp', 'turns:127.0.0.1:5349'],
      turnTtlSeconds: 600,
    })
  })
  afterAll(() => server.dispose())

  it('issues TURN REST credentials: expiry:user, HMAC-SHA1 under the shared secret', async () => {
    const account = await server.api.signUp()
    const before = Math.floor(Date.now() / 1000)
    const reply = await server.api.request<TurnCredentials>('GET', '/v1/turn', {
      token: account.token,
    })
    expect(reply.status).toBe(200)
    const { username, credential, urls, ttlSeconds, expiresAt } = reply.body
    const [expiry, user] = username.split(':')
    expect(user).toBe(account.accountId)
    expect(Number(expiry)).toBeGreaterThanOrEqual(before + 600)
    expect(expiresAt).toBe(Number(expiry) * 1000)
    expect(credential).toBe(
      createHmac('sha1', 'coturn-shared-secret').update(username).digest('base64'),
    )
    expect(urls).toEqual(['turn:127.0.0.1:3478?transport=udp', 'turns:127.0.0.1:5349'])
    expect(ttlSeconds).toBe(600)
  })

  it('needs a session', async () => {
    expect((await server.api.request('GET', '/v1/turn')).status).toBe(401)
  })
})

describe('GET /v1/turn without a TURN secret', () => {
  it('answers 503 unavailable', async () => {
    const server = await startTestServer()
    try {
      const account = await server.api.signUp()
      const reply = await server.api.request<ErrorBody>('GET', '/v1/turn', { token: account.token })
      expect(reply.status).toBe(503)
      expect(reply.body.error).toBe('unavailable')
    } finally {
      await server.dispose()
    }
  })
})
