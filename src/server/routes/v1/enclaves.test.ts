import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  enclaveDeletePayload,
  enclaveWritePayload,
  type Enclave,
  type EnclaveKind,
  type ErrorBody,
} from '../../../shared/protocol'
import { registerBody, type SignedIn } from '../../testing/api'
import { startTestServer, type TestServer } from '../../testing/harness'
import { newKeyPair, randomB64, type TestKeyPair } from '../../testing/keys'

let server: TestServer
let alice: SignedIn
let bob: SignedIn
beforeAll(async () => {
  server = await startTestServer()
  alice = await server.api.signUp()
  bob = await server.api.signUp()
})
afterAll(() => server.dispose())

function createBody(
  owner: TestKeyPair,
  options: { id?: string; kind?: EnclaveKind; expiresAt?: number | null; body?: string } = {},
) {
  const id = options.id ?? randomB64(16)
  const kind = options.kind ?? 'identity'
  const expiresAt = options.expiresAt ?? null
  const body = options.body ?? randomB64(40)
  const payload = enclaveWritePayload({
    id,
    kind,
    version: 1,
    ownerKey: owner.publicKey,
    expiresAt,
    body,
  })
  return { id, kind, ownerKey: owner.publicKey, body, expiresAt, signature: owner.sign(payload) }
}

function updateBody(
  enclave: { id: string; kind: EnclaveKind },
  signer: TestKeyPair,
  version: number,
  options: { ownerKey?: string; body?: string; expiresAt?: number | null } = {},
) {
  const ownerKey = options.ownerKey ?? signer.publicKey
  const body = options.body ?? randomB64(40)
  const expiresAt = options.expiresAt ?? null
  const payload = enclaveWritePayload({
    id: enclave.id,
    kind: enclave.kind,
    version,
    ownerKey,
    expiresAt,
    body,
  })
  return { version, ownerKey, body, expiresAt, signature: signer.sign(payload) }
}

async function create(owner: TestKeyPair, options: Parameters<typeof createBody>[1] = {}) {
  const body = createBody(owner, options)
  const reply = await server.api.request<Enclave>('POST', '/v1/enclaves', {
    token: alice.token,
    body,
  })
  expect(reply.status).toBe(201)
  return reply.body
}

describe('names', () => {
  it('keeps handle-sized ids for vaults: no enclave squats a name or tells if it is taken', async () => {
    const owner = newKeyPair()
    for (const kind of ['identity', 'invite'] as const) {
      // A name with an account and a name without one get the same refusal.
      for (const id of [alice.handle, randomB64(32)]) {
        const reply = await server.api.request<ErrorBody>('POST', '/v1/enclaves', {
          token: bob.token,
          body: createBody(owner, { id, kind }),
        })
        expect(reply.status).toBe(400)
        expect(reply.body.error).toBe('bad_request')
      }
    }
    // So a free name stays free to register.
    const name = randomB64(32)
    await server.api.request('POST', '/v1/enclaves', {
      token: bob.token,
      body: createBody(owner, { id: name }),
    })
    const registered = await server.api.request('POST', '/v1/accounts', {
      body: registerBody(name, newKeyPair(), randomB64(48)),
    })
    expect(registered.status).toBe(201)
    // Other sizes are open to identities and invites, as before.
    for (const bytes of [16, 24, 48]) {
      const created = await server.api.request('POST', '/v1/enclaves', {
        token: bob.token,
        body: createBody(owner, { id: randomB64(bytes) }),
      })
      expect(created.status).toBe(201)
    }
  })
})

