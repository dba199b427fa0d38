// A small client of the HTTP API for tests: every request is built and signed with the shared
// payload builders, exactly as a real client must.
import {
  DEFAULT_KDF,
  LIMITS,
  type FetchResponse,
  type KdfParams,
  type LoginResponse,
  type ShardPostResponse,
  type StreamInfo,
  type StreamPolicy,
  enclaveWritePayload,
  loginPayload,
  readPayload,
  shardPayload,
  streamCreatePayload,
  streamInfoPayload,
  streamRotatePayload,
} from '../../shared/protocol'
import { newKeyPair, randomB64, type TestKeyPair } from './keys'

export interface Reply<T = unknown> {
  readonly status: number
  /** Parsed JSON, or the text when the answer is not JSON. */
  readonly body: T
  readonly headers: Headers
}

export interface RequestOptions {
  readonly token?: string
  /** Sent as JSON. */
  readonly body?: unknown
  /** Sent as is, with content-type application/json. */
  readonly rawBody?: string
}

export interface TestAccount {
  readonly handle: string
  readonly accountId: string
  loginKey: TestKeyPair
}

export interface SignedIn extends TestAccount {
  readonly token: string
  readonly login: LoginResponse
}

export interface TestStream {
  readonly id: string
  keyVersion: number
  postKey: TestKeyPair
  readKey: TestKeyPair
  adminKey: TestKeyPair
}

export class StoreTestClient {
  constructor(readonly baseUrl: string) {}

