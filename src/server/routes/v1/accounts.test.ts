import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DEFAULT_KDF,
  accountDeletePayload,
  enclaveWritePayload,
  loginPayload,
  passwordChangePayload,
  type Enclave,
  type ErrorBody,
  type SaltResponse,
} from '../../../shared/protocol'
import { registerBody, type SignedIn } from '../../testing/api'
import { startTestServer, type TestServer } from '../../testing/harness'
import { newKeyPair, randomB64, type TestKeyPair } from '../../testing/keys'
import { LiveClient } from '../../testing/live-client'

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(() => server.dispose())

describe('GET /v1/accounts/salt', () => {
  it("returns a registered account's own salt and KDF parameters", async () => {
    const handle = randomB64(32)
    const body = registerBody(handle, newKeyPair(), randomB64(40))
    body.kdf = { alg: 'argon2id13', opsLimit: 4, memLimit: 128 * 1024 * 1024 }
    expect((await server.api.request('POST', '/v1/accounts', { body })).status).toBe(201)
    const reply = await server.api.request<SaltResponse>(
      'GET',
      `/v1/accounts/salt?handle=${handle}`,
    )
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({ salt: body.salt, kdf: body.kdf })
  })

  it('answers an unknown handle with a stable fake salt shaped like a real default account', async () => {
    const unknown = randomB64(32)
    const first = await server.api.request<SaltResponse>(
      'GET',
      `/v1/accounts/salt?handle=${unknown}`,
    )
    const again = await server.api.request<SaltResponse>(
      'GET',
      `/v1/accounts/salt?handle=${unknown}`,
    )
    const other = await server.api.request<SaltResponse>(
      'GET',
      `/v1/accounts/salt?handle=${randomB64(32)}`,
    )
    const real = await server.api.register()
    const realReply = await server.api.request<SaltResponse>(
      'GET',
      `/v1/accounts/salt?handle=${real.handle}`,
    )
    expect(first.status).toBe(200)
    expect(again.body).toEqual(first.body)
    expect(other.body.salt).not.toBe(first.body.salt)
    expect(first.body.kdf).toEqual(DEFAULT_KDF)
    expect(Object.keys(first.body).sort()).toEqual(Object.keys(realReply.body).sort())
    expect(first.body.salt).toHaveLength(realReply.body.salt.length)
  })

  it('refuses a malformed handle with 400', async () => {
    const reply = await server.api.request<ErrorBody>('GET', '/v1/accounts/salt?handle=short')
    expect(reply.status).toBe(400)
    expect(reply.body.error).toBe('bad_request')
  })
})

describe('POST /v1/accounts', () => {
  it('registers and returns a random account id', async () => {
    const body = registerBody(randomB64(32), newKeyPair(), randomB64(40))
    const reply = await server.api.request<{ accountId: string }>('POST', '/v1/accounts', { body })
    expect(reply.status).toBe(201)
    expect(reply.body.accountId).toMatch(/^[A-Za-z0-9_-]{22}$/)
  })

  it('refuses a taken handle with 409 and keeps the first account', async () => {
    const account = await server.api.register()
    const body = registerBody(account.handle, newKeyPair(), randomB64(40))
    const reply = await server.api.request<ErrorBody>('POST', '/v1/accounts', { body })
    expect(reply.status).toBe(409)
    expect(reply.body.error).toBe('already_exists')
    await expect(server.api.login(account)).resolves.toMatchObject({ accountId: account.accountId })
  })

  it('refuses a vault not signed by the login key, and stores nothing', async () => {
    const handle = randomB64(32)
    const body = registerBody(handle, newKeyPair(), randomB64(40))
    body.loginPublicKey = newKeyPair().publicKey
    const reply = await server.api.request<ErrorBody>('POST', '/v1/accounts', { body })
    expect(reply.status).toBe(403)
    expect(reply.body.error).toBe('invalid_signature')
    const salt = await server.api.request<SaltResponse>('GET', `/v1/accounts/salt?handle=${handle}`)
    expect(salt.body.salt).not.toBe(body.salt)
  })

  it('refuses a salt that is not canonical base64url with 400', async () => {
    const body = registerBody(randomB64(32), newKeyPair(), randomB64(40))
    body.salt = 'AAAAAAAAAAAAAAAAAAAAAB' // 22 chars with non-zero trailing bits
    const reply = await server.api.request<ErrorBody>('POST', '/v1/accounts', { body })
    expect(reply.status).toBe(400)
    expect(reply.body.error).toBe('bad_request')
  })
})

