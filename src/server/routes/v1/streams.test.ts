import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromBase64Url } from '../../../shared/encoding'
import {
  LIMITS,
  streamCreatePayload,
  type ErrorBody,
  type StreamPolicy,
} from '../../../shared/protocol'
import { readProof, type SignedIn } from '../../testing/api'
import { startTestServer, type TestServer } from '../../testing/harness'
import { newKeyPair, randomB64 } from '../../testing/keys'
import { LiveClient } from '../../testing/live-client'

let server: TestServer
let alice: SignedIn
let bob: SignedIn
beforeAll(async () => {
  server = await startTestServer()
  alice = await server.api.signUp()
  bob = await server.api.signUp()
})
afterAll(() => server.dispose())

describe('POST /v1/streams and POST /v1/streams/:id/info', () => {
  it('creates a stream signed by its admin key and shows its policy to a read-key holder', async () => {
    const stream = await server.api.createStream(alice.token, {
      permanent: true,
      maxBurnSeconds: 60,
    })
    const reply = await server.api.streamInfo(bob, stream)
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({
      id: stream.id,
      policy: {
        postKey: stream.postKey.publicKey,
        readKey: stream.readKey.publicKey,
        adminKey: stream.adminKey.publicKey,
        permanent: true,
        maxBurnSeconds: 60,
      },
      keyVersion: 1,
      headSeq: 0,
      previousKeys: [],
    })
  })

  it('shows a non-member nothing, and an unknown stream exactly like a forbidden one', async () => {
    const stream = await server.api.createStream(alice.token, { permanent: true })
    await server.api.postMany(alice.token, stream, 2)
    // The old route, open to any session, is gone.
    const open = await server.api.request('GET', `/v1/streams/${stream.id}`, { token: bob.token })
    expect(open.status).toBe(404)
    expect(JSON.stringify(open.body)).not.toContain(stream.readKey.publicKey)

    const outsider = newKeyPair()
    const refusals = [
      // a key the stream never had
      await server.api.streamInfo(bob, { id: stream.id, readKey: outsider }),
      // the stream's read key named, but signed by another key
      await server.api.request<ErrorBody>('POST', `/v1/streams/${stream.id}/info`, {
        token: bob.token,
        body: {
          at: Date.now(),
          proofs: [
            { readKey: stream.readKey.publicKey, signature: outsider.sign(Buffer.from('x')) },
          ],
        },
      }),
      // a proof made for another account
      await server.api.streamInfo({ ...bob, accountId: alice.accountId }, stream),
      // a stream that does not exist
      await server.api.streamInfo(bob, { id: randomB64(16), readKey: outsider }),
    ]
    for (const reply of refusals) {
      expect(reply.status).toBe(404)
      expect(reply.body).toEqual({ error: 'not_found', message: 'stream not found' })
    }
    // A stale proof is refused whatever the stream.
    const stale = await server.api.streamInfo(bob, stream, { at: Date.now() - 10 * 60_000 })
    expect(stale.status).toBe(401)

    // A holder of a rotated-out read key (a removed member) learns what that key reads, to
    // catch up to it, and nothing past their removal: neither later posts nor later rotations.
    const oldReadKey = stream.readKey
    expect((await server.api.rotate(alice.token, stream)).status).toBe(200)
    const secondReadKey = stream.readKey
    await server.api.postMany(alice.token, stream, 3)
    expect((await server.api.rotate(alice.token, stream)).status).toBe(200)
    await server.api.postMany(alice.token, stream, 2)
    const byOldKey = await server.api.streamInfo(bob, stream, { keys: [outsider, oldReadKey] })
    expect(byOldKey.status).toBe(200)
    expect(byOldKey.body).toMatchObject({
      keyVersion: 2,
      headSeq: 2,
      policy: { readKey: secondReadKey.publicKey },
      previousKeys: [{ keyVersion: 1, readKey: oldReadKey.publicKey, untilSeq: 2 }],
    })
    expect(JSON.stringify(byOldKey.body)).not.toContain(stream.readKey.publicKey)
    // One removed at the second rotation learns up to there; the newest key learns it all.
    const bySecondKey = await server.api.streamInfo(bob, stream, {
      keys: [oldReadKey, secondReadKey],
    })
    expect(bySecondKey.body).toMatchObject({
      keyVersion: 3,
      headSeq: 5,
      policy: { readKey: stream.readKey.publicKey },
      previousKeys: [
        { keyVersion: 1, readKey: oldReadKey.publicKey, untilSeq: 2 },
        { keyVersion: 2, readKey: secondReadKey.publicKey, untilSeq: 5 },
      ],
    })
    const byCurrentKey = await server.api.streamInfo(bob, stream, {
      keys: [oldReadKey, stream.readKey],
    })
    expect(byCurrentKey.body).toMatchObject({ keyVersion: 3, headSeq: 7 })
    expect(byCurrentKey.body.previousKeys).toHaveLength(2)
  })

  it('refuses a policy not signed by its admin key, and a duplicate id', async () => {
    const admin = newKeyPair()
    const id = randomB64(16)
    const policy: StreamPolicy = {
      postKey: null,
      readKey: newKeyPair().publicKey,
      adminKey: admin.publicKey,
      permanent: false,
      maxBurnSeconds: 60,
    }
    const forged = await server.api.request<ErrorBody>('POST', '/v1/streams', {
      token: alice.token,
      body: { id, policy, signature: newKeyPair().sign(streamCreatePayload({ id, policy })) },
    })
    expect(forged.status).toBe(403)
    expect(forged.body.error).toBe('invalid_signature')
    expect((await server.api.streamInfo(alice, { id, readKey: newKeyPair() })).status).toBe(404)

    const body = { id, policy, signature: admin.sign(streamCreatePayload({ id, policy })) }
    expect(
      (await server.api.request('POST', '/v1/streams', { token: alice.token, body })).status,
    ).toBe(201)
    const again = await server.api.request<ErrorBody>('POST', '/v1/streams', {
      token: bob.token,
      body,
    })
    expect(again.status).toBe(409)
    expect(again.body.error).toBe('already_exists')
  })
})

