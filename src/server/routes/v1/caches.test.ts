// Sessions and stream policies are cached in memory for the hot paths; what changes them must
// take effect the moment the change is answered, cached or not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  accountDeletePayload,
  CLOSE_CODES,
  streamCreatePayload,
  type ErrorBody,
  type StreamPolicy,
} from '../../../shared/protocol'
import type { SignedIn, TestStream } from '../../testing/api'
import { startTestServer, type TestServer } from '../../testing/harness'
import { newKeyPair, randomB64 } from '../../testing/keys'
import { LiveClient } from '../../testing/live-client'

let server: TestServer
let alice: SignedIn
beforeAll(async () => {
  server = await startTestServer()
  alice = await server.api.signUp()
})
afterAll(() => server.dispose())

/** A request that needs nothing but a session: 200 while it lives, 401 after. */
const probe = (token: string) => server.api.request('GET', '/v1/turn', { token })

describe('cached sessions', () => {
  it('refuses a logged-out token at once, over HTTP and for a new socket, though it was cached', async () => {
    const session = await server.api.login({ ...alice })
    const stream = await server.api.createStream(session.token)
    // Warm the cache: several requests with the token.
    for (let i = 0; i < 3; i++) expect((await probe(session.token)).status).not.toBe(401)

    expect(
      (await server.api.request('POST', '/v1/auth/logout', { token: session.token })).status,
    ).toBe(200)
    const refused = await server.api.post(session.token, stream, server.api.shardRequest(stream))
    expect(refused.status).toBe(401)
    expect((refused.body as unknown as ErrorBody).error).toBe('unauthorized')
    expect((await probe(session.token)).status).toBe(401)
    const socket = await LiveClient.open(server.url)
    socket.send({ type: 'auth', token: session.token })
    expect((await socket.closed).code).toBe(CLOSE_CODES.unauthorized)
    // Another session of the same account is untouched.
    expect((await probe(alice.token)).status).not.toBe(401)
  })

  it('refuses every cached session of a deleted account at once', async () => {
    const account = await server.api.signUp()
    const other = await server.api.login({ ...account })
    expect((await probe(account.token)).status).not.toBe(401)
    expect((await probe(other.token)).status).not.toBe(401)
    const challenge = await server.api.challenge(account.handle)
    const deleted = await server.api.request('DELETE', '/v1/accounts/me', {
      token: account.token,
      body: {
        challengeId: challenge.challengeId,
        signature: account.loginKey.sign(
          accountDeletePayload({ handle: account.handle, ...challenge }),
        ),
      },
    })
    expect(deleted.status).toBe(200)
    expect((await probe(account.token)).status).toBe(401)
    expect((await probe(other.token)).status).toBe(401)
  })
})

describe('cached stream policies', () => {
  it('refuses the old post key at once after a rotation, though the policy was cached', async () => {
    const stream = await server.api.createStream(alice.token)
    const oldPostKey = stream.postKey
    // Warm the cache with posts under the old key.
    await server.api.postMany(alice.token, stream, 3)

    expect((await server.api.rotate(alice.token, stream)).status).toBe(200)
    const old = await server.api.post(
      alice.token,
      stream,
      server.api.shardRequest(stream, { key: oldPostKey }),
    )
    expect(old.status).toBe(403)
    expect((old.body as unknown as ErrorBody).error).toBe('invalid_signature')
    // The new key posts right away; nothing of the refused post was stored.
    const fresh = await server.api.post(alice.token, stream, server.api.shardRequest(stream))
    expect(fresh.status).toBe(201)
    expect(fresh.body.seq).toBe(4)
  })

  it('does not remember a stream that was not there: once created, it takes posts', async () => {
    const stream: TestStream = {
      id: randomB64(16),
      keyVersion: 1,
      postKey: newKeyPair(),
      readKey: newKeyPair(),
      adminKey: newKeyPair(),
    }
    const early = await server.api.post(alice.token, stream, server.api.shardRequest(stream))
    expect(early.status).toBe(404)
    const policy: StreamPolicy = {
      postKey: stream.postKey.publicKey,
      readKey: stream.readKey.publicKey,
      adminKey: stream.adminKey.publicKey,
      permanent: false,
      maxBurnSeconds: 3600,
    }
    const created = await server.api.request('POST', '/v1/streams', {
      token: alice.token,
      body: {
        id: stream.id,
        policy,
        signature: stream.adminKey.sign(streamCreatePayload({ id: stream.id, policy })),
      },
    })
    expect(created.status).toBe(201)
    const later = await server.api.post(alice.token, stream, server.api.shardRequest(stream))
    expect(later.status).toBe(201)
  })
})
