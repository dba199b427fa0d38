// For the adversarial tests of servers: what a hostile backend and a hostile member can do.
// - The backend's own store, opened beside the running backend: every shard and enclave it holds
//   (what a colluding operator hands a removed member), and shards written past the door (posts
//   whose signature the honest backend would refuse).
// - A relay in front of the backend for one client: it answers chosen requests itself (a stale
//   stream record, a refused post, a log with a commit withheld), the rest it passes on.
// - Devices made by login on a new profile folder, or with a clock the test moves.
// - The key material a device holds, tried against recorded ciphertext.
import Database from 'better-sqlite3'
import { mkdtempSync } from 'node:fs'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { join } from 'node:path'
import WebSocket, { WebSocketServer } from 'ws'
import { API_EVENTS } from '../../shared/api'
import { fromBase64Url } from '../../shared/encoding'
import { shardPayload, type Shard } from '../../shared/protocol'
import { AccountService } from '../account'
import { TEST_PASSWORD } from '../account/test-passwords'
import { createSealer } from '../cache/sealing'
import {
  deriveKey,
  deriveLoginSecrets,
  importIdentity,
  openSealed,
  signPayloadB64,
} from '../crypto'
import type { KeyPair } from '../crypto'
import { TEST_KDF } from '../crypto/test-kdf'
import { CoreEvents } from '../events'
import { GroupError, ServerGroup } from '../mls/group'
import { PeerDirectory } from '../peers'
import { logKeys } from '../server-keys'
import { bodyEpoch, openItem, sealItem } from '../shard-codec'
import { createServerCore } from '../sync/services'
import type { Backend, TestUser } from '../sync/test-world'
import { openVaultData } from '../account/vault-io'
import { exportEpochSecrets, type LogItem } from './group-io'
import {
  epochSecretsOf,
  keyEpochOf,
  loadServer,
  type EpochSecrets,
  type StoredServer,
} from './group-store'
import { randomId } from './ids'
import type { ServerContext } from './server-context'

// --- the backend's store ---------------------------------------------------------------------

export interface BackendStore {
  /** Every shard the backend holds for `stream`, in seq order. */
  shards(stream: string): Shard[]
  /** The stream's last seq. */
  head(stream: string): number
  /** Stores a shard as the backend would after a post, without checking its signature. */
  inject(stream: string, shard: { id?: string; body: string; burnAt: number | null }): Shard
  /** Every enclave body the backend holds. */
  enclaveBodies(): string[]
  close(): void
}

interface ShardRow {
  id: string
  stream_id: string
  seq: number
  body: string
  burn_at: number | null
  received_at: number
  signature: string | null
}

const toShard = (row: ShardRow): Shard => ({
  id: row.id,
  stream: row.stream_id,
  seq: row.seq,
  body: row.body,
  burnAt: row.burn_at,
  receivedAt: row.received_at,
  signature: row.signature,
})

export function openBackendStore(backend: Backend): BackendStore {
  const db = new Database(join(backend.dir, 'store.db'))
  db.pragma('busy_timeout = 5000')
  const select = db.prepare<[string], ShardRow>(
    'SELECT * FROM shards WHERE stream_id = ? ORDER BY seq',
  )
  const head = db.prepare<[string], { head_seq: number }>(
    'SELECT head_seq FROM streams WHERE id = ?',
  )
  const advance = db.prepare<[string], { head_seq: number }>(
    'UPDATE streams SET head_seq = head_seq + 1 WHERE id = ? RETURNING head_seq',
  )
  const insert = db.prepare(
    `INSERT INTO shards (id, stream_id, seq, body, burn_at, received_at, signature)
     VALUES (@id, @stream_id, @seq, @body, @burn_at, @received_at, NULL)`,
  )
  const enclaves = db.prepare<[], { body: string }>('SELECT body FROM enclaves')
  return {
    shards: (stream) => select.all(stream).map(toShard),
    head: (stream) => head.get(stream)?.head_seq ?? 0,
    inject: db.transaction((stream: string, shard: Parameters<BackendStore['inject']>[1]) => {
      const seq = advance.get(stream)!.head_seq
      const row: ShardRow = {
        id: shard.id ?? randomId(),
        stream_id: stream,
        seq,
        body: shard.body,
        burn_at: shard.burnAt,
        received_at: Date.now(),
        signature: null,
      }
      insert.run(row)
      return toShard(row)
    }),
    enclaveBodies: () => enclaves.all().map((row) => row.body),
    close: () => db.close(),
  }
}

