// Real accounts, streams and signed posts for the network layer's tests against the real
// server: node:crypto Ed25519 keys and the protocol's own payload builders.
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto'
import { toBase64Url } from '../../shared/encoding'
import {
  DEFAULT_KDF,
  enclaveWritePayload,
  loginPayload,
  readPayload,
  shardPayload,
  streamCreatePayload,
  streamInfoPayload,
  streamRotatePayload,
  type ReadProof,
  type StreamInfo,
  type StreamInfoRequest,
  type StreamPolicy,
} from '../../shared/protocol'
import type { StoreClient } from './http-client'

export interface SigningKey {
  /** Raw 32-byte public key, base64url. */
  readonly publicKey: string
  sign(payload: Uint8Array): string
}

export function newSigningKey(): SigningKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  // The raw key is the last 32 bytes of the SPKI DER encoding.
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)
  return {
    publicKey: toBase64Url(raw),
    sign: (payload) => toBase64Url(sign(null, payload, privateKey)),
  }
}

export const randomB64 = (bytes: number): string => toBase64Url(randomBytes(bytes))

export interface TestAccount {
  readonly handle: string
  readonly loginKey: SigningKey
  readonly accountId: string
  readonly token: string
}

/** Registers a fresh account and logs `client` in as it. */
export async function signUp(client: StoreClient): Promise<TestAccount> {
  const handle = randomB64(32)
  const loginKey = newSigningKey()
  const body = randomB64(48)
  const signature = loginKey.sign(
    enclaveWritePayload({
      id: handle,
      kind: 'vault',
      version: 1,
      ownerKey: loginKey.publicKey,
      expiresAt: null,
      body,
    }),
  )
  await client.register({
    handle,
    loginPublicKey: loginKey.publicKey,
    salt: randomB64(16),
    kdf: { ...DEFAULT_KDF },
    vault: { body, signature },
  })
  const login = await logIn(client, handle, loginKey)
  return { handle, loginKey, accountId: login.accountId, token: login.token }
}

export async function logIn(client: StoreClient, handle: string, loginKey: SigningKey) {
  const { challengeId, nonce } = await client.challenge(handle)
  const signature = loginKey.sign(loginPayload({ handle, challengeId, nonce }))
  return client.login({ handle, challengeId, signature })
}

export interface StreamKeys {
  readonly post: SigningKey
  readonly read: SigningKey
  readonly admin: SigningKey
}

export interface TestStream {
  readonly id: string
  keys: StreamKeys
  keyVersion: number
  info: StreamInfo
}

export const newStreamKeys = (): StreamKeys => ({
  post: newSigningKey(),
  read: newSigningKey(),
  admin: newSigningKey(),
})

export async function createStream(
  client: StoreClient,
  overrides: Partial<Pick<StreamPolicy, 'permanent' | 'maxBurnSeconds'>> = {},
): Promise<TestStream> {
  const id = randomB64(16)
  const keys = newStreamKeys()
  const policy: StreamPolicy = {
    postKey: keys.post.publicKey,
    readKey: keys.read.publicKey,
    adminKey: keys.admin.publicKey,
    permanent: overrides.permanent ?? false,
    maxBurnSeconds: overrides.maxBurnSeconds ?? 3600,
  }
  const signature = keys.admin.sign(streamCreatePayload({ id, policy }))
  const info = await client.createStream({ id, policy, signature })
  return { id, keys, keyVersion: info.keyVersion, info }
}

/** Posts one shard burning in half an hour; returns its id and seq. */
export async function postShard(client: StoreClient, stream: TestStream, body = randomB64(24)) {
  const id = randomB64(16)
  const burnAt = Date.now() + 30 * 60_000
  const signature = stream.keys.post.sign(shardPayload({ stream: stream.id, id, burnAt, body }))
  return client.postShard(stream.id, { id, body, burnAt, signature })
}

/** Posts `count` shards, a few at a time; returns their ids in seq order. */
export async function postMany(client: StoreClient, stream: TestStream, count: number) {
  const posted: { id: string; seq: number }[] = []
  for (let i = 0; i < count; i += 10) {
    const batch = Array.from({ length: Math.min(10, count - i) }, () => postShard(client, stream))
    posted.push(...(await Promise.all(batch)))
  }
  return posted.sort((a, b) => a.seq - b.seq)
}

/** A fresh read proof of the stream's current read key. */
export function readProof(stream: TestStream, accountId: string, at = Date.now()): ReadProof {
  const signature = stream.keys.read.sign(
    readPayload({ stream: stream.id, accountId, keyVersion: stream.keyVersion, at }),
  )
  return { keyVersion: stream.keyVersion, at, signature }
}

/** A stream-info request proving the stream's current read key (or `key`) for `accountId`. */
export function infoRequest(
  stream: Pick<TestStream, 'id' | 'keys'>,
  accountId: string,
  key: SigningKey = stream.keys.read,
  at = Date.now(),
): StreamInfoRequest {
  const readKey = key.publicKey
  const signature = key.sign(streamInfoPayload({ stream: stream.id, accountId, readKey, at }))
  return { at, proofs: [{ readKey, signature }] }
}

/** Rotates the stream to new keys (as removing a member does). */
export async function rotateKeys(client: StoreClient, stream: TestStream): Promise<void> {
  const keys = newStreamKeys()
  const keyVersion = stream.keyVersion + 1
  const signature = stream.keys.admin.sign(
    streamRotatePayload({
      id: stream.id,
      keyVersion,
      postKey: keys.post.publicKey,
      readKey: keys.read.publicKey,
      adminKey: keys.admin.publicKey,
    }),
  )
  stream.info = await client.rotateStreamKeys(stream.id, {
    keyVersion,
    postKey: keys.post.publicKey,
    readKey: keys.read.publicKey,
    adminKey: keys.admin.publicKey,
    signature,
  })
  stream.keys = keys
  stream.keyVersion = keyVersion
}
