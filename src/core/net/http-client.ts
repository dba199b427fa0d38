// The typed HTTP client of the blind store: one method per route. Requests are checked against
// the protocol schemas before they leave, and every answer is checked before anything in the
// client core sees it, so a faulty or hostile server can refuse but never feed malformed data.
import { Compile } from 'typebox/compile'
import type { TSchema } from 'typebox'
import {
  AccountDeleteRequest,
  ChallengeRequest,
  ChallengeResponse,
  Enclave,
  EnclaveCreateRequest,
  EnclaveDeleteRequest,
  EnclaveUpdateRequest,
  ErrorBody,
  FetchRequest,
  FetchResponse,
  Handle,
  Id,
  LoginRequest,
  LoginResponse,
  Ok,
  PasswordChangeRequest,
  RegisterRequest,
  RegisterResponse,
  SaltResponse,
  ServerInfo,
  ShardPostRequest,
  ShardPostResponse,
  StreamCreateRequest,
  StreamInfo,
  StreamInfoRequest,
  StreamRotateRequest,
  TurnCredentials,
  type ErrorCode,
} from '../../shared/protocol'
import {
  ApiError,
  InvalidRequestError,
  ProtocolError,
  ServerUnreachableError,
  type UnreachableReason,
} from './errors'
import { embeddedAccessHeaders, type EmbeddedBackendAccess } from './embedded-access'
import { parseRetryAfter } from './retry-after'
import { insecureUrlProblem } from './server-url'

export interface StoreClientOptions {
  /** The server's base URL, e.g. https://chat.example.org (a path prefix is kept). */
  readonly baseUrl: string
  /** The session token, if one is already known. */
  readonly token?: string | null
  /** How long one request may take, connection and body included. */
  readonly timeoutMs?: number
  /** Largest response body read; a fetch page of 500 full shards is about 44 MB. */
  readonly maxResponseBytes?: number
  /** The host's embedded backend: when `baseUrl` is it, every request carries its secret. */
  readonly embeddedBackend?: EmbeddedBackendAccess | null
}

export const DEFAULT_TIMEOUT_MS = 15_000
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024

/** A compiled schema: a type guard plus the reasons a value fails it. */
interface Checker<T> {
  Check(value: unknown): value is T
  Errors(value: unknown): readonly { instancePath: string; message: string }[]
}
const compile = <T extends TSchema>(schema: T) => Compile(schema)

const check = {
  handle: compile(Handle),
  id: compile(Id),
  ok: compile(Ok),
  error: compile(ErrorBody),
  saltResponse: compile(SaltResponse),
  registerRequest: compile(RegisterRequest),
  registerResponse: compile(RegisterResponse),
  challengeRequest: compile(ChallengeRequest),
  challengeResponse: compile(ChallengeResponse),
  loginRequest: compile(LoginRequest),
  loginResponse: compile(LoginResponse),
  passwordChangeRequest: compile(PasswordChangeRequest),
  accountDeleteRequest: compile(AccountDeleteRequest),
  enclave: compile(Enclave),
  enclaveCreateRequest: compile(EnclaveCreateRequest),
  enclaveUpdateRequest: compile(EnclaveUpdateRequest),
  enclaveDeleteRequest: compile(EnclaveDeleteRequest),
  streamCreateRequest: compile(StreamCreateRequest),
  streamInfo: compile(StreamInfo),
  streamInfoRequest: compile(StreamInfoRequest),
  streamRotateRequest: compile(StreamRotateRequest),
  shardPostRequest: compile(ShardPostRequest),
  shardPostResponse: compile(ShardPostResponse),
  fetchRequest: compile(FetchRequest),
  fetchResponse: compile(FetchResponse),
  turnCredentials: compile(TurnCredentials),
  serverInfo: compile(ServerInfo),
}

/** When an error body is not the protocol's, statuses a proxy in front may answer still mean something. */
const CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  401: 'unauthorized',
  404: 'not_found',
  413: 'payload_too_large',
  429: 'rate_limited',
  502: 'unavailable',
  503: 'unavailable',
  504: 'unavailable',
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'

interface Call<T> {
  readonly method: Method
  readonly path: string
  readonly auth: boolean
  readonly body?: unknown
  readonly response: Checker<T>
}

export class StoreClient {
  private readonly baseUrl: URL
  private readonly timeoutMs: number
  private readonly maxResponseBytes: number
  /** Sent with every request: the embedded backend's secret, when it is the server. */
  private readonly accessHeaders: Readonly<Record<string, string>>
  private sessionToken: string | null