describe('POST /v1/streams/:id/shards', () => {
  it('stores a signed shard with the next seq and serves it to a read proof', async () => {
    const stream = await server.api.createStream(alice.token)
    const request = server.api.shardRequest(stream)
    const reply = await server.api.post(bob.token, stream, request)
    expect(reply.status).toBe(201)
    expect(reply.body).toMatchObject({ id: request.id, seq: 1, burnAt: request.burnAt })
    const fetched = await server.api.fetch(bob, stream)
    expect(fetched.status).toBe(200)
    expect(fetched.body).toEqual({
      shards: [
        {
          id: request.id,
          stream: stream.id,
          seq: 1,
          body: request.body,
          burnAt: request.burnAt,
          receivedAt: reply.body.receivedAt,
          signature: request.signature,
        },
      ],
      more: false,
      headSeq: 1,
    })
  })

  it('answers a retried post with the first result (200), and a reused id with 409', async () => {
    const stream = await server.api.createStream(alice.token)
    const request = server.api.shardRequest(stream)
    const first = await server.api.post(alice.token, stream, request)
    const retry = await server.api.post(alice.token, stream, request)
    expect(retry.status).toBe(200)
    expect(retry.body).toEqual(first.body)
    const conflict = await server.api.post(
      alice.token,
      stream,
      server.api.shardRequest(stream, { id: request.id }),
    )
    expect(conflict.status).toBe(409)
    expect((conflict.body as unknown as ErrorBody).error).toBe('id_conflict')
    expect((await server.api.fetch(alice, stream)).body.shards).toHaveLength(1)
  })

  it('refuses a post without the stream key, and stores nothing', async () => {
    const stream = await server.api.createStream(alice.token)
    const wrongKey = await server.api.post(
      bob.token,
      stream,
      server.api.shardRequest(stream, { key: newKeyPair() }),
    )
    const unsigned = await server.api.post(
      bob.token,
      stream,
      server.api.shardRequest(stream, { key: null }),
    )
    for (const reply of [wrongKey, unsigned]) {
      expect(reply.status).toBe(403)
      expect((reply.body as unknown as ErrorBody).error).toBe('invalid_signature')
    }
    const fetched = await server.api.fetch(alice, stream)
    expect(fetched.body).toMatchObject({ shards: [], headSeq: 0 })
  })

  it('takes unsigned posts from any session where the post key is null (inboxes)', async () => {
    const inbox = await server.api.createStream(alice.token, { inbox: true })
    const reply = await server.api.post(
      bob.token,
      inbox,
      server.api.shardRequest(inbox, { key: null }),
    )
    expect(reply.status).toBe(201)
    const signed = await server.api.post(bob.token, inbox, server.api.shardRequest(inbox))
    expect(signed.status).toBe(400)
  })

  it('does not tell an inbox poster how many shards the inbox holds', async () => {
    const inbox = await server.api.createStream(alice.token, { inbox: true })
    for (let i = 0; i < 3; i++) {
      const request = server.api.shardRequest(inbox, { key: null })
      const posted = await server.api.post(bob.token, inbox, request)
      expect(posted.status).toBe(201)
      expect(posted.body.seq).toBe(0)
      const retried = await server.api.post(bob.token, inbox, request)
      expect(retried.status).toBe(200)
      expect(retried.body.seq).toBe(0)
    }
    // The owner, who holds the read key, sees the real seqs.
    const fetched = await server.api.fetch(alice, inbox)
    expect(fetched.body.shards.map((shard) => shard.seq)).toEqual([1, 2, 3])
  })

  it('holds burnAt to the stream policy', async () => {
    const stream = await server.api.createStream(alice.token, { maxBurnSeconds: 60 })
    const now = Date.now()
    const cases = [
      now - 1000, // in the past
      now + 60_000 + LIMITS.burnSkewMs + 60_000, // beyond maxBurnSeconds
      null, // never, in a stream that is not permanent
    ]
    for (const burnAt of cases) {
      const reply = await server.api.post(
        alice.token,
        stream,
        server.api.shardRequest(stream, { burnAt }),
      )
      expect(reply.status).toBe(422)
      expect((reply.body as unknown as ErrorBody).error).toBe('burn_out_of_policy')
    }
    expect((await server.api.fetch(alice, stream)).body.shards).toHaveLength(0)
    const ok = await server.api.post(
      alice.token,
      stream,
      server.api.shardRequest(stream, { burnAt: now + 59_000 }),
    )
    expect(ok.status).toBe(201)
    const permanent = await server.api.createStream(alice.token, { permanent: true })
    const forever = await server.api.post(
      alice.token,
      permanent,
      server.api.shardRequest(permanent, { burnAt: null }),
    )
    expect(forever.status).toBe(201)
    expect(forever.body.burnAt).toBeNull()
  })

  it('refuses an oversized shard with 413 and a non-canonical id with 400', async () => {
    const stream = await server.api.createStream(alice.token)
    const big = randomB64(LIMITS.maxShardBytes + 3)
    const tooBig = await server.api.post(
      alice.token,
      stream,
      server.api.shardRequest(stream, { body: big }),
    )
    expect(tooBig.status).toBe(413)
    expect((tooBig.body as unknown as ErrorBody).error).toBe('payload_too_large')
    const atLimit = await server.api.post(
      alice.token,
      stream,
      server.api.shardRequest(stream, { body: randomB64(LIMITS.maxShardBytes) }),
    )
    expect(atLimit.status).toBe(201)
    const badId = await server.api.request<ErrorBody>('POST', `/v1/streams/${stream.id}/shards`, {
      token: alice.token,
      body: { ...server.api.shardRequest(stream), id: 'AAAAAAAAAAAAAAAAAAAAAB' },
    })
    expect(badId.status).toBe(400)
    expect(badId.body.error).toBe('bad_request')
    expect((await server.api.fetch(alice, stream)).body.shards).toHaveLength(1)
  })

  it('answers 404 for a stream that does not exist', async () => {
    const ghost = {
      id: randomB64(16),
      keyVersion: 1,
      postKey: newKeyPair(),
      readKey: newKeyPair(),
      adminKey: newKeyPair(),
    }
    const reply = await server.api.post(alice.token, ghost, server.api.shardRequest(ghost))
    expect(reply.status).toBe(404)
  })
})