/** A password-change request moving `account` to `newKey` at `version`. */
function passwordChange(
  account: SignedIn,
  oldKey: TestKeyPair,
  newKey: TestKeyPair,
  version: number,
) {
  const body = randomB64(64)
  const vaultWrite = enclaveWritePayload({
    id: account.handle,
    kind: 'vault',
    version,
    ownerKey: newKey.publicKey,
    expiresAt: null,
    body,
  })
  const proof = passwordChangePayload({
    handle: account.handle,
    loginPublicKey: newKey.publicKey,
    version,
  })
  return {
    loginPublicKey: newKey.publicKey,
    salt: randomB64(16),
    kdf: { ...DEFAULT_KDF },
    vault: { version, body, signature: oldKey.sign(vaultWrite) },
    proof: newKey.sign(proof),
  }
}

describe('POST /v1/accounts/me/password', () => {
  it('swaps the login key: the old key stops working, the new one works, other sessions end', async () => {
    const account = await server.api.signUp()
    const otherSession = (await server.api.login({ ...account })).token
    const live = await LiveClient.signedIn(server.url, otherSession)
    const oldKey = account.loginKey
    const newKey = newKeyPair()
    const change = passwordChange(account, oldKey, newKey, 2)

    const reply = await server.api.request('POST', '/v1/accounts/me/password', {
      token: account.token,
      body: change,
    })
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({ ok: true })

    // The other session is gone, over HTTP and on its socket; this one stays.
    expect((await server.api.request('GET', '/v1/turn', { token: otherSession })).status).toBe(401)
    expect((await live.closed).code).toBe(4001)
    const vault = await server.api.request<Enclave>('GET', `/v1/enclaves/${account.handle}`, {
      token: account.token,
    })
    expect(vault.body).toMatchObject({
      version: 2,
      ownerKey: newKey.publicKey,
      body: change.vault.body,
    })
    // The salt moved with the key.
    const salt = await server.api.request<SaltResponse>(
      'GET',
      `/v1/accounts/salt?handle=${account.handle}`,
    )
    expect(salt.body.salt).toBe(change.salt)

    // Old key refused, new key accepted.
    const challenge = await server.api.challenge(account.handle)
    const oldLogin = await server.api.request<ErrorBody>('POST', '/v1/auth/login', {
      body: {
        handle: account.handle,
        challengeId: challenge.challengeId,
        signature: oldKey.sign(loginPayload({ handle: account.handle, ...challenge })),
      },
    })
    expect(oldLogin.status).toBe(401)
    expect(oldLogin.body.error).toBe('invalid_credentials')
    account.loginKey = newKey
    const relogin = await server.api.login(account)
    expect(relogin.login.vault.version).toBe(2)
  })

  it('refuses a stale vault version with 409 and the current version, changing nothing', async () => {
    const account = await server.api.signUp()
    const firstKey = newKeyPair()
    const first = passwordChange(account, account.loginKey, firstKey, 2)
    const accepted = await server.api.request('POST', '/v1/accounts/me/password', {
      token: account.token,
      body: first,
    })
    expect(accepted.status).toBe(200)
    // Signed by the right (current) key, but written against version 1.
    const conflict = await server.api.request<ErrorBody>('POST', '/v1/accounts/me/password', {
      token: account.token,
      body: passwordChange(account, firstKey, newKeyPair(), 2),
    })
    expect(conflict.status).toBe(409)
    expect(conflict.body).toMatchObject({ error: 'version_conflict', currentVersion: 2 })
    const vault = await server.api.request<Enclave>('GET', `/v1/enclaves/${account.handle}`, {
      token: account.token,
    })
    expect(vault.body).toMatchObject({
      version: 2,
      ownerKey: firstKey.publicKey,
      body: first.vault.body,
    })
  })

  it('refuses a vault signed by a key other than the current login key', async () => {
    const account = await server.api.signUp()
    const intruder = newKeyPair()
    const reply = await server.api.request<ErrorBody>('POST', '/v1/accounts/me/password', {
      token: account.token,
      body: passwordChange(account, intruder, intruder, 2),
    })
    expect(reply.status).toBe(403)
    expect(reply.body.error).toBe('invalid_signature')
    await expect(server.api.login(account)).resolves.toBeTruthy()
  })

  it('needs a session', async () => {
    const account = await server.api.signUp()
    const reply = await server.api.request<ErrorBody>('POST', '/v1/accounts/me/password', {
      body: passwordChange(account, account.loginKey, newKeyPair(), 2),
    })
    expect(reply.status).toBe(401)
    expect(reply.body.error).toBe('unauthorized')
  })
})