  constructor(options: StoreClientOptions) {
    this.baseUrl = parseBaseUrl(options.baseUrl)
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
    this.accessHeaders = embeddedAccessHeaders(options.embeddedBackend, this.baseUrl)
    this.sessionToken = options.token ?? null
  }

  /** The bearer token sent with authenticated routes; null when signed out. */
  get token(): string | null {
    return this.sessionToken
  }

  setToken(token: string | null): void {
    this.sessionToken = token
  }

  // --- accounts -------------------------------------------------------------------------------

  /** The Argon2id salt and parameters of a handle (a stable fake one for unknown handles). */
  async getSalt(handle: string): Promise<SaltResponse> {
    requireValid(check.handle, handle, 'handle')
    const query = new URLSearchParams({ handle })
    return this.call({
      method: 'GET',
      path: `/v1/accounts/salt?${query.toString()}`,
      auth: false,
      response: check.saltResponse,
    })
  }

  async register(request: RegisterRequest): Promise<RegisterResponse> {
    return this.call({
      method: 'POST',
      path: '/v1/accounts',
      auth: false,
      body: requireValid(check.registerRequest, request, 'register request'),
      response: check.registerResponse,
    })
  }

  /** A login (or account deletion) challenge for `handle`, to be signed by the login key. */
  async challenge(handle: string): Promise<ChallengeResponse> {
    return this.call({
      method: 'POST',
      path: '/v1/auth/challenge',
      auth: false,
      body: requireValid(check.challengeRequest, { handle }, 'challenge request'),
      response: check.challengeResponse,
    })
  }

  /** Answers a challenge; on success the session token is kept for the calls that follow. */
  async login(request: LoginRequest): Promise<LoginResponse> {
    const response = await this.call({
      method: 'POST',
      path: '/v1/auth/login',
      auth: false,
      body: requireValid(check.loginRequest, request, 'login request'),
      response: check.loginResponse,
    })
    if (response.vault.id !== request.handle || response.vault.kind !== 'vault')
      throw new ProtocolError(200, 'login answered with a vault that is not this handle’s')
    this.sessionToken = response.token
    return response
  }

  /** Ends the session on the server; the token is forgotten here whatever the server says. */
  async logout(): Promise<void> {
    try {
      await this.call({ method: 'POST', path: '/v1/auth/logout', auth: true, response: check.ok })
    } finally {
      this.sessionToken = null
    }
  }

  async changePassword(request: PasswordChangeRequest): Promise<void> {
    await this.call({
      method: 'POST',
      path: '/v1/accounts/me/password',
      auth: true,
      body: requireValid(check.passwordChangeRequest, request, 'password change request'),
      response: check.ok,
    })
  }

  /** Deletes the signed-in account (after a fresh challenge); the token is forgotten. */
  async deleteAccount(request: AccountDeleteRequest): Promise<void> {
    await this.call({
      method: 'DELETE',
      path: '/v1/accounts/me',
      auth: true,
      body: requireValid(check.accountDeleteRequest, request, 'account delete request'),
      response: check.ok,
    })
    this.sessionToken = null
  }

  // --- enclaves -------------------------------------------------------------------------------

  async createEnclave(request: EnclaveCreateRequest): Promise<Enclave> {
    const enclave = await this.call({
      method: 'POST',
      path: '/v1/enclaves',
      auth: true,
      body: requireValid(check.enclaveCreateRequest, request, 'enclave create request'),
      response: check.enclave,
    })
    expectSame(enclave.id, request.id, 'enclave id')
    expectSame(enclave.version, 1, 'new enclave version')
    return enclave
  }

  async getEnclave(id: string): Promise<Enclave> {
    const enclave = await this.call({
      method: 'GET',
      path: `/v1/enclaves/${pathId(id)}`,
      auth: true,
      response: check.enclave,
    })
    expectSame(enclave.id, id, 'enclave id')
    return enclave
  }

  /** Compare-and-swap: `request.version` must be the stored version + 1, else version_conflict. */
  async updateEnclave(id: string, request: EnclaveUpdateRequest): Promise<Enclave> {
    const enclave = await this.call({
      method: 'PUT',
      path: `/v1/enclaves/${pathId(id)}`,
      auth: true,
      body: requireValid(check.enclaveUpdateRequest, request, 'enclave update request'),
      response: check.enclave,
    })
    expectSame(enclave.id, id, 'enclave id')
    expectSame(enclave.version, request.version, 'enclave version')
    return enclave
  }

