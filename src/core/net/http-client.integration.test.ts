// StoreClient against the real blind store (SQLite in a temporary folder, 127.0.0.1).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../server'
import {
  DEFAULT_KDF,
  accountDeletePayload,
  enclaveDeletePayload,
  enclaveWritePayload,
  passwordChangePayload,
  shardPayload,
} from '../../shared/protocol'
import { ApiError, ServerUnreachableError } from './errors'
import { StoreClient } from './http-client'
import {
  createStream,
  infoRequest,
  logIn,
  newSigningKey,
  newStreamKeys,
  postMany,
  randomB64,
  readProof,
  signUp,
  type TestAccount,
} from './test-fixtures'

let dir: string
let server: RunningServer
let client: StoreClient
let account: TestAccount

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paracord-net-'))
  server = await startServer({
    db: `sqlite:${join(dir, 'store.db')}`,
    port: 0,
    logLevel: 'silent',
    rateLimitPerMinute: 100_000,
  })
  client = new StoreClient({ baseUrl: server.url })
  account = await signUp(client)
})

afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** The error a promise rejects with. */
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: unknown) => e,
  )

describe('accounts and sessions', () => {
  it('answers health checks', async () => {
    await expect(client.health()).resolves.toBeUndefined()
  })

  it('returns the registered salt, and a stable fake one for an unknown handle', async () => {
    const known = await client.getSalt(account.handle)
    expect(known.kdf).toEqual(DEFAULT_KDF)
    const unknown = randomB64(32)
    expect(await client.getSalt(unknown)).toEqual(await client.getSalt(unknown))
  })

  it('refuses a second account on a taken handle with already_exists', async () => {
    const key = newSigningKey()
    const body = randomB64(16)
    const signature = key.sign(
      enclaveWritePayload({
        id: account.handle,
        kind: 'vault',
        version: 1,
        ownerKey: key.publicKey,
        expiresAt: null,
        body,
      }),
    )
    const error = await failure(
      client.register({
        handle: account.handle,
        loginPublicKey: key.publicKey,
        salt: randomB64(16),
        kdf: { ...DEFAULT_KDF },
        vault: { body, signature },
      }),
    )
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'already_exists', status: 409 })
  })

  it('refuses a login signed by the wrong key and keeps the current token', async () => {
    const other = new StoreClient({ baseUrl: server.url })
    const error = await failure(logIn(other, account.handle, newSigningKey()))
    expect(error).toMatchObject({ code: 'invalid_credentials', status: 401 })
    expect(other.token).toBeNull()
  })

  it('logs out: the token is forgotten and no longer accepted', async () => {
    const session = new StoreClient({ baseUrl: server.url })
    const login = await logIn(session, account.handle, account.loginKey)
    expect(session.token).toBe(login.token)
    await session.logout()
    expect(session.token).toBeNull()
    session.setToken(login.token)
    const unknown = { id: randomB64(16), keys: newStreamKeys() }
    expect(
      await failure(session.getStream(unknown.id, infoRequest(unknown, login.accountId))),
    ).toMatchObject({
      code: 'unauthorized',
      status: 401,
    })
  })

  it('changes the password: the new login key works, the old one no longer does', async () => {
    const session = new StoreClient({ baseUrl: server.url })
    const user = await signUp(session)
    const newKey = newSigningKey()
    const body = randomB64(48)
    await session.changePassword({
      loginPublicKey: newKey.publicKey,
      salt: randomB64(16),
      kdf: { ...DEFAULT_KDF },
      vault: {
        version: 2,
        body,
        signature: user.loginKey.sign(
          enclaveWritePayload({
            id: user.handle,
            kind: 'vault',
            version: 2,
            ownerKey: newKey.publicKey,
            expiresAt: null,
            body,
          }),
        ),
      },
      proof: newKey.sign(
        passwordChangePayload({
          handle: user.handle,
          loginPublicKey: newKey.publicKey,
          version: 2,
        }),
      ),
    })
    const fresh = new StoreClient({ baseUrl: server.url })
    expect(await failure(logIn(fresh, user.handle, user.loginKey))).toMatchObject({
      code: 'invalid_credentials',
    })
    const login = await logIn(fresh, user.handle, newKey)
    expect(login.vault).toMatchObject({ version: 2, body, ownerKey: newKey.publicKey })
  })

  it('deletes an account: the session ends and the handle no longer logs in', async () => {
    const session = new StoreClient({ baseUrl: server.url })
    const user = await signUp(session)
    const { challengeId, nonce } = await session.challenge(user.handle)
    const signature = user.loginKey.sign(
      accountDeletePayload({ handle: user.handle, challengeId, nonce }),
    )
    await session.deleteAccount({ challengeId, signature })
    expect(session.token).toBeNull()
    expect(await failure(logIn(session, user.handle, user.loginKey))).toBeInstanceOf(ApiError)
  })

  it('answers unavailable for TURN credentials on a server without a TURN secret', async () => {
    expect(await failure(client.turnCredentials())).toMatchObject({
      code: 'unavailable',
      status: 503,
    })
  })
})

