// /v1/streams: date-ordered shard streams. The server enforces membership by signatures alone:
// posts by the post key, reads by a read key, rotations by the admin key.
import { createHash } from 'node:crypto'
import { fromBase64Url, toBase64Url } from '../../../shared/encoding'
import {
  FetchRequest,
  FetchResponse,
  LIMITS,
  StreamInfoRequest,
  streamInfoPayload,
  ShardPostRequest,
  ShardPostResponse,
  StreamCreateRequest,
  StreamInfo,
  StreamParams,
  StreamRotateRequest,
  shardPayload,
  streamCreatePayload,
  streamRotatePayload,
} from '../../../shared/protocol'
import { authenticate, sessionOf } from '../../auth'
import { ApiError, badSignature, notFound, versionConflict } from '../../errors'
import { accessAfter, checkReadProof } from '../../read-access'
import { ReadThroughCache } from '../../read-through-cache'
import type { ShardRecord, StreamRecord } from '../../store/types'
import { verifySignature } from '../../verify'
import { toShard, toStreamInfo, toStreamInfoUntil } from '../../wire'
import { routePlugin } from '../plugin'
import { bearer, refusals } from '../schemas'

/** Verified against where a stream or a named key is unknown: nobody holds its secret. */
const NO_STREAM_KEY = toBase64Url(createHash('sha256').update('paracord: no such stream').digest())

/** Stream policies kept in memory for the post route: every post checks its stream's. */
const STREAM_CACHE_ENTRIES = 10_000
/** Only a backstop should a rotation event from another instance be lost. */
const STREAM_CACHE_MAX_AGE_MS = 5_000

