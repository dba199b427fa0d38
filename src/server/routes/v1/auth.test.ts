import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  LIMITS,
  loginPayload,
  type ChallengeResponse,
  type ErrorBody,
  type LoginResponse,
} from '../../../shared/protocol'
import { startTestServer, type TestServer } from '../../testing/harness'
import { newKeyPair, randomB64 } from '../../testing/keys'
import { LiveClient } from '../../testing/live-client'

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(() => server.dispose())

describe('POST /v1/auth/challenge', () => {
  it('issues a fresh challenge for known and unknown handles alike', async () => {
    const known = await server.api.register()
    const before = Date.now()
    const a = await server.api.request<ChallengeResponse>('POST', '/v1/auth/challenge', {
      body: { handle: known.handle },
    })
    const b = await server.api.request<ChallengeResponse>('POST', '/v1/auth/challenge', {
      body: { handle: randomB64(32) },
    })
    expect(a.status).toBe(200)
    expect(b.status).toBe(200)
    expect(Object.keys(a.body).sort()).toEqual(Object.keys(b.body).sort())
    expect(a.body.challengeId).not.toBe(b.body.challengeId)
    expect(a.body.nonce).toHaveLength(43)
    expect(a.body.expiresAt).toBeGreaterThanOrEqual(before + LIMITS.challengeTtlMs)
  })
})

describe('POST /v1/auth/login', () => {
  it('returns a session token and the vault for a valid signature', async () => {
    const account = await server.api.register('dmF1bHQtY2lwaGVydGV4dA')
    const signedIn = await server.api.login(account)
    expect(signedIn.login.accountId).toBe(account.accountId)
    expect(signedIn.login.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(signedIn.login.expiresAt).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000)
    expect(signedIn.login.vault).toMatchObject({
      id: account.handle,
      kind: 'vault',
      version: 1,
      ownerKey: account.loginKey.publicKey,
      body: 'dmF1bHQtY2lwaGVydGV4dA',
      expiresAt: null,
    })
    const turn = await server.api.request('GET', '/v1/turn', { token: signedIn.token })
    expect(turn.status).not.toBe(401)
  })

  it('refuses a replayed login signature: a challenge is answered once', async () => {
    const account = await server.api.register()
    const challenge = await server.api.challenge(account.handle)
    const body = {
      handle: account.handle,
      challengeId: challenge.challengeId,
      signature: account.loginKey.sign(loginPayload({ handle: account.handle, ...challenge })),
    }
    expect((await server.api.request('POST', '/v1/auth/login', { body })).status).toBe(200)
    const replay = await server.api.request<ErrorBody>('POST', '/v1/auth/login', { body })
    expect(replay.status).toBe(401)
    expect(replay.body.error).toBe('invalid_credentials')
  })

  it('refuses a wrong key, an unknown handle and a challenge issued for another handle alike', async () => {
    const account = await server.api.register()
    const attempt = async (handle: string, challengeFor: string, key = account.loginKey) => {
      const challenge = await server.api.challenge(challengeFor)
      return server.api.request<ErrorBody>('POST', '/v1/auth/login', {
        body: {
          handle,
          challengeId: challenge.challengeId,
          signature: key.sign(loginPayload({ handle, ...challenge })),
        },
      })
    }
    const wrongKey = await attempt(account.handle, account.handle, newKeyPair())
    const unknown = await attempt(randomB64(32), randomB64(32))
    const other = await server.api.register()
    const crossed = await attempt(account.handle, other.handle)
    for (const reply of [wrongKey, unknown, crossed]) {
      expect(reply.status).toBe(401)
      expect(reply.body).toEqual({ error: 'invalid_credentials', message: 'login failed' })
    }
  })

  it('refuses an unknown challenge id', async () => {
    const account = await server.api.register()
    const reply = await server.api.request<ErrorBody>('POST', '/v1/auth/login', {
      body: { handle: account.handle, challengeId: randomB64(16), signature: randomB64(64) },
    })
    expect(reply.status).toBe(401)
  })
})

describe('POST /v1/auth/logout', () => {
  it('ends the session at once, over HTTP and on its sockets, and only that session', async () => {
    const account = await server.api.signUp()
    const second = await server.api.login({ ...account })
    const live = await LiveClient.signedIn(server.url, account.token)
    const liveOther = await LiveClient.signedIn(server.url, second.token)

    const reply = await server.api.request('POST', '/v1/auth/logout', { token: account.token })
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({ ok: true })
    expect((await live.closed).code).toBe(4001)
    const after = await server.api.request<ErrorBody>('POST', '/v1/auth/logout', {
      token: account.token,
    })
    expect(after.status).toBe(401)
    expect(after.body.error).toBe('unauthorized')

    const fresh = await LiveClient.open(server.url)
    fresh.send({ type: 'auth', token: account.token })
    expect((await fresh.closed).code).toBe(4001)

    liveOther.send({ type: 'ping', n: 7 })
    expect(await liveOther.next()).toEqual({ type: 'pong', n: 7 })
    liveOther.close()
  })

  it('refuses a missing or malformed token with 401', async () => {
    const none = await server.api.request<ErrorBody>('POST', '/v1/auth/logout')
    const malformed = await server.api.request<ErrorBody>('POST', '/v1/auth/logout', { token: 'x' })
    expect(none.status).toBe(401)
    expect(malformed.status).toBe(401)
    expect(malformed.body.error).toBe('unauthorized')
  })
})

describe('login response', () => {
  it('matches the LoginResponse shape exactly', async () => {
    const account = await server.api.signUp()
    const body: LoginResponse = account.login
    expect(Object.keys(body).sort()).toEqual(['accountId', 'expiresAt', 'token', 'vault'])
    expect(Object.keys(body.vault).sort()).toEqual([
      'body',
      'expiresAt',
      'id',
      'kind',
      'ownerKey',
      'signature',
      'updatedAt',
      'version',
    ])
  })
})

describe('live sessions per account', () => {
  it('ends the oldest session, sockets included, when a login goes over the cap', async () => {
    const capped = await startTestServer({ maxSessionsPerAccount: 3 })
    try {
      const account = await capped.api.register()
      const sessions = []
      for (let i = 0; i < 3; i++) sessions.push((await capped.api.login({ ...account })).token)
      const oldest = await LiveClient.signedIn(capped.url, sessions[0]!)
      const newest = (await capped.api.login({ ...account })).token
      // The oldest session is gone, and its socket is closed as unauthorized.
      expect((await oldest.closed).code).toBe(4001)
      const refused = await capped.api.request('POST', '/v1/auth/logout', { token: sessions[0] })
      expect(refused.status).toBe(401)
      for (const token of [...sessions.slice(1), newest]) {
        const turn = await capped.api.request('GET', '/v1/turn', { token })
        expect(turn.status).not.toBe(401)
      }
      // Other accounts are not affected.
      const other = await capped.api.signUp()
      expect((await capped.api.request('GET', '/v1/turn', { token: other.token })).status).not.toBe(
        401,
      )
    } finally {
      await capped.dispose()
    }
  })
})
