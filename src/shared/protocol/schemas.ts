// The wire protocol, schema-first: every request, response and WebSocket frame. The server
// validates with these schemas and the client imports the same static types.
import { Type, type Static, type TSchema } from 'typebox'
import { LIMITS } from './limits'

const b64 = (minBytes: number, maxBytes: number, description: string) =>
  Type.String({
    pattern: '^[A-Za-z0-9_-]*$',
    minLength: Math.ceil((minBytes * 4) / 3),
    maxLength: Math.ceil((maxBytes * 4) / 3),
    description,
  })

/** A random id: 16 to 48 bytes, base64url. */
export const Id = b64(16, 48, 'random id, base64url')
/** An Ed25519 public key, base64url. */
export const PublicKey = b64(32, 32, 'Ed25519 public key, base64url')
/** An Ed25519 signature, base64url. */
export const Signature = b64(64, 64, 'Ed25519 signature, base64url')
/** Opaque login handle: a client-side hash of the login name (32 bytes, base64url). */
export const Handle = b64(
  LIMITS.handleBytes,
  LIMITS.handleBytes,
  'client-made hash of the login name, base64url',
)
/** Milliseconds since the Unix epoch. */
export const Time = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000 })
export const Seq = Type.Integer({ minimum: 0 })

export const KdfParams = Type.Object(
  {
    alg: Type.Literal('argon2id13'),
    // At least libsodium's INTERACTIVE limits; at most what a client will agree to compute.
    opsLimit: Type.Integer({ minimum: 2, maximum: 16 }),
    memLimit: Type.Integer({ minimum: 64 * 1024 * 1024, maximum: 1024 * 1024 * 1024 }),
  },
  { additionalProperties: false },
)
export type KdfParams = Static<typeof KdfParams>

export const ENCLAVE_KINDS = ['vault', 'identity', 'invite'] as const
export const EnclaveKind = Type.Union([
  Type.Literal('vault'),
  Type.Literal('identity'),
  Type.Literal('invite'),
])
export type EnclaveKind = Static<typeof EnclaveKind>

const EnclaveBody = b64(1, LIMITS.maxEnclaveBytes, 'ciphertext or public data, base64url')
const ShardBody = b64(1, LIMITS.maxShardBytes, 'ciphertext, base64url')

const strict = <T extends Record<string, TSchema>>(props: T) =>
  Type.Object(props, { additionalProperties: false })

export const Ok = strict({ ok: Type.Literal(true) })
export type Ok = Static<typeof Ok>

// --- accounts ---------------------------------------------------------------------------------

export const SaltQuery = strict({ handle: Handle })
export const SaltResponse = strict({ salt: b64(16, 16, 'Argon2id salt'), kdf: KdfParams })
export type SaltResponse = Static<typeof SaltResponse>

export const RegisterRequest = strict({
  handle: Handle,
  loginPublicKey: PublicKey,
  salt: b64(16, 16, 'Argon2id salt'),
  kdf: KdfParams,
  /** The vault enclave (id = handle, owner = login key, version 1), signed by the login key. */
  vault: strict({ body: EnclaveBody, signature: Signature }),
})
export type RegisterRequest = Static<typeof RegisterRequest>
export const RegisterResponse = strict({ accountId: Id })
export type RegisterResponse = Static<typeof RegisterResponse>

export const ChallengeRequest = strict({ handle: Handle })
export type ChallengeRequest = Static<typeof ChallengeRequest>
export const ChallengeResponse = strict({
  challengeId: Id,
  nonce: b64(32, 32, 'nonce'),
  expiresAt: Time,
})
export type ChallengeResponse = Static<typeof ChallengeResponse>

export const LoginRequest = strict({ handle: Handle, challengeId: Id, signature: Signature })
export type LoginRequest = Static<typeof LoginRequest>

export const Enclave = strict({
  id: Id,
  kind: EnclaveKind,
  version: Type.Integer({ minimum: 1 }),
  ownerKey: PublicKey,
  body: EnclaveBody,
  signature: Signature,
  expiresAt: Type.Union([Time, Type.Null()]),
  updatedAt: Time,
})
export type Enclave = Static<typeof Enclave>

