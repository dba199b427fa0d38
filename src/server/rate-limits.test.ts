// Who pays for a request: a verified session's account, otherwise the client address. Through
// Fastify's inject, whose remoteAddress stands in for clients at different addresses.
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { loginPayload } from '../shared/protocol'
import type { ServerConfig } from './config'
import { registerBody, type TestAccount } from './testing/api'
import { startTestServer, type TestServer } from './testing/harness'
import { newKeyPair, randomB64 } from './testing/keys'

let server: TestServer | null = null
afterEach(async () => {
  await server?.dispose()
  server = null
})

async function start(config: Partial<ServerConfig>): Promise<TestServer> {
  server = await startTestServer(config)
  return server
}

const NAT = '198.51.100.7'
const ELSEWHERE = '203.0.113.9'

function inject(
  target: TestServer,
  method: 'GET' | 'POST',
  url: string,
  options: { from?: string; token?: string; body?: unknown } = {},
) {
  return target.app.inject({
    method,
    url,
    remoteAddress: options.from ?? NAT,
    headers: options.token === undefined ? {} : { authorization: `Bearer ${options.token}` },
    ...(options.body === undefined ? {} : { payload: options.body as object }),
  })
}

function countRows(target: TestServer, table: string): number {
  const db = new Database(target.dbPath, { readonly: true })
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
  } finally {
    db.close()
  }
}

describe('rate-limit buckets', () => {
  it('gives a Bearer header that names no session no bucket of its own', async () => {
    const target = await start({ rateLimitPerMinute: 30, addressRateLimitPerMinute: 30 })
    const statuses: number[] = []
    for (let i = 0; i < 40; i++) {
      const reply = await inject(target, 'POST', '/v1/auth/challenge', {
        token: randomB64(32),
        body: { handle: randomB64(32) },
      })
      statuses.push(reply.statusCode)
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(30)
    expect(statuses.slice(30)).toEqual(Array(10).fill(429))
    expect(countRows(target, 'challenges')).toBe(30)

    // Registration with a made-up token is refused too; another address is not affected.
    const register = () => registerBody(randomB64(32), newKeyPair(), randomB64(48))
    const withToken = await inject(target, 'POST', '/v1/accounts', {
      token: randomB64(32),
      body: register(),
    })
    expect(withToken.statusCode).toBe(429)
    expect(withToken.json()).toMatchObject({ error: 'rate_limited' })
    const elsewhere = await inject(target, 'POST', '/v1/accounts', {
      from: ELSEWHERE,
      body: register(),
    })
    expect(elsewhere.statusCode).toBe(201)
  })
})

describe('signed-in budgets', () => {
  it("counts a verified session against its account's budget, not its address's", async () => {
    const target = await start({ rateLimitPerMinute: 5, addressRateLimitPerMinute: 200 })
    const account = await target.api.register()
    const first = await target.api.login(account)
    const second = await target.api.login({ ...account })
    // Two sessions of one account share one budget of 5.
    const statuses: number[] = []
    for (const token of [first.token, second.token, first.token, second.token, first.token])
      statuses.push((await inject(target, 'GET', '/v1/turn', { token })).statusCode)
    expect(statuses.every((status) => status !== 429)).toBe(true)
    expect((await inject(target, 'GET', '/v1/turn', { token: second.token })).statusCode).toBe(429)
    // Another account at the same address is not affected.
    const neighbour = await target.api.signUp()
    const other = await inject(target, 'GET', '/v1/turn', { token: neighbour.token })
    expect(other.statusCode).not.toBe(429)
  })
})

describe('login guessing', () => {
  async function failLogin(target: TestServer, handle: string, from: string) {
    const challenge = await inject(target, 'POST', '/v1/auth/challenge', { from, body: { handle } })
    const { challengeId } = challenge.json<{ challengeId: string }>()
    return inject(target, 'POST', '/v1/auth/login', {
      from,
      body: { handle, challengeId, signature: randomB64(64) },
    })
  }

  it('slows failed logins of a handle per address: a guesser never keeps the owner out', async () => {
    const target = await start({ loginFailuresPerHandle: 1, loginBackoffMaxMs: 200 })
    const victim = await target.api.register()
    // One address keeps sending bogus logins for the victim's handle, right as each wait ends:
    // wrong signatures on real challenges, and made-up challenge ids.
    let judged = 0
    let refused = 0
    let stop = false
    const attacker = (async () => {
      while (!stop) {
        const reply = await failLogin(target, victim.handle, NAT)
        if (reply.statusCode === 401) judged++
        else if (reply.statusCode === 429) refused++
        else throw new Error(`unexpected ${reply.statusCode}`)
        const madeUp = await inject(target, 'POST', '/v1/auth/login', {
          body: { handle: victim.handle, challengeId: randomB64(16), signature: randomB64(64) },
        })
        expect([401, 429]).toContain(madeUp.statusCode)
      }
    })()
    try {
      // Meanwhile the owner, at another address, gets in at once, every time.
      for (let i = 0; i < 6; i++) {
        await new Promise((resolve) => setTimeout(resolve, 150))
        const reply = await inject(target, 'POST', '/v1/auth/login', {
          from: ELSEWHERE,
          body: await signedLogin(target, victim),
        })
        expect(reply.statusCode).toBe(200)
      }
    } finally {
      stop = true
      await attacker
    }
    // The attacker was slowed: most of its tries were refused unjudged.
    expect(judged).toBeGreaterThan(1)
    expect(refused).toBeGreaterThan(judged)
  })

  it('judges at most the free failures of concurrent guesses', async () => {
    const target = await start({ loginFailuresPerHandle: 3, loginBackoffMaxMs: 60_000 })
    const victim = await target.api.register()
    const bodies = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const challenge = await inject(target, 'POST', '/v1/auth/challenge', {
          body: { handle: victim.handle },
        })
        const { challengeId } = challenge.json<{ challengeId: string }>()
        return { handle: victim.handle, challengeId, signature: randomB64(64) }
      }),
    )
    const replies = await Promise.all(
      bodies.map((body) => inject(target, 'POST', '/v1/auth/login', { body })),
    )
    const statuses = replies.map((reply) => reply.statusCode).sort()
    expect(statuses).toEqual([...Array<number>(3).fill(401), ...Array<number>(7).fill(429)])
    // Another address is not slowed.
    const owner = await inject(target, 'POST', '/v1/auth/login', {
      from: ELSEWHERE,
      body: await signedLogin(target, victim),
    })
    expect(owner.statusCode).toBe(200)
  })

  it('slows failed logins of a handle across many addresses, briefly', async () => {
    const target = await start({
      loginFailuresPerHandleGlobal: 3,
      loginBackoffMaxMs: 60_000,
    })
    const victim = await target.api.register()
    // Three guessers at three addresses: each failure is judged.
    for (const from of ['192.0.2.1', '192.0.2.2', '192.0.2.3'])
      expect((await failLogin(target, victim.handle, from)).statusCode).toBe(401)
    // The fourth try of this handle, from anywhere, waits a short while; other handles do not.
    const limited = await failLogin(target, victim.handle, '192.0.2.4')
    expect(limited.statusCode).toBe(429)
    expect(limited.json()).toMatchObject({ error: 'rate_limited' })
    expect(Number(limited.headers['retry-after'])).toBe(1)
    const bystander = await target.api.register()
    expect((await target.api.login(bystander)).token).toBeTruthy()
    // Made-up challenge ids, from anywhere, are not judged and do not count.
    await new Promise((resolve) => setTimeout(resolve, 1100))
    for (let i = 0; i < 5; i++) {
      const reply = await inject(target, 'POST', '/v1/auth/login', {
        from: `192.0.2.${20 + i}`,
        body: { handle: victim.handle, challengeId: randomB64(16), signature: randomB64(64) },
      })
      expect(reply.statusCode).toBe(401)
    }
    // The owner gets in once the short wait is over.
    const owner = await target.api.request('POST', '/v1/auth/login', {
      body: await signedLogin(target, victim),
    })
    expect(owner.status).toBe(200)
  })

  it('slows failed logins per address across handles, sparing other addresses', async () => {
    const target = await start({ loginFailuresPerAddress: 3, loginBackoffMaxMs: 60_000 })
    for (let i = 0; i < 3; i++)
      expect((await failLogin(target, randomB64(32), NAT)).statusCode).toBe(401)
    expect((await failLogin(target, randomB64(32), NAT)).statusCode).toBe(429)
    expect((await failLogin(target, randomB64(32), ELSEWHERE)).statusCode).toBe(401)
  })
})