describe('POST /v1/streams/:id/fetch', () => {
  it('pages in seq order after a seq, with `more` while shards follow', async () => {
    const stream = await server.api.createStream(alice.token)
    const seqs = await server.api.postMany(alice.token, stream, 5)
    const first = await server.api.fetch(bob, stream, { limit: 2 })
    expect(first.body.shards.map((s) => s.seq)).toEqual(seqs.slice(0, 2))
    expect(first.body).toMatchObject({ more: true, headSeq: 5 })
    const rest = await server.api.fetch(bob, stream, { after: 2, limit: 10 })
    expect(rest.body.shards.map((s) => s.seq)).toEqual(seqs.slice(2))
    expect(rest.body.more).toBe(false)
  })

  it('refuses a proof by the wrong key, for another account, for another stream, or too old', async () => {
    const stream = await server.api.createStream(alice.token)
    const other = await server.api.createStream(alice.token)
    await server.api.postMany(alice.token, stream, 1)
    const proofs = {
      wrongKey: readProof(stream, bob.accountId, { key: newKeyPair() }),
      otherAccount: readProof(stream, alice.accountId),
      otherStream: readProof(other, bob.accountId, { key: stream.readKey }),
      unknownVersion: readProof(stream, bob.accountId, { keyVersion: 2 }),
    }
    for (const proof of Object.values(proofs)) {
      const reply = await server.api.fetch(bob, stream, { proof })
      expect(reply.status).toBe(403)
      expect((reply.body as unknown as ErrorBody).error).toBe('invalid_signature')
    }
    const old = readProof(stream, bob.accountId, {
      at: Date.now() - LIMITS.readProofSkewMs - 60_000,
    })
    const tooOld = await server.api.fetch(bob, stream, { proof: old })
    expect(tooOld.status).toBe(401)
    expect((tooOld.body as unknown as ErrorBody).error).toBe('expired')
  })
})