// --- a relay that lies -----------------------------------------------------------------------

export interface RelayRequest {
  readonly method: string
  readonly path: string
  readonly body: unknown
}

export interface RelayAnswer {
  readonly status: number
  readonly body: unknown
}

export interface HostileRelay {
  readonly url: string
  /** Answers a request itself; undefined passes it on to the backend. */
  intercept: ((request: RelayRequest) => RelayAnswer | undefined) | null
  /** Every request the client made, in order. */
  readonly requests: RelayRequest[]
  close(): Promise<void>
}

/** A refusal in the backend's words. */
export const refusal = (status: number, error: string): RelayAnswer => ({
  status,
  body: { error, message: `${error} (hostile relay)` },
})

export async function startHostileRelay(targetUrl: string): Promise<HostileRelay> {
  const target = new URL(targetUrl)
  const requests: RelayRequest[] = []
  const sockets = new Set<WebSocket>()
  const relay: HostileRelay = {
    url: '',
    intercept: null,
    requests,
    close: () => Promise.resolve(),
  }
  const server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      const raw = Buffer.concat(chunks)
      const request: RelayRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        body: raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as unknown) : null,
      }
      requests.push(request)
      const answer = relay.intercept?.(request)
      if (answer) {
        res.writeHead(answer.status, { 'content-type': 'application/json' })
        return void res.end(JSON.stringify(answer.body))
      }
      const headers: Record<string, string> = {}
      for (const name of ['accept', 'authorization', 'content-type']) {
        const value = req.headers[name]
        if (typeof value === 'string') headers[name] = value
      }
      const upstream = await fetch(new URL(request.path, target), {
        method: request.method,
        headers,
        body: raw.length > 0 ? raw : undefined,
      })
      const text = await upstream.text()
      const outHeaders: Record<string, string> = {
        'content-type': upstream.headers.get('content-type') ?? 'application/json',
      }
      const retryAfter = upstream.headers.get('retry-after')
      if (retryAfter) outHeaders['retry-after'] = retryAfter
      res.writeHead(upstream.status, outHeaders)
      res.end(text)
    })().catch(() => {
      res.writeHead(502)
      res.end()
    })
  })
  // The live connection, relayed frame by frame.
  const live = new WebSocketServer({ noServer: true })
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    live.handleUpgrade(req, socket, head, (client) => {
      const upstream = new WebSocket(`ws://${target.host}${req.url ?? '/'}`)
      sockets.add(client).add(upstream)
      // Frames stay text frames: the backend speaks no other kind.
      const early: string[] = []
      client.on('message', (data) => {
        if (upstream.readyState === WebSocket.OPEN) upstream.send(textOf(data))
        else early.push(textOf(data))
      })
      upstream.on('open', () => early.splice(0).forEach((data) => upstream.send(data)))
      upstream.on('message', (data) => {
        if (client.readyState === WebSocket.OPEN) client.send(textOf(data))
      })
      const end = () => {
        client.terminate()
        upstream.terminate()
        sockets.delete(client)
        sockets.delete(upstream)
      }
      client.on('close', end).on('error', end)
      upstream.on('close', end).on('error', end)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return Object.assign(relay, {
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const socket of sockets) socket.terminate()
      live.close()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  })
}

const textOf = (data: WebSocket.RawData): string =>
  Array.isArray(data)
    ? Buffer.concat(data).toString('utf8')
    : Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Buffer.from(new Uint8Array(data)).toString('utf8')

/** The relay path of a stream route. */
export const streamRoute = (stream: string, what: 'info' | 'fetch' | 'shards' | 'keys') =>
  `/v1/streams/${stream}/${what}`

/** A fetch answered from the backend's store, with the shards `keep` allows, proof or not. */
export function fetchAnswer(
  store: BackendStore,
  stream: string,
  request: RelayRequest,
  keep: (shard: Shard) => boolean,
): RelayAnswer {
  const { after, limit } = request.body as { after: number; limit: number }
  const shards = store
    .shards(stream)
    .filter((shard) => shard.seq > after && keep(shard))
    .slice(0, limit)
  return { status: 200, body: { shards, more: false, headSeq: store.head(stream) } }
}