describe('enclaves', () => {
  it('creates, reads, updates by compare-and-swap, and deletes an identity enclave', async () => {
    const owner = newSigningKey()
    const id = randomB64(16)
    const write = (version: number, body: string) =>
      owner.sign(
        enclaveWritePayload({
          id,
          kind: 'identity',
          version,
          ownerKey: owner.publicKey,
          expiresAt: null,
          body,
        }),
      )
    const body1 = randomB64(40)
    const created = await client.createEnclave({
      id,
      kind: 'identity',
      ownerKey: owner.publicKey,
      body: body1,
      expiresAt: null,
      signature: write(1, body1),
    })
    expect(created).toMatchObject({ id, version: 1, body: body1 })
    expect(await client.getEnclave(id)).toEqual(created)

    const body2 = randomB64(40)
    const update = { ownerKey: owner.publicKey, body: body2, expiresAt: null }
    const updated = await client.updateEnclave(id, {
      ...update,
      version: 2,
      signature: write(2, body2),
    })
    expect(updated).toMatchObject({ version: 2, body: body2 })

    // A writer that still believes in version 1 is told the current version; nothing is lost.
    const stale = await failure(
      client.updateEnclave(id, { ...update, version: 2, signature: write(2, body2) }),
    )
    expect(stale).toMatchObject({ code: 'version_conflict', status: 409, currentVersion: 2 })
    expect((await client.getEnclave(id)).body).toBe(body2)

    await client.deleteEnclave(id, {
      version: 2,
      signature: owner.sign(enclaveDeletePayload({ id, version: 2 })),
    })
    expect(await failure(client.getEnclave(id))).toMatchObject({ code: 'not_found', status: 404 })
  })

  it('refuses an enclave whose signature does not verify', async () => {
    const owner = newSigningKey()
    const error = await failure(
      client.createEnclave({
        id: randomB64(16),
        kind: 'identity',
        ownerKey: owner.publicKey,
        body: randomB64(10),
        expiresAt: null,
        signature: newSigningKey().sign(new Uint8Array([1])),
      }),
    )
    expect(error).toMatchObject({ code: 'invalid_signature' })
  })
})