describe('POST /v1/streams/:id/keys', () => {
  it('rotates keys signed by the admin key; the old read key reads up to the rotation only', async () => {
    const stream = await server.api.createStream(alice.token)
    await server.api.postMany(alice.token, stream, 3)
    const oldReadKey = stream.readKey
    const oldPostKey = stream.postKey
    const rotated = await server.api.rotate(alice.token, stream)
    expect(rotated.status).toBe(200)
    expect(rotated.body).toMatchObject({
      keyVersion: 2,
      headSeq: 3,
      previousKeys: [{ keyVersion: 1, readKey: oldReadKey.publicKey, untilSeq: 3 }],
    })
    // Posts now need the new post key.
    const oldPost = await server.api.post(
      alice.token,
      stream,
      server.api.shardRequest(stream, { key: oldPostKey }),
    )
    expect(oldPost.status).toBe(403)
    await server.api.postMany(alice.token, stream, 2)

    const previous = await server.api.fetch(bob, stream, {
      proof: readProof(stream, bob.accountId, { key: oldReadKey, keyVersion: 1 }),
    })
    expect(previous.status).toBe(200)
    expect(previous.body.shards.map((s) => s.seq)).toEqual([1, 2, 3])
    expect(previous.body.more).toBe(false)
    const current = await server.api.fetch(bob, stream)
    expect(current.body.shards.map((s) => s.seq)).toEqual([1, 2, 3, 4, 5])
    // The old key may not claim to be the new version.
    const claim = await server.api.fetch(bob, stream, {
      proof: readProof(stream, bob.accountId, { key: oldReadKey, keyVersion: 2 }),
    })
    expect(claim.status).toBe(403)
  })

  it('keeps only the newest rotated-out read keys, up to the cap', async () => {
    const capped = await startTestServer({ maxPreviousReadKeys: 2 })
    try {
      const owner = await capped.api.signUp()
      const stream = await capped.api.createStream(owner.token)
      const readKeys = [stream.readKey]
      for (let i = 0; i < 4; i++) {
        await capped.api.postMany(owner.token, stream, 1)
        expect((await capped.api.rotate(owner.token, stream)).status).toBe(200)
        readKeys.push(stream.readKey)
      }
      const info = await capped.api.streamInfo(owner, stream)
      expect(info.body.keyVersion).toBe(5)
      expect(info.body.previousKeys).toEqual([
        { keyVersion: 3, readKey: readKeys[2]!.publicKey, untilSeq: 3 },
        { keyVersion: 4, readKey: readKeys[3]!.publicKey, untilSeq: 4 },
      ])
      // The dropped key no longer reads; a kept one reads up to its cap.
      const dropped = await capped.api.fetch(owner, stream, {
        proof: readProof(stream, owner.accountId, { key: readKeys[0], keyVersion: 1 }),
      })
      expect(dropped.status).toBe(403)
      const kept = await capped.api.fetch(owner, stream, {
        proof: readProof(stream, owner.accountId, { key: readKeys[3], keyVersion: 4 }),
      })
      expect(kept.body.shards.map((s) => s.seq)).toEqual([1, 2, 3, 4])
    } finally {
      await capped.dispose()
    }
  })

  it('refuses a rotation not signed by the admin key, and a stale key version', async () => {
    const stream = await server.api.createStream(alice.token)
    const impostor = { ...stream, adminKey: newKeyPair() }
    const forged = await server.api.rotate(bob.token, impostor)
    expect(forged.status).toBe(403)
    expect((forged.body as unknown as ErrorBody).error).toBe('invalid_signature')
    const info = await server.api.streamInfo(bob, stream)
    expect(info.body.keyVersion).toBe(1)
    expect(info.body.policy.readKey).toBe(stream.readKey.publicKey)

    const staleCopy = { ...stream }
    expect((await server.api.rotate(alice.token, stream)).status).toBe(200)
    staleCopy.adminKey = stream.adminKey // signed by the right key, at an old version
    const stale = await server.api.rotate(alice.token, staleCopy)
    expect(stale.status).toBe(409)
    expect(stale.body).toMatchObject({ error: 'version_conflict', currentVersion: 2 })
  })
})