// --- devices ---------------------------------------------------------------------------------

export interface Clock {
  /** ms added to the real time. */
  offset: number
  readonly now: () => number
}

export function movableClock(): Clock {
  const clock: Clock = { offset: 0, now: () => Date.now() + clock.offset }
  return clock
}

export interface DeviceOptions {
  /** Log in to an account registered already (a further device), rather than register. */
  readonly login?: boolean
  /** Where the device talks to: a relay, or the backend itself. */
  readonly url?: string
  readonly clock?: Clock
  /** Start sync at once (default true). */
  readonly start?: boolean
}

/**
 * A device of `name` in a new profile folder, with the session's services and a record of the
 * events the UI would receive, as test-world's newUser builds, by registration or by login.
 */
export async function newDevice(
  backend: Backend,
  name: string,
  options: DeviceOptions = {},
): Promise<TestUser> {
  const url = options.url ?? backend.url
  const errors: unknown[] = []
  let core: ReturnType<typeof createServerCore> | null = null
  const account = new AccountService({
    dataDir: mkdtempSync(join(backend.dir, `${name}-`)),
    serverUrl: url,
    kdf: TEST_KDF,
    now: options.clock?.now,
    onBeforeLock: (_session, signal) => core?.close(signal),
    onError: (error) => errors.push(error),
  })
  const session = options.login
    ? await account.login(name, TEST_PASSWORD)
    : await account.register(name, TEST_PASSWORD)
  const events = new CoreEvents()
  const seen = Object.fromEntries(API_EVENTS.map((e) => [e, []])) as unknown as TestUser['seen']
  for (const event of API_EVENTS)
    events.on(event, (payload) => (seen[event] as unknown[]).push(payload))
  core = createServerCore({
    session,
    events,
    peers: new PeerDirectory({ session }),
    url,
    live: { backoff: { baseMs: 50, capMs: 400 }, random: () => 0.5 },
    retryMs: 100,
    upkeepDelayMs: () => 200,
    onError: (error) => errors.push(error),
  })
  if (options.start ?? true) core.sync.start()
  return {
    ...core,
    name,
    account,
    session,
    events,
    seen,
    errors,
    async dispose() {
      await account.lock()
    },
  }
}

/**
 * The device's app opened again after `user.close()`: new services on the same session, knowing
 * only what its cache holds (no timer or task of the closed ones is left). Sync starts unless
 * `start` is false.
 */
export function reopened(backend: Backend, user: TestUser, start = true): TestUser {
  const core = createServerCore({
    session: user.session,
    events: user.events,
    peers: new PeerDirectory({ session: user.session }),
    url: backend.url,
    live: { backoff: { baseMs: 50, capMs: 400 }, random: () => 0.5 },
    retryMs: 100,
    upkeepDelayMs: () => 200,
    onError: (error) => user.errors.push(error),
  })
  if (start) core.sync.start()
  return {
    ...user,
    ...core,
    async dispose() {
      await core.close()
      await user.dispose()
    },
  }
}

/** The servers service's context, for the steps its upkeep takes on its own. */
export const contextOf = (user: TestUser) => (user.servers as unknown as { ctx: ServerContext }).ctx

// --- sealing and posting as a modified client ------------------------------------------------

export interface Author {
  readonly userId: string
  readonly signing: KeyPair
}

export const authorOf = (user: TestUser): Author => ({
  userId: user.session.userId,
  signing: user.session.identity.signing,
})

/** A shard body for `stream`, sealed under `contentKey` as `epoch`, signed by `author`. */
export function sealAs(
  author: Author,
  stream: string,
  shard: { id: string; burnAt: number | null },
  epoch: number,
  contentKey: Uint8Array,
  payload: unknown,
): string {
  return sealItem(
    { stream, shardId: shard.id, burnAt: shard.burnAt },
    epoch,
    contentKey,
    {
      userId: author.userId,
      signPublicKey: author.signing.publicKey,
      signSecretKey: author.signing.privateKey,
    },
    payload,
  )
}