describe('streams and shards', () => {
  it('creates a stream and reads its info', async () => {
    const stream = await createStream(client)
    const info = await client.getStream(stream.id, infoRequest(stream, account.accountId))
    expect(info).toMatchObject({ id: stream.id, keyVersion: 1, headSeq: 0, previousKeys: [] })
    // Without one of its read keys, the stream is not there.
    const outsider = infoRequest(stream, account.accountId, newSigningKey())
    expect(await failure(client.getStream(stream.id, outsider))).toMatchObject({
      code: 'not_found',
      status: 404,
    })
  })

  it('answers a retried post with the first result', async () => {
    const stream = await createStream(client)
    const id = randomB64(16)
    const body = randomB64(30)
    const burnAt = Date.now() + 60_000
    const signature = stream.keys.post.sign(shardPayload({ stream: stream.id, id, burnAt, body }))
    const first = await client.postShard(stream.id, { id, body, burnAt, signature })
    const retry = await client.postShard(stream.id, { id, body, burnAt, signature })
    expect(retry).toEqual(first)
    expect(
      (await client.getStream(stream.id, infoRequest(stream, account.accountId))).headSeq,
    ).toBe(first.seq)
  })

  it('refuses a post signed by a key other than the post key', async () => {
    const stream = await createStream(client)
    const id = randomB64(16)
    const body = randomB64(30)
    const burnAt = Date.now() + 60_000
    const signature = newSigningKey().sign(shardPayload({ stream: stream.id, id, burnAt, body }))
    const error = await failure(client.postShard(stream.id, { id, body, burnAt, signature }))
    expect(error).toMatchObject({ code: 'invalid_signature' })
    expect(
      (await client.getStream(stream.id, infoRequest(stream, account.accountId))).headSeq,
    ).toBe(0)
  })

  it('fetches a stream page by page in seq order', async () => {
    const stream = await createStream(client)
    const posted = await postMany(client, stream, 25)
    const seen: string[] = []
    let after = 0
    for (;;) {
      const proof = readProof(stream, account.accountId)
      const page = await client.fetchShards(stream.id, { after, limit: 10, proof })
      seen.push(...page.shards.map((s) => s.id))
      after = page.shards.at(-1)?.seq ?? after
      if (!page.more) break
    }
    expect(seen).toEqual(posted.map((p) => p.id))
  })

  it('refuses a fetch with a read proof by the wrong key', async () => {
    const stream = await createStream(client)
    const forged = readProof(
      { ...stream, keys: { ...stream.keys, read: newSigningKey() } },
      account.accountId,
    )
    const error = await failure(
      client.fetchShards(stream.id, { after: 0, limit: 10, proof: forged }),
    )
    expect(error).toMatchObject({ code: 'invalid_signature' })
  })
})

describe('a server that went away', () => {
  it('reports ServerUnreachableError once the server has stopped', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'paracord-net-'))
    const stopped = await startServer({
      db: `sqlite:${join(scratch, 's.db')}`,
      port: 0,
      logLevel: 'silent',
    })
    const gone = new StoreClient({ baseUrl: stopped.url })
    await gone.health()
    await stopped.close()
    rmSync(scratch, { recursive: true, force: true })
    const error = await failure(gone.health())
    expect(error).toBeInstanceOf(ServerUnreachableError)
    expect(error).toMatchObject({ reason: 'refused' })
  })
})

describe('a server that asks to slow down', () => {
  it('tells how long it asked to wait (Retry-After) with rate_limited', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'paracord-net-'))
    const strict = await startServer({
      db: `sqlite:${join(scratch, 's.db')}`,
      port: 0,
      logLevel: 'silent',
      rateLimitPerMinute: 3,
    })
    try {
      const limited = new StoreClient({ baseUrl: strict.url })
      await signUp(limited)
      // Signed in, 3 calls a minute: this server has no relay, so the first 3 are unavailable.
      const errors: unknown[] = []
      for (let i = 0; i < 4; i++) errors.push(await failure(limited.turnCredentials()))
      expect(errors.slice(0, 3)).toMatchObject(Array(3).fill({ code: 'unavailable' }))
      const error = errors[3]
      expect(error).toBeInstanceOf(ApiError)
      expect(error).toMatchObject({ code: 'rate_limited', status: 429 })
      const wait = (error as ApiError).retryAfterMs
      expect(wait).toBeGreaterThan(0)
      expect(wait).toBeLessThanOrEqual(60_000)
    } finally {
      await strict.close()
      rmSync(scratch, { recursive: true, force: true })
    }
  })
})