describe('DELETE /v1/accounts/me', () => {
  async function deleteRequest(account: SignedIn, key = account.loginKey) {
    const challenge = await server.api.challenge(account.handle)
    return {
      challengeId: challenge.challengeId,
      signature: key.sign(accountDeletePayload({ handle: account.handle, ...challenge })),
    }
  }

  it('deletes the account, its vault and its sessions; its sockets close', async () => {
    const account = await server.api.signUp()
    const live = await LiveClient.signedIn(server.url, account.token)
    const reply = await server.api.request('DELETE', '/v1/accounts/me', {
      token: account.token,
      body: await deleteRequest(account),
    })
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({ ok: true })
    expect((await live.closed).code).toBe(4001)
    expect((await server.api.request('GET', '/v1/turn', { token: account.token })).status).toBe(401)
    // The handle is unknown again: a fake salt, and a fresh registration may take it.
    const fresh = registerBody(account.handle, newKeyPair(), randomB64(40))
    expect((await server.api.request('POST', '/v1/accounts', { body: fresh })).status).toBe(201)
  })

  it('refuses a signature by another key, a reused challenge, or a challenge for another handle', async () => {
    const account = await server.api.signUp()
    const other = await server.api.signUp()
    const forged = await server.api.request<ErrorBody>('DELETE', '/v1/accounts/me', {
      token: account.token,
      body: await deleteRequest(account, newKeyPair()),
    })
    expect(forged.status).toBe(401)
    expect(forged.body.error).toBe('invalid_credentials')

    const valid = await deleteRequest(account)
    const otherHandle = await deleteRequest(other, account.loginKey)
    const wrongHandle = await server.api.request('DELETE', '/v1/accounts/me', {
      token: account.token,
      body: otherHandle,
    })
    expect(wrongHandle.status).toBe(401)
    // The first answer to a challenge takes it; the deletion itself succeeds once.
    expect(
      (await server.api.request('DELETE', '/v1/accounts/me', { token: account.token, body: valid }))
        .status,
    ).toBe(200)
    expect(
      (await server.api.request('DELETE', '/v1/accounts/me', { token: account.token, body: valid }))
        .status,
    ).toBe(401)
    await expect(server.api.login(other)).resolves.toBeTruthy()
  })

  it('leaves the account intact when the challenge was already used by a failed attempt', async () => {
    const account = await server.api.signUp()
    const request = await deleteRequest(account)
    const tampered = { ...request, signature: newKeyPair().sign(new Uint8Array(8)) }
    expect(
      (
        await server.api.request('DELETE', '/v1/accounts/me', {
          token: account.token,
          body: tampered,
        })
      ).status,
    ).toBe(401)
    const replay = await server.api.request<ErrorBody>('DELETE', '/v1/accounts/me', {
      token: account.token,
      body: request,
    })
    expect(replay.status).toBe(401)
    await expect(server.api.login(account)).resolves.toBeTruthy()
  })
})