  async request<T = unknown>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = {}
    if (options.token) headers.authorization = `Bearer ${options.token}`
    let body: string | undefined
    if (options.rawBody !== undefined || options.body !== undefined) {
      headers['content-type'] = 'application/json'
      body = options.rawBody ?? JSON.stringify(options.body)
    }
    const response = await fetch(this.baseUrl + path, { method, headers, body })
    const text = await response.text()
    let parsed: unknown = text
    try {
      parsed = JSON.parse(text)
    } catch {
      // not JSON (e.g. /metrics): keep the text
    }
    return { status: response.status, body: parsed as T, headers: response.headers }
  }

  /** Registers a fresh account with a random handle and vault; throws unless 201. */
  async register(vaultBody = randomB64(48)): Promise<TestAccount> {
    const handle = randomB64(32)
    const loginKey = newKeyPair()
    const reply = await this.request<{ accountId: string }>('POST', '/v1/accounts', {
      body: registerBody(handle, loginKey, vaultBody),
    })
    expectStatus(reply, 201)
    return { handle, accountId: reply.body.accountId, loginKey }
  }

  async login(account: TestAccount): Promise<SignedIn> {
    const challenge = await this.challenge(account.handle)
    const reply = await this.request<LoginResponse>('POST', '/v1/auth/login', {
      body: {
        handle: account.handle,
        challengeId: challenge.challengeId,
        signature: account.loginKey.sign(loginPayload({ handle: account.handle, ...challenge })),
      },
    })
    expectStatus(reply, 200)
    return Object.assign(account, { token: reply.body.token, login: reply.body })
  }

  async signUp(): Promise<SignedIn> {
    return this.login(await this.register())
  }

  async challenge(handle: string): Promise<{ challengeId: string; nonce: string }> {
    const reply = await this.request<{ challengeId: string; nonce: string }>(
      'POST',
      '/v1/auth/challenge',
      {
        body: { handle },
      },
    )
    expectStatus(reply, 200)
    return reply.body
  }

  async createStream(
    token: string,
    options: Partial<Pick<StreamPolicy, 'permanent' | 'maxBurnSeconds'>> & { inbox?: boolean } = {},
  ): Promise<TestStream> {
    const stream: TestStream = {
      id: randomB64(16),
      keyVersion: 1,
      postKey: newKeyPair(),
      readKey: newKeyPair(),
      adminKey: newKeyPair(),
    }
    const policy: StreamPolicy = {
      postKey: options.inbox ? null : stream.postKey.publicKey,
      readKey: stream.readKey.publicKey,
      adminKey: stream.adminKey.publicKey,
      permanent: options.permanent ?? false,
      maxBurnSeconds: options.maxBurnSeconds ?? 3600,
    }
    const reply = await this.request<StreamInfo>('POST', '/v1/streams', {
      token,
      body: {
        id: stream.id,
        policy,
        signature: stream.adminKey.sign(streamCreatePayload({ id: stream.id, policy })),
      },
    })
    expectStatus(reply, 201)
    return stream
  }

  /** Rotates to fresh keys, signed by the current admin key; updates `stream`. */
  async rotate(token: string, stream: TestStream): Promise<Reply<StreamInfo>> {
    const next = { postKey: newKeyPair(), readKey: newKeyPair(), adminKey: newKeyPair() }
    const keys = {
      keyVersion: stream.keyVersion + 1,
      postKey: next.postKey.publicKey,
      readKey: next.readKey.publicKey,
      adminKey: next.adminKey.publicKey,
    }
    const reply = await this.request<StreamInfo>('POST', `/v1/streams/${stream.id}/keys`, {
      token,
      body: {
        ...keys,
        signature: stream.adminKey.sign(streamRotatePayload({ id: stream.id, ...keys })),
      },
    })
    if (reply.status === 200) Object.assign(stream, next, { keyVersion: keys.keyVersion })
    return reply
  }

  /** A signed post request body (burning in an hour unless told otherwise). */
  shardRequest(
    stream: TestStream,
    options: { id?: string; body?: string; burnAt?: number | null; key?: TestKeyPair | null } = {},
  ) {
    const id = options.id ?? randomB64(16)
    const body = options.body ?? randomB64(32)
    const burnAt = options.burnAt === undefined ? Date.now() + 3_600_000 : options.burnAt
    const key = options.key === undefined ? stream.postKey : options.key
    const signature =
      key === null ? null : key.sign(shardPayload({ stream: stream.id, id, burnAt, body }))
    return { id, body, burnAt, signature }
  }

  post(token: string, stream: TestStream, request: ReturnType<StoreTestClient['shardRequest']>) {
    return this.request<ShardPostResponse>('POST', `/v1/streams/${stream.id}/shards`, {
      token,
      body: request,
    })
  }

  /** Posts `count` shards in order; returns their seqs. */
  async postMany(token: string, stream: TestStream, count: number): Promise<number[]> {
    const seqs: number[] = []
    for (let i = 0; i < count; i++) {
      const reply = await this.post(token, stream, this.shardRequest(stream))
      expectStatus(reply, 201)
      seqs.push(reply.body.seq)
    }
    return seqs
  }

  /** The stream's info, proving its current read key (or `keys`) for `account`. */
  streamInfo(
    account: SignedIn,
    stream: Pick<TestStream, 'id' | 'readKey'>,
    options: { keys?: readonly TestKeyPair[]; at?: number } = {},
  ) {
    const at = options.at ?? Date.now()
    const keys = options.keys ?? [stream.readKey]
    return this.request<StreamInfo>('POST', `/v1/streams/${stream.id}/info`, {
      token: account.token,
      body: {
        at,
        proofs: keys.map((key) => ({
          readKey: key.publicKey,
          signature: key.sign(
            streamInfoPayload({
              stream: stream.id,
              accountId: account.accountId,
              readKey: key.publicKey,
              at,
            }),
          ),
        })),
      },
    })
  }

  fetch(
    account: SignedIn,
    stream: TestStream,
    options: { after?: number; limit?: number; proof?: ReturnType<typeof readProof> } = {},
  ) {
    return this.request<FetchResponse>('POST', `/v1/streams/${stream.id}/fetch`, {
      token: account.token,
      body: {
        after: options.after ?? 0,
        limit: options.limit ?? LIMITS.maxFetchLimit,
        proof: options.proof ?? readProof(stream, account.accountId),
      },
    })
  }
}

export function registerBody(handle: string, loginKey: TestKeyPair, vaultBody: string) {
  const signed = enclaveWritePayload({
    id: handle,
    kind: 'vault',
    version: 1,
    ownerKey: loginKey.publicKey,
    expiresAt: null,
    body: vaultBody,
  })
  const kdf: KdfParams = { ...DEFAULT_KDF }
  return {
    handle,
    loginPublicKey: loginKey.publicKey,
    salt: randomB64(16),
    kdf,
    vault: { body: vaultBody, signature: loginKey.sign(signed) },
  }
}

/** A read proof by the stream's current read key (or `key` at `keyVersion`). */
export function readProof(
  stream: TestStream,
  accountId: string,
  options: { key?: TestKeyPair; keyVersion?: number; at?: number } = {},
) {
  const keyVersion = options.keyVersion ?? stream.keyVersion
  const at = options.at ?? Date.now()
  const key = options.key ?? stream.readKey
  return {
    keyVersion,
    at,
    signature: key.sign(readPayload({ stream: stream.id, accountId, keyVersion, at })),
  }
}

export function expectStatus(reply: Reply, status: number): void {
  if (reply.status !== status)
    throw new Error(`expected HTTP ${status}, got ${reply.status}: ${JSON.stringify(reply.body)}`)
}