describe('POST /v1/enclaves', () => {
  it('creates identity and invite enclaves at version 1', async () => {
    const owner = newKeyPair()
    const identity = createBody(owner)
    const reply = await server.api.request<Enclave>('POST', '/v1/enclaves', {
      token: alice.token,
      body: identity,
    })
    expect(reply.status).toBe(201)
    expect(reply.body).toMatchObject({ ...identity, version: 1 })
    const invite = await create(owner, { kind: 'invite', expiresAt: Date.now() + 60_000 })
    expect(invite.kind).toBe('invite')
  })

  it('refuses vaults, duplicates, foreign signatures and a past expiry', async () => {
    const owner = newKeyPair()
    const vault = await server.api.request<ErrorBody>('POST', '/v1/enclaves', {
      token: alice.token,
      body: createBody(owner, { kind: 'vault' }),
    })
    expect(vault.status).toBe(400)

    const first = await create(owner)
    const again = await server.api.request<ErrorBody>('POST', '/v1/enclaves', {
      token: alice.token,
      body: createBody(owner, { id: first.id }),
    })
    expect(again.status).toBe(409)
    expect(again.body.error).toBe('already_exists')

    const forged = { ...createBody(owner), ownerKey: newKeyPair().publicKey }
    const bad = await server.api.request<ErrorBody>('POST', '/v1/enclaves', {
      token: alice.token,
      body: forged,
    })
    expect(bad.status).toBe(403)
    expect(bad.body.error).toBe('invalid_signature')
    expect(
      (await server.api.request('GET', `/v1/enclaves/${forged.id}`, { token: alice.token })).status,
    ).toBe(404)

    const past = await server.api.request('POST', '/v1/enclaves', {
      token: alice.token,
      body: createBody(owner, { kind: 'invite', expiresAt: Date.now() - 1000 }),
    })
    expect(past.status).toBe(400)
  })

  it('needs a session', async () => {
    const reply = await server.api.request('POST', '/v1/enclaves', {
      body: createBody(newKeyPair()),
    })
    expect(reply.status).toBe(401)
  })
})

describe('GET /v1/enclaves/:id', () => {
  it('shows identities and invites to any session, a vault only to its own account', async () => {
    const identity = await create(newKeyPair())
    const read = await server.api.request<Enclave>('GET', `/v1/enclaves/${identity.id}`, {
      token: bob.token,
    })
    expect(read.status).toBe(200)
    expect(read.body).toEqual(identity)

    const own = await server.api.request<Enclave>('GET', `/v1/enclaves/${alice.handle}`, {
      token: alice.token,
    })
    expect(own.status).toBe(200)
    expect(own.body.kind).toBe('vault')
    const foreign = await server.api.request<ErrorBody>('GET', `/v1/enclaves/${alice.handle}`, {
      token: bob.token,
    })
    const missing = await server.api.request<ErrorBody>('GET', `/v1/enclaves/${randomB64(32)}`, {
      token: bob.token,
    })
    expect(foreign.status).toBe(404)
    expect(foreign.body).toEqual(missing.body)
  })
})

describe('expiry', () => {
  it('serves an invite until its expiresAt and answers 404 after', async () => {
    const expiresAt = Date.now() + 400
    const invite = await create(newKeyPair(), { kind: 'invite', expiresAt })
    const before = await server.api.request('GET', `/v1/enclaves/${invite.id}`, {
      token: bob.token,
    })
    expect(before.status).toBe(200)
    while (Date.now() <= expiresAt)
      await new Promise((r) => setTimeout(r, expiresAt - Date.now() + 1))
    const after = await server.api.request('GET', `/v1/enclaves/${invite.id}`, { token: bob.token })
    expect(after.status).toBe(404)
  })
})