export const LoginResponse = strict({
  token: b64(32, 32, 'opaque session token'),
  expiresAt: Time,
  accountId: Id,
  vault: Enclave,
})
export type LoginResponse = Static<typeof LoginResponse>

export const PasswordChangeRequest = strict({
  loginPublicKey: PublicKey,
  salt: b64(16, 16, 'Argon2id salt'),
  kdf: KdfParams,
  /** The re-encrypted vault at `version` (current + 1), owner = the new login key, signed by the old one. */
  vault: strict({ version: Type.Integer({ minimum: 2 }), body: EnclaveBody, signature: Signature }),
  /** Proof of the new login key: signs (handle, loginPublicKey, version). */
  proof: Signature,
})
export type PasswordChangeRequest = Static<typeof PasswordChangeRequest>

export const AccountDeleteRequest = strict({ challengeId: Id, signature: Signature })
export type AccountDeleteRequest = Static<typeof AccountDeleteRequest>

// --- enclaves ---------------------------------------------------------------------------------

export const EnclaveParams = strict({ id: Id })
export const EnclaveCreateRequest = strict({
  id: Id,
  kind: EnclaveKind,
  ownerKey: PublicKey,
  body: EnclaveBody,
  expiresAt: Type.Union([Time, Type.Null()]),
  signature: Signature,
})
export type EnclaveCreateRequest = Static<typeof EnclaveCreateRequest>
export const EnclaveUpdateRequest = strict({
  version: Type.Integer({ minimum: 2 }),
  /** The owner after this write; the same key unless ownership moves. */
  ownerKey: PublicKey,
  body: EnclaveBody,
  expiresAt: Type.Union([Time, Type.Null()]),
  signature: Signature,
})
export type EnclaveUpdateRequest = Static<typeof EnclaveUpdateRequest>
export const EnclaveDeleteRequest = strict({
  version: Type.Integer({ minimum: 1 }),
  signature: Signature,
})
export type EnclaveDeleteRequest = Static<typeof EnclaveDeleteRequest>

// --- streams and shards -----------------------------------------------------------------------

export const StreamPolicy = strict({
  /** Key that must sign posts; null: any signed-in session may post (inboxes). */
  postKey: Type.Union([PublicKey, Type.Null()]),
  readKey: PublicKey,
  adminKey: PublicKey,
  /** Whether shards may have no burn time (servers' logs). */
  permanent: Type.Boolean(),
  maxBurnSeconds: Type.Integer({ minimum: 1, maximum: LIMITS.maxBurnSeconds }),
})
export type StreamPolicy = Static<typeof StreamPolicy>

export const StreamCreateRequest = strict({ id: Id, policy: StreamPolicy, signature: Signature })
export type StreamCreateRequest = Static<typeof StreamCreateRequest>
export const StreamParams = strict({ id: Id })
export const StreamInfo = strict({
  id: Id,
  policy: StreamPolicy,
  keyVersion: Type.Integer({ minimum: 1 }),
  headSeq: Seq,
  /** Rotated-out read keys and the last seq each may read. */
  previousKeys: Type.Array(
    strict({ keyVersion: Type.Integer({ minimum: 1 }), readKey: PublicKey, untilSeq: Seq }),
  ),
})
export type StreamInfo = Static<typeof StreamInfo>

/**
 * Proof of holding a read key of the stream, naming the key rather than its version (the
 * client does not know the versions before it reads them): each signature signs
 * (stream, accountId, readKey, at) by that read key, current or rotated out.
 */
export const StreamInfoRequest = strict({
  at: Time,
  proofs: Type.Array(strict({ readKey: PublicKey, signature: Signature }), {
    minItems: 1,
    maxItems: LIMITS.maxInfoProofs,
  }),
})
export type StreamInfoRequest = Static<typeof StreamInfoRequest>

export const StreamRotateRequest = strict({
  keyVersion: Type.Integer({ minimum: 2 }),
  postKey: Type.Union([PublicKey, Type.Null()]),
  readKey: PublicKey,
  adminKey: PublicKey,
  signature: Signature,
})
export type StreamRotateRequest = Static<typeof StreamRotateRequest>