describe('registration', () => {
  it('limits registrations per address', async () => {
    const target = await start({ registrationsPerHour: 2 })
    const register = (from: string) =>
      inject(target, 'POST', '/v1/accounts', {
        from,
        body: registerBody(randomB64(32), newKeyPair(), randomB64(48)),
      })
    expect((await register(NAT)).statusCode).toBe(201)
    expect((await register(NAT)).statusCode).toBe(201)
    const third = await register(NAT)
    expect(third.statusCode).toBe(429)
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(3000)
    expect((await register(ELSEWHERE)).statusCode).toBe(201)
  })
})

/** A valid login request body for `account` (fresh challenge, signed by its login key). */
async function signedLogin(target: TestServer, account: TestAccount) {
  const challenge = await target.api.challenge(account.handle)
  return {
    handle: account.handle,
    challengeId: challenge.challengeId,
    signature: account.loginKey.sign(loginPayload({ handle: account.handle, ...challenge })),
  }
}

describe('client addresses behind a reverse proxy', () => {
  const viaProxy = (target: TestServer, client: string, peer = '10.0.0.1') =>
    target.app.inject({
      method: 'GET',
      url: `/v1/accounts/salt?handle=${randomB64(32)}`,
      remoteAddress: peer,
      headers: { 'x-forwarded-for': client },
    })

  it('counts each client by X-Forwarded-For when the proxy is trusted', async () => {
    const target = await start({ addressRateLimitPerMinute: 2, trustProxy: '10.0.0.1' })
    const statuses = []
    for (const client of ['198.51.100.1', '198.51.100.1', '198.51.100.1', '198.51.100.2'])
      statuses.push((await viaProxy(target, client)).statusCode)
    expect(statuses).toEqual([200, 200, 429, 200])
    // A peer that is not the trusted proxy cannot pick its address with the header.
    const spoofed = []
    for (const client of ['198.51.100.3', '198.51.100.4', '198.51.100.5'])
      spoofed.push((await viaProxy(target, client, '192.0.2.66')).statusCode)
    expect(spoofed).toEqual([200, 200, 429])
  })

  it('ignores X-Forwarded-For unless told to trust a proxy', async () => {
    const target = await start({ addressRateLimitPerMinute: 2 })
    const statuses = []
    for (const client of ['198.51.100.1', '198.51.100.2', '198.51.100.3'])
      statuses.push((await viaProxy(target, client)).statusCode)
    expect(statuses).toEqual([200, 200, 429])
  })
})