export const streamRoutes = routePlugin((app, { ctx }) => {
  const { store, now } = ctx
  app.addHook('onRequest', authenticate(ctx.sessions, now))

  // Posts check the policy through this cache. A rotation publishes `rotated` right after its
  // store write, which drops the stream here at once (and on other instances on arrival), so
  // the old post key stops working when the rotation is answered. Rotation and fetch read the
  // store itself: they need the head seq and key history of this moment.
  const postPolicies = new ReadThroughCache((id: string) => store.getStream(id), {
    maxEntries: STREAM_CACHE_ENTRIES,
    maxAgeMs: STREAM_CACHE_MAX_AGE_MS,
    now,
  })
  const stopListening = ctx.notifier.onPublish((event) => {
    if (event.kind === 'rotated') postPolicies.delete(event.stream)
    else if (event.kind === 'resync') postPolicies.clear()
  })
  app.addHook('onClose', (_instance, done) => {
    stopListening()
    done()
  })

  async function existing(id: string): Promise<StreamRecord> {
    const stream = await store.getStream(id)
    if (!stream) throw notFound('stream')
    return stream
  }

  // Anyone signed in may post to an inbox (no post key); its seq would tell them how many
  // shards the inbox holds, so their receipt says 0.
  const postReceipt = (shard: ShardRecord, stream: StreamRecord) => ({
    id: shard.id,
    seq: stream.policy.postKey === null ? 0 : shard.seq,
    receivedAt: shard.receivedAt,
    burnAt: shard.burnAt,
  })

  app.post(
    '/v1/streams',
    {
      schema: {
        summary: 'Create a stream with its key policy, signed by its admin key',
        tags: ['streams'],
        security: bearer,
        body: StreamCreateRequest,
        response: { 201: StreamInfo, ...refusals },
      },
    },
    async (request, reply) => {
      const { id, policy, signature } = request.body
      if (!verifySignature(policy.adminKey, streamCreatePayload({ id, policy }), signature))
        throw badSignature('stream policy, by its admin key')
      const created = await store.createStream({
        id,
        policy,
        createdBy: sessionOf(request).accountId,
        createdAt: now(),
      })
      if (created === 'exists') throw new ApiError('already_exists', 'a stream with this id exists')
      return reply.code(201).send(toStreamInfo(await existing(id)))
    },
  )

  app.post(
    '/v1/streams/:id/info',
    {
      schema: {
        summary: 'The stream policy, key version, head seq and key history, to a read-key holder',
        tags: ['streams'],
        security: bearer,
        params: StreamParams,
        body: StreamInfoRequest,
        response: { 200: StreamInfo, ...refusals },
      },
    },
    async (request) => {
      const { at, proofs } = request.body
      // 1. Fresh, like a read proof.
      if (Math.abs(now() - at) > LIMITS.readProofSkewMs)
        throw new ApiError('expired', 'the proof is too old or too far in the future')
      // 2. A signature by one of the stream's read keys (current or kept from before a
      //    rotation) for this account. An unknown stream and a stream this account proves no
      //    key of get the same answer, after the same work.
      const stream = await store.getStream(request.params.id)
      // The key version of each read key: the current one's, or a kept one's from before.
      const versionOf = new Map<string, number>(
        stream === null
          ? [[NO_STREAM_KEY, 0]]
          : [
              ...stream.previousKeys.map((k): [string, number] => [k.readKey, k.keyVersion]),
              [stream.policy.readKey, stream.keyVersion],
            ],
      )
      const accountId = sessionOf(request).accountId
      let provenVersion: number | null = null
      for (const { readKey, signature } of proofs) {
        const known = versionOf.has(readKey)
        const key = known ? readKey : NO_STREAM_KEY
        const payload = streamInfoPayload({ stream: request.params.id, accountId, readKey, at })
        if (!verifySignature(key, payload, signature) || !known) continue
        const version = versionOf.get(readKey)!
        provenVersion = Math.max(provenVersion ?? version, version)
      }
      if (stream === null || provenVersion === null) throw notFound('stream')
      // 3. The holder of a rotated-out key (a former member, or a member still catching up)
      //    learns only what that key reads: the head seq up to its untilSeq, the key history
      //    up to it, and the next key version (the one that ended it) as the current one. It
      //    learns nothing posted or rotated after.
      return provenVersion === stream.keyVersion
        ? toStreamInfo(stream)
        : toStreamInfoUntil(stream, provenVersion)
    },
  )

  app.post(
    '/v1/streams/:id/keys',
    {
      schema: {
        summary: 'Rotate the post, read and admin keys (keyVersion = current + 1)',
        tags: ['streams'],
        security: bearer,
        params: StreamParams,
        body: StreamRotateRequest,
        response: { 200: StreamInfo, ...refusals },
      },
    },
    async (request) => {
      const { keyVersion, postKey, readKey, adminKey, signature } = request.body
      // 1. Signed by the current admin key.
      const stream = await existing(request.params.id)
      const payload = streamRotatePayload({ id: stream.id, keyVersion, postKey, readKey, adminKey })
      if (!verifySignature(stream.policy.adminKey, payload, signature))
        throw badSignature('rotation, by the current admin key')
      // 2. CAS on keyVersion; the old read key keeps reading up to the head seq of now.
      const result = await store.rotateStreamKeys(
        stream.id,
        keyVersion,
        { postKey, readKey, adminKey },
        ctx.config.maxPreviousReadKeys,
      )
      if (result.status === 'version_conflict') throw versionConflict(result.currentVersion)
      if (result.status === 'not_found') throw notFound('stream')
      // 3. Live subscribers on the old key get their backlog up to there, then `revoked`.
      const rotated = result.value
      ctx.notifier.publish({
        kind: 'rotated',
        stream: rotated.id,
        keyVersion: rotated.keyVersion,
        untilSeq: rotated.previousKeys.at(-1)?.untilSeq ?? rotated.headSeq,
      })
      return toStreamInfo(rotated)
    },
  )

  app.post(
    '/v1/streams/:id/shards',
    {
      schema: {
        summary: 'Post a shard; idempotent on the shard id',
        tags: ['streams'],
        security: bearer,
        params: StreamParams,
        body: ShardPostRequest,
        response: { 200: ShardPostResponse, 201: ShardPostResponse, ...refusals },
      },
    },
    async (request, reply) => {
      const { id, body, burnAt, signature } = request.body
      // 1. Size of the ciphertext itself, from the length of its base64url (decoded once below,
      //    where the signature covers it).
      if (Math.floor((body.length * 3) / 4) > LIMITS.maxShardBytes)
        throw new ApiError(
          'payload_too_large',
          `a shard body is at most ${LIMITS.maxShardBytes} bytes`,
        )
      const stream = await postPolicies.get(request.params.id)
      if (stream === null) throw notFound('stream')
      const { policy } = stream
      // 2. Signed by the post key, or unsigned where anyone signed in may post (inboxes).
      if (policy.postKey === null) {
        if (signature !== null)
          throw new ApiError('bad_request', 'this stream takes unsigned posts (signature: null)')
        fromBase64Url(body) // canonical base64url, or 400
      } else {
        const payload = shardPayload({ stream: stream.id, id, burnAt, body })
        if (signature === null || !verifySignature(policy.postKey, payload, signature))
          throw badSignature('shard, by the stream post key')
      }
      // 3. The burn time within the stream's policy.
      const at = now()
      if (burnAt === null) {
        if (!policy.permanent)
          throw new ApiError('burn_out_of_policy', 'this stream needs a burnAt on every shard')
      } else if (burnAt <= at || burnAt > at + policy.maxBurnSeconds * 1000 + LIMITS.burnSkewMs) {
        throw new ApiError(
          'burn_out_of_policy',
          `burnAt must be in the future and at most ${policy.maxBurnSeconds} s away`,
        )
      }
      // 4. Store (seq assigned, durable), then wake live subscribers and the burn timer.
      const result = await store.postShard({ id, stream: stream.id, body, burnAt, signature }, at)
      switch (result.status) {
        case 'no_stream':
          throw notFound('stream')
        case 'id_conflict':
          throw new ApiError('id_conflict', 'this shard id was posted with other content')
        case 'duplicate':
          return reply.code(200).send(postReceipt(result.shard, stream))
        case 'stored':
          ctx.metrics.shardsStored.inc()
          ctx.sweeper.schedule(result.shard.burnAt)
          ctx.notifier.publish({ kind: 'posted', stream: stream.id, seq: result.shard.seq })
          return reply.code(201).send(postReceipt(result.shard, stream))
      }
    },
  )

  app.post(
    '/v1/streams/:id/fetch',
    {
      schema: {
        summary: 'Read shards after a seq, with a read proof',
        tags: ['streams'],
        security: bearer,
        params: StreamParams,
        body: FetchRequest,
        response: { 200: FetchResponse, ...refusals },
      },
    },
    async (request) => {
      const { after, limit, proof } = request.body
      // 1. A read proof for this stream and this session's account.
      const stream = await existing(request.params.id)
      const proven = checkReadProof(stream, sessionOf(request).accountId, proof, now())
      // 2. One more than asked, to know whether more follow.
      const page = await store.fetchShards(stream.id, after, limit + 1, now())
      // 3. Keys read again after the shards: a rotation meanwhile caps this proof exactly.
      const fresh = proven.untilSeq === null ? await store.getStream(stream.id) : stream
      const { untilSeq } = accessAfter(proven, fresh)
      const readable = untilSeq === null ? page : page.filter((s) => s.seq <= untilSeq)
      const shards = readable.slice(0, limit)
      return {
        shards: shards.map(toShard),
        more: readable.length > limit,
        headSeq: Math.max(fresh?.headSeq ?? stream.headSeq, shards.at(-1)?.seq ?? 0),
      }
    },
  )
})