  async deleteEnclave(id: string, request: EnclaveDeleteRequest): Promise<void> {
    await this.call({
      method: 'DELETE',
      path: `/v1/enclaves/${pathId(id)}`,
      auth: true,
      body: requireValid(check.enclaveDeleteRequest, request, 'enclave delete request'),
      response: check.ok,
    })
  }

  // --- streams and shards ---------------------------------------------------------------------

  async createStream(request: StreamCreateRequest): Promise<StreamInfo> {
    const info = await this.call({
      method: 'POST',
      path: '/v1/streams',
      auth: true,
      body: requireValid(check.streamCreateRequest, request, 'stream create request'),
      response: check.streamInfo,
    })
    expectSame(info.id, request.id, 'stream id')
    return info
  }

  /** The stream's policy and key history, to a holder of one of its read keys (`request`). */
  async getStream(id: string, request: StreamInfoRequest): Promise<StreamInfo> {
    const info = await this.call({
      method: 'POST',
      path: `/v1/streams/${pathId(id)}/info`,
      auth: true,
      body: requireValid(check.streamInfoRequest, request, 'stream info request'),
      response: check.streamInfo,
    })
    expectSame(info.id, id, 'stream id')
    return info
  }

  async rotateStreamKeys(id: string, request: StreamRotateRequest): Promise<StreamInfo> {
    const info = await this.call({
      method: 'POST',
      path: `/v1/streams/${pathId(id)}/keys`,
      auth: true,
      body: requireValid(check.streamRotateRequest, request, 'stream rotate request'),
      response: check.streamInfo,
    })
    expectSame(info.id, id, 'stream id')
    expectSame(info.keyVersion, request.keyVersion, 'stream key version')
    return info
  }

  /** Posts a shard; a retry with the same id answers the first result (safe to repeat). */
  async postShard(stream: string, request: ShardPostRequest): Promise<ShardPostResponse> {
    const posted = await this.call({
      method: 'POST',
      path: `/v1/streams/${pathId(stream)}/shards`,
      auth: true,
      body: requireValid(check.shardPostRequest, request, 'shard post request'),
      response: check.shardPostResponse,
    })
    expectSame(posted.id, request.id, 'shard id')
    return posted
  }

  /** One page of shards after `request.after`, in seq order; fetch again while `more`. */
  async fetchShards(stream: string, request: FetchRequest): Promise<FetchResponse> {
    const page = await this.call({
      method: 'POST',
      path: `/v1/streams/${pathId(stream)}/fetch`,
      auth: true,
      body: requireValid(check.fetchRequest, request, 'fetch request'),
      response: check.fetchResponse,
    })
    // A page must hold only this stream's shards, after the cursor, in strictly rising order.
    if (page.shards.length > request.limit)
      throw new ProtocolError(
        200,
        `fetch answered ${page.shards.length} shards for a limit of ${request.limit}`,
      )
    let last = request.after
    for (const shard of page.shards) {
      expectSame(shard.stream, stream, 'shard stream')
      if (shard.seq <= last)
        throw new ProtocolError(200, `fetch answered seq ${shard.seq} after seq ${last}`)
      last = shard.seq
    }
    if (page.headSeq < last)
      throw new ProtocolError(200, `fetch answered head seq ${page.headSeq} below seq ${last}`)
    return page
  }

  // --- misc -----------------------------------------------------------------------------------

  /** Short-lived TURN credentials for relaying calls. */
  async turnCredentials(): Promise<TurnCredentials> {
    return this.call({
      method: 'GET',
      path: '/v1/turn',
      auth: true,
      response: check.turnCredentials,
    })
  }

  /** Which protocol the server speaks, and its version (GET /info). */
  async info(): Promise<ServerInfo> {
    return this.call({ method: 'GET', path: '/info', auth: false, response: check.serverInfo })
  }

  /** Resolves when the server answers its health check; throws like any other call otherwise. */
  async health(): Promise<void> {
    await this.call({ method: 'GET', path: '/healthz', auth: false, response: check.ok })
  }

  // --- transport ------------------------------------------------------------------------------