/** Posts a sealed body through the backend's door with `postKey`. */
export async function postThroughDoor(
  user: TestUser,
  stream: string,
  shard: { id: string; burnAt: number | null; body: string },
  postKey: KeyPair,
) {
  const signature = signPayloadB64(
    shardPayload({ stream, id: shard.id, burnAt: shard.burnAt, body: shard.body }),
    postKey.privateKey,
  )
  return user.session.client.postShard(stream, { ...shard, signature })
}

/** A channel message item, as a client writes it. */
export const messageItem = (text: string, sentAt: number) => ({ type: 'message', text, sentAt })

// --- what a device holds, tried against ciphertext -------------------------------------------

/** A deep copy of what the device keeps of the server (its sealed cache value), as a thief takes it. */
export function copyServerState(user: TestUser, serverId: string): StoredServer {
  const stored = loadServer(user.session.cache, serverId)
  if (!stored) throw new Error(`${user.name} keeps nothing of ${serverId}`)
  return structuredClone(stored)
}

/** Whether `body` (of `shard` in `stream`) opens under any of `keys`, whatever epoch it claims. */
export function opensWithAny(shard: Shard, keys: readonly Uint8Array[]): boolean {
  const binding = { stream: shard.stream, shardId: shard.id, burnAt: shard.burnAt }
  return keys.some((key) => {
    try {
      openItem(binding, shard.body, () => key)
      return true
    } catch {
      return false
    }
  })
}

/**
 * The shards that open under any of `keys`: as opensWithAny, for key sets in the tens of
 * thousands, letting the backend (in this same process) answer meanwhile.
 */
export async function openedByAny(
  shards: readonly Shard[],
  keys: readonly Uint8Array[],
): Promise<Shard[]> {
  const opened: Shard[] = []
  for (const shard of shards)
    for (let i = 0; i < keys.length; i += 500) {
      await new Promise((resolve) => setImmediate(resolve))
      if (opensWithAny(shard, keys.slice(i, i + 500))) {
        opened.push(shard)
        break
      }
    }
  return opened
}

/**
 * Every key a value could give for the stream: itself, and what it gives as an epoch's
 * `secret` or `join` (the channel's and the log's content keys).
 */
export function contentKeysFrom(candidates: readonly Uint8Array[], stream: string): Uint8Array[] {
  const keys: Uint8Array[] = []
  for (const candidate of candidates) {
    if (candidate.length !== 32) continue
    keys.push(
      candidate,
      deriveKey(candidate, 'channel', stream),
      deriveKey(candidate, 'log', stream),
    )
  }
  return keys
}

/** Every 32-byte value a JSON value holds as base64url text, and every 32-byte window of bytes. */
export function secretsIn(value: unknown, into: Uint8Array[] = []): Uint8Array[] {
  if (typeof value === 'string') {
    if (/^[A-Za-z0-9_-]{43}$/.test(value)) into.push(fromBase64Url(value))
    else if (/^[A-Za-z0-9_-]{44,}$/.test(value)) {
      // Longer encoded blobs (a group state): every 32-byte window, wherever a key sits in it.
      let bytes: Uint8Array
      try {
        bytes = fromBase64Url(value)
      } catch {
        return into
      }
      for (let i = 0; i + 32 <= bytes.length; i++) into.push(bytes.slice(i, i + 32))
    }
  } else if (Array.isArray(value)) for (const item of value) secretsIn(item, into)
  else if (typeof value === 'object' && value !== null)
    for (const item of Object.values(value)) secretsIn(item, into)
  return into
}

/** The secrets of every key epoch a stored copy holds, with those of the epoch its group is in. */
export async function epochSecretsHeld(stored: StoredServer): Promise<Map<number, EpochSecrets>> {
  const held = new Map<number, EpochSecrets>()
  for (const [epoch, secrets] of Object.entries(stored.epochs))
    held.set(Number(epoch), epochSecretsOf(secrets))
  const group = await ServerGroup.decode(fromBase64Url(stored.group))
  held.set(keyEpochOf(group.epoch), await exportEpochSecrets(group))
  return held
}

export interface FollowedLog {
  /** Key epoch → its secrets, for every epoch the copy held or reached. */
  readonly secrets: Map<number, EpochSecrets>
  /** The group as of the last epoch the copy was a member of. */
  readonly lastActive: ServerGroup
  /** The copy's device was removed by a commit it processed. */
  readonly removed: boolean
}