export const ShardPostRequest = strict({
  id: Id,
  body: ShardBody,
  /** When the shard burns; null only in permanent streams. */
  burnAt: Type.Union([Time, Type.Null()]),
  /** By the post key; null only where the policy's post key is null. */
  signature: Type.Union([Signature, Type.Null()]),
})
export type ShardPostRequest = Static<typeof ShardPostRequest>
export const ShardPostResponse = strict({
  id: Id,
  /** The shard's seq; 0 in a stream without a post key (an inbox), whose size posters never learn. */
  seq: Seq,
  receivedAt: Time,
  burnAt: Type.Union([Time, Type.Null()]),
})
export type ShardPostResponse = Static<typeof ShardPostResponse>

export const Shard = strict({
  id: Id,
  stream: Id,
  seq: Seq,
  body: ShardBody,
  burnAt: Type.Union([Time, Type.Null()]),
  receivedAt: Time,
  signature: Type.Union([Signature, Type.Null()]),
})
export type Shard = Static<typeof Shard>

/**
 * Proof of a read key of the stream: signs (stream, accountId, keyVersion, at); valid for a few
 * minutes. A proof by a rotated-out key version reads only shards up to that version's last seq,
 * so a member who was offline across a rotation can still catch up to the rotation entry.
 */
export const ReadProof = strict({
  keyVersion: Type.Integer({ minimum: 1 }),
  at: Time,
  signature: Signature,
})
export type ReadProof = Static<typeof ReadProof>

export const FetchRequest = strict({
  after: Seq,
  limit: Type.Integer({ minimum: 1, maximum: LIMITS.maxFetchLimit }),
  proof: ReadProof,
})
export type FetchRequest = Static<typeof FetchRequest>
export const FetchResponse = strict({
  shards: Type.Array(Shard),
  /** True when more shards follow `shards`: fetch again after the last seq. */
  more: Type.Boolean(),
  headSeq: Seq,
})
export type FetchResponse = Static<typeof FetchResponse>

// --- TURN -------------------------------------------------------------------------------------

export const TurnCredentials = strict({
  urls: Type.Array(Type.String()),
  username: Type.String(),
  credential: Type.String(),
  ttlSeconds: Type.Integer({ minimum: 1 }),
  expiresAt: Time,
})
export type TurnCredentials = Static<typeof TurnCredentials>

// --- WebSocket frames -------------------------------------------------------------------------

export const Subscription = strict({ stream: Id, after: Seq, proof: ReadProof })
export type Subscription = Static<typeof Subscription>

export const ClientFrame = Type.Union([
  strict({ type: Type.Literal('auth'), token: b64(32, 32, 'session token') }),
  strict({
    type: Type.Literal('subscribe'),
    streams: Type.Array(Subscription, { minItems: 1, maxItems: LIMITS.maxSubscribeBatch }),
  }),
  strict({
    type: Type.Literal('unsubscribe'),
    streams: Type.Array(Id, { minItems: 1, maxItems: LIMITS.maxSubscribeBatch }),
  }),
  strict({ type: Type.Literal('ping'), n: Type.Integer({ minimum: 0 }) }),
])
export type ClientFrame = Static<typeof ClientFrame>

export const ServerFrame = Type.Union([
  strict({ type: Type.Literal('ready'), accountId: Id }),
  strict({ type: Type.Literal('subscribed'), stream: Id, headSeq: Seq }),
  strict({ type: Type.Literal('shard'), shard: Shard }),
  /** The stream's keys rotated: the subscription ended; subscribe again with the new read key. */
  strict({ type: Type.Literal('revoked'), stream: Id, keyVersion: Type.Integer({ minimum: 1 }) }),
  strict({
    type: Type.Literal('error'),
    error: Type.String(),
    message: Type.String(),
    stream: Type.Optional(Id),
  }),
  strict({ type: Type.Literal('pong'), n: Type.Integer({ minimum: 0 }) }),
])
export type ServerFrame = Static<typeof ServerFrame>