  private async call<T>(call: Call<T>): Promise<T> {
    // 1. Build the request; an authenticated route without a token is refused here.
    const url = new URL(this.baseUrl.pathname.replace(/\/$/, '') + call.path, this.baseUrl)
    const headers: Record<string, string> = { ...this.accessHeaders, accept: 'application/json' }
    if (call.auth) {
      if (this.sessionToken === null)
        throw new ApiError('unauthorized', 401, 'not signed in: no session token')
      headers.authorization = `Bearer ${this.sessionToken}`
    }
    if (call.body !== undefined) headers['content-type'] = 'application/json'

    // 2. Send, and read the whole answer under one deadline.
    const signal = AbortSignal.timeout(this.timeoutMs)
    let status: number
    let text: string
    let retryAfter: string | null
    try {
      const response = await fetch(url, {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal,
        redirect: 'error',
      })
      status = response.status
      retryAfter = response.headers.get('retry-after')
      text = await readCapped(response, this.maxResponseBytes)
    } catch (error) {
      throw toNetworkError(error, url.href)
    }

    // 3. Parse and check the answer against the protocol.
    if (status >= 200 && status < 300)
      return requireResponse(call.response, parseJson(text, status), status)
    throw toApiError(parseJsonOrUndefined(text), status, parseRetryAfter(retryAfter, Date.now()))
  }
}

function parseBaseUrl(baseUrl: string): URL {
  let url: URL
  try {
    url = new URL(baseUrl)
  } catch {
    throw new InvalidRequestError(`not a URL: ${baseUrl}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidRequestError(`the server URL must be http(s): ${baseUrl}`)
  const insecure = insecureUrlProblem(url, 'the server URL', baseUrl)
  if (insecure !== null) throw new InvalidRequestError(insecure)
  return url
}

function pathId(id: string): string {
  requireValid(check.id, id, 'id')
  return encodeURIComponent(id)
}

function requireValid<T>(checker: Checker<T>, value: T, what: string): T {
  if (checker.Check(value)) return value
  const problems = describe(checker, value)
  throw new InvalidRequestError(`invalid ${what}: ${problems.join('; ')}`, problems)
}

function requireResponse<T>(checker: Checker<T>, value: unknown, status: number): T {
  if (checker.Check(value)) return value
  const problems = describe(checker, value)
  throw new ProtocolError(status, `malformed response: ${problems.join('; ')}`, problems)
}

function describe(checker: Checker<unknown>, value: unknown): string[] {
  return checker
    .Errors(value)
    .slice(0, 5)
    .map((e) => `${e.instancePath || '(root)'} ${e.message}`)
}

function expectSame<T>(actual: T, expected: T, what: string): void {
  if (actual !== expected)
    throw new ProtocolError(
      200,
      `${what} mismatch: asked for ${String(expected)}, got ${String(actual)}`,
    )
}

function parseJson(text: string, status: number): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new ProtocolError(status, `response is not JSON (HTTP ${status})`)
  }
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function toApiError(
  json: unknown,
  status: number,
  retryAfterMs: number | null,
): ApiError | ProtocolError {
  const wait = retryAfterMs ?? undefined
  if (check.error.Check(json))
    return new ApiError(json.error, status, json.message, json.currentVersion, wait)
  const code = CODE_BY_STATUS[status]
  if (code) return new ApiError(code, status, `HTTP ${status}`, undefined, wait)
  return new ProtocolError(status, `HTTP ${status} without a protocol error body`)
}

/** Reads the body as text, refusing to buffer more than `maxBytes`. */
async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'))
  if (declared > maxBytes) {
    await response.body?.cancel()
    throw new ProtocolError(response.status, `response of ${declared} bytes exceeds ${maxBytes}`)
  }
  if (!response.body) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  // Node's fetch types the body's chunks as any; they are bytes.
  const reader = (response.body as ReadableStream<Uint8Array>).getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel()
      throw new ProtocolError(response.status, `response exceeds ${maxBytes} bytes`)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

const REASON_BY_CODE: Readonly<Record<string, UnreachableReason>> = {
  ECONNREFUSED: 'refused',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
}

/** Maps what fetch throws to the network layer's errors; our own errors pass through. */
function toNetworkError(error: unknown, url: string): Error {
  if (error instanceof ProtocolError) return error
  if (isNamed(error, 'TimeoutError'))
    return new ServerUnreachableError('timeout', url, { cause: error })
  // fetch reports every transport failure as a TypeError whose cause carries the system code.
  if (error instanceof TypeError) {
    const reason = REASON_BY_CODE[causeCode(error) ?? ''] ?? 'network'
    return new ServerUnreachableError(reason, url, { cause: error })
  }
  return error instanceof Error ? error : new Error(String(error))
}

function isNamed(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && 'name' in error && error.name === name
}

function causeCode(error: Error): string | undefined {
  // Undici nests: TypeError → cause (SocketError or system error) → maybe another cause.
  let cause: unknown = error.cause
  for (let depth = 0; depth < 3 && typeof cause === 'object' && cause !== null; depth++) {
    if ('code' in cause && typeof cause.code === 'string') return cause.code
    cause = 'cause' in cause ? cause.cause : undefined
  }
  return undefined
}