/**
 * What a modified client gets from a kept or stolen copy of a device by following the server's
 * log as a colluding backend serves it in full: the copy's epochs, then each commit it can take
 * (the first valid one of an epoch wins), for as long as its device stays in the group.
 */
export async function followLog(
  copy: StoredServer,
  serverId: string,
  log: readonly Shard[],
): Promise<FollowedLog> {
  const secrets = await epochSecretsHeld(copy)
  let group = await ServerGroup.decode(fromBase64Url(copy.group))
  for (const shard of log) {
    const epoch = keyEpochOf(group.epoch)
    if (bodyEpoch(shard.body) !== epoch) continue
    let item: LogItem
    try {
      item = openItem(
        { stream: serverId, shardId: shard.id, burnAt: shard.burnAt },
        shard.body,
        () => logKeys(secrets.get(epoch)!.join, serverId).contentKey,
      ).payload as LogItem
    } catch {
      continue
    }
    try {
      const result = await group.process(fromBase64Url(item.m))
      if ('proposal' in result) {
        group = result.group
        continue
      }
      if (result.removedHere) return { secrets, lastActive: group, removed: true }
      group = result.group
      secrets.set(keyEpochOf(group.epoch), await exportEpochSecrets(group))
    } catch (error) {
      // Refused, of another epoch, or beyond this copy's keys: as a client, it goes on.
      if (!(error instanceof GroupError)) throw error
    }
  }
  return { secrets, lastActive: group, removed: false }
}

export const secretValues = (secrets: Map<number, EpochSecrets>) =>
  [...secrets.values()].flatMap((s) => [s.secret, s.join])

/**
 * A device's complete state as found on disk after it locked: the profile (its vault opened
 * with the password) and every sealed value of its cache (opened with the vault's cache key),
 * plus what its account's box key opens among the backend's enclaves.
 */
export async function deviceStateOnDisk(
  user: TestUser,
  enclaveBodies: readonly string[],
): Promise<{ values: unknown[]; vault: unknown; secrets: Uint8Array[] }> {
  const profiles = user.account.profiles
  const handle = profiles.lastAccountHandle()!
  const profile = profiles.read(handle)!
  const login = await deriveLoginSecrets(TEST_PASSWORD, fromBase64Url(profile.salt), profile.kdf)
  const vault = openVaultData(profile.vault.body, login.vaultKey, handle, profile.vault.version)
  const sealer = await createSealer(fromBase64Url(vault.cacheKey))
  const db = new Database(profiles.cachePathOf(handle), { readonly: true })
  const values: unknown[] = []
  try {
    const rows = db
      .prepare<[], { key_hash: Uint8Array; body: Uint8Array }>(
        'SELECT key_hash, body FROM client_values',
      )
      .all()
    for (const row of rows) {
      const opened = sealer.openJson('values', [row.key_hash], row.body)
      if (!opened) throw new Error('a sealed value of the cache did not open')
      values.push(opened.value)
    }
  } finally {
    db.close()
    sealer.wipe()
  }
  const secrets = secretsIn([values, vault])
  // Stored groups: the secrets their current epoch exports.
  for (const value of values) {
    const group = (value as Partial<StoredServer> | null)?.group
    if ((value as Partial<StoredServer> | null)?.v !== 2 || typeof group !== 'string') continue
    const held = await exportEpochSecrets(await ServerGroup.decode(fromBase64Url(group)))
    secrets.push(held.secret, held.join)
  }
  // The join enclaves: what the account's box key opens in them.
  const box = importIdentity(vault.identity).box
  for (const body of enclaveBodies) {
    let sealedKeys: unknown
    try {
      sealedKeys = (
        JSON.parse(Buffer.from(fromBase64Url(body)).toString('utf8')) as {
          keys?: unknown
        }
      ).keys
    } catch {
      continue
    }
    if (!Array.isArray(sealedKeys)) continue
    for (const sealed of sealedKeys) {
      try {
        secrets.push(openSealed(box, fromBase64Url(sealed as string)))
      } catch {
        // Sealed to someone else.
      }
    }
  }
  return { values, vault, secrets }
}