describe('PUT /v1/enclaves/:id', () => {
  it('updates with the next version signed by the current owner, and may hand ownership on', async () => {
    const owner = newKeyPair()
    const next = newKeyPair()
    const enclave = await create(owner)
    const update = updateBody(enclave, owner, 2, { ownerKey: next.publicKey })
    const reply = await server.api.request<Enclave>('PUT', `/v1/enclaves/${enclave.id}`, {
      token: bob.token,
      body: update,
    })
    expect(reply.status).toBe(200)
    expect(reply.body).toMatchObject({ version: 2, ownerKey: next.publicKey, body: update.body })
    // The old owner may no longer write; the new one may.
    const stale = await server.api.request('PUT', `/v1/enclaves/${enclave.id}`, {
      token: bob.token,
      body: updateBody(enclave, owner, 3),
    })
    expect(stale.status).toBe(403)
    const third = await server.api.request('PUT', `/v1/enclaves/${enclave.id}`, {
      token: bob.token,
      body: updateBody(enclave, next, 3),
    })
    expect(third.status).toBe(200)
  })

  it('refuses an update signed by someone other than the owner, and keeps the enclave', async () => {
    const enclave = await create(newKeyPair())
    const reply = await server.api.request<ErrorBody>('PUT', `/v1/enclaves/${enclave.id}`, {
      token: bob.token,
      body: updateBody(enclave, newKeyPair(), 2),
    })
    expect(reply.status).toBe(403)
    expect(reply.body.error).toBe('invalid_signature')
    const read = await server.api.request<Enclave>('GET', `/v1/enclaves/${enclave.id}`, {
      token: bob.token,
    })
    expect(read.body).toEqual(enclave)
  })

  it('refuses a version other than current + 1 with 409 and the current version', async () => {
    const owner = newKeyPair()
    const enclave = await create(owner)
    for (const version of [3, 7]) {
      const reply = await server.api.request<ErrorBody>('PUT', `/v1/enclaves/${enclave.id}`, {
        token: alice.token,
        body: updateBody(enclave, owner, version),
      })
      expect(reply.status).toBe(409)
      expect(reply.body).toMatchObject({ error: 'version_conflict', currentVersion: 1 })
    }
  })

  it('accepts exactly one of 20 concurrent updates at the same version', async () => {
    const owner = newKeyPair()
    const enclave = await create(owner)
    const updates = Array.from({ length: 20 }, () => updateBody(enclave, owner, 2))
    const replies = await Promise.all(
      updates.map((body) =>
        server.api.request<Enclave & ErrorBody>('PUT', `/v1/enclaves/${enclave.id}`, {
          token: alice.token,
          body,
        }),
      ),
    )
    const accepted = replies.filter((r) => r.status === 200)
    const refused = replies.filter((r) => r.status === 409)
    expect(accepted).toHaveLength(1)
    expect(refused).toHaveLength(19)
    for (const r of refused)
      expect(r.body).toMatchObject({ error: 'version_conflict', currentVersion: 2 })
    const final = await server.api.request<Enclave>('GET', `/v1/enclaves/${enclave.id}`, {
      token: bob.token,
    })
    expect(final.body.version).toBe(2)
    expect(final.body.body).toBe(accepted[0]!.body.body)
  })

  it("writes a vault only for its own account, and never moves a vault's owner", async () => {
    const vault = { id: alice.handle, kind: 'vault' as const }
    const foreign = await server.api.request('PUT', `/v1/enclaves/${alice.handle}`, {
      token: bob.token,
      body: updateBody(vault, alice.loginKey, 2),
    })
    expect(foreign.status).toBe(404)
    const moved = await server.api.request('PUT', `/v1/enclaves/${alice.handle}`, {
      token: alice.token,
      body: updateBody(vault, alice.loginKey, 2, { ownerKey: newKeyPair().publicKey }),
    })
    expect(moved.status).toBe(400)
    const update = updateBody(vault, alice.loginKey, 2)
    const own = await server.api.request<Enclave>('PUT', `/v1/enclaves/${alice.handle}`, {
      token: alice.token,
      body: update,
    })
    expect(own.status).toBe(200)
    expect(own.body.body).toBe(update.body)
  })
})

describe('DELETE /v1/enclaves/:id', () => {
  it('deletes at the current version with the owner signature', async () => {
    const owner = newKeyPair()
    const enclave = await create(owner)
    const forged = await server.api.request('DELETE', `/v1/enclaves/${enclave.id}`, {
      token: bob.token,
      body: {
        version: 1,
        signature: newKeyPair().sign(enclaveDeletePayload({ id: enclave.id, version: 1 })),
      },
    })
    expect(forged.status).toBe(403)
    const stale = await server.api.request<ErrorBody>('DELETE', `/v1/enclaves/${enclave.id}`, {
      token: bob.token,
      body: {
        version: 2,
        signature: owner.sign(enclaveDeletePayload({ id: enclave.id, version: 2 })),
      },
    })
    expect(stale.status).toBe(409)
    expect(stale.body.currentVersion).toBe(1)
    const reply = await server.api.request('DELETE', `/v1/enclaves/${enclave.id}`, {
      token: bob.token,
      body: {
        version: 1,
        signature: owner.sign(enclaveDeletePayload({ id: enclave.id, version: 1 })),
      },
    })
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({ ok: true })
    expect(
      (await server.api.request('GET', `/v1/enclaves/${enclave.id}`, { token: bob.token })).status,
    ).toBe(404)
  })

  it('never deletes a vault this way', async () => {
    const payload = enclaveDeletePayload({ id: alice.handle, version: 1 })
    const own = await server.api.request<ErrorBody>('DELETE', `/v1/enclaves/${alice.handle}`, {
      token: alice.token,
      body: { version: 1, signature: alice.loginKey.sign(payload) },
    })
    expect(own.status).toBe(403)
    expect(own.body.error).toBe('forbidden')
    expect(
      (await server.api.request('GET', `/v1/enclaves/${alice.handle}`, { token: alice.token }))
        .status,
    ).toBe(200)
  })
})