describe('burn', () => {
  it('serves a shard before its burnAt, never after, and removes its bytes from the files', async () => {
    const stream = await server.api.createStream(alice.token)
    const live = await LiveClient.signedIn(server.url, bob.token)
    const body = randomB64(96)
    const burnAt = Date.now() + 1500
    const request = server.api.shardRequest(stream, { body, burnAt })
    expect((await server.api.post(alice.token, stream, request)).status).toBe(201)

    const before = await server.api.fetch(bob, stream)
    expect(before.body.shards.map((s) => s.body)).toEqual([body])
    expect(await filesContain(server.dbPath, body)).toBe(true)

    live.send({
      type: 'subscribe',
      streams: [{ stream: stream.id, after: 0, proof: readProof(stream, bob.accountId) }],
    })
    const frames = await live.until((f) => f.type === 'shard')
    expect(frames.at(-1)).toMatchObject({ type: 'shard', shard: { id: request.id, body } })

    await waitUntil(burnAt)
    const after = await server.api.fetch(bob, stream)
    expect(after.body.shards).toEqual([])
    const late = await LiveClient.signedIn(server.url, bob.token)
    late.send({
      type: 'subscribe',
      streams: [{ stream: stream.id, after: 0, proof: readProof(stream, bob.accountId) }],
    })
    expect(await late.next()).toMatchObject({ type: 'subscribed' })

    // Physically gone from the database and its WAL within 2 s of burnAt.
    const deadline = burnAt + 2000
    while ((await filesContain(server.dbPath, body)) && Date.now() < deadline) await sleep(100)
    expect(await filesContain(server.dbPath, body)).toBe(false)
    expect(late.pending()).toEqual([])
    live.close()
    late.close()
  })
})

/** Whether the body's text or its decoded bytes appear in the database or its WAL. */
async function filesContain(dbPath: string, body: string): Promise<boolean> {
  const needles = [Buffer.from(body), Buffer.from(fromBase64Url(body))]
  for (const file of [dbPath, `${dbPath}-wal`]) {
    const bytes = await readFile(file).catch(() => Buffer.alloc(0))
    if (needles.some((needle) => bytes.includes(needle))) return true
  }
  return false
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
async function waitUntil(at: number) {
  while (Date.now() <= at) await sleep(Math.max(1, at - Date.now() + 1))
}
