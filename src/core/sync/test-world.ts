// For the servers, messages and sync tests: the real backend on a temp SQLite file (restartable
// on the same file and port), and users each registered through the real account service (with
// the fast test KDF), with the session's services and a record of the events the UI would
// receive. Locking a user goes the real way: the services stop, then the session is wiped.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { API_EVENTS, type ApiEventName, type ApiEvents, type InviteInfo } from '../../shared/api'
import { startServer, type RunningServer } from '../../server'
import type { ServerConfig } from '../../server/config'
import { AccountService } from '../account'
import { TEST_PASSWORD } from '../account/test-passwords'
import { TEST_KDF } from '../crypto/test-kdf'
import { CoreEvents } from '../events'
import { waitFor } from '../net/test-waiting'
import { PeerDirectory } from '../peers'
import { NEW_MEMBER_NAME } from '../servers/group-view'
import type { UnlockedSession } from '../session'
import { createServerCore, type ServerCore, type ServerCoreOptions } from './services'

export { settle, waitFor } from '../net/test-waiting'

export interface Backend {
  readonly url: string
  readonly dir: string
  /** Stops the backend (clients see it go away). */
  stop(): Promise<void>
  /** Starts it again on the same database file and port. */
  restart(): Promise<void>
  /** Stops it and deletes every file. */
  dispose(): Promise<void>
}

/** `config`: server settings other than the test defaults (e.g. the real rate limits). */
export async function startBackend(
  prefix = 'paracord-core-',
  config: Partial<ServerConfig> = {},
): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const db = `sqlite:${join(dir, 'store.db')}`
  const options = { db, logLevel: 'silent' as const, rateLimitPerMinute: 100_000, ...config }
  let server: RunningServer | null = await startServer({ ...options, port: 0 })
  const port = server.port
  const url = server.url
  return {
    url,
    dir,
    async stop() {
      await server?.close()
      server = null
    },
    async restart() {
      server ??= await startServer({ ...options, port })
    },
    async dispose() {
      await server?.close()
      server = null
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface TestUser extends ServerCore {
  readonly name: string
  readonly account: AccountService
  readonly session: UnlockedSession
  readonly events: CoreEvents
  /** Every event received, in order. */
  readonly seen: { [E in ApiEventName]: ApiEvents[E][] }
  readonly errors: unknown[]
  /** Locks the account (which closes the services first). */
  dispose(): Promise<void>
}

/** Registers `name`, builds its services and starts sync. */
export async function newUser(
  backend: Backend,
  name: string,
  start = true,
  extra: Pick<ServerCoreOptions, 'voice' | 'live'> = {},
): Promise<TestUser> {
  const errors: unknown[] = []
  let core: ServerCore | null = null
  const account = new AccountService({
    dataDir: mkdtempSync(join(backend.dir, `${name}-`)),
    serverUrl: backend.url,
    kdf: TEST_KDF,
    onBeforeLock: (_session, signal) => core?.close(signal),
    onError: (error) => errors.push(error),
  })
  const session = await account.register(name, TEST_PASSWORD)
  const events = new CoreEvents()
  const seen = Object.fromEntries(API_EVENTS.map((e) => [e, []])) as unknown as TestUser['seen']
  for (const name of API_EVENTS)
    events.on(name, (payload) => (seen[name] as unknown[]).push(payload))
  core = createServerCore({
    session,
    events,
    peers: new PeerDirectory({ session }),
    url: backend.url,
    live: { backoff: { baseMs: 50, capMs: 400 }, random: () => 0.5 },
    retryMs: 100,
    upkeepDelayMs: () => 200,
    onError: (error) => errors.push(error),
    ...extra,
  })
  if (start) core.sync.start()
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

/** The texts a user's cache shows in a channel, oldest first. */
export function texts(user: TestUser, serverId: string, channelId: string): string[] {
  return user.messages.listMessages({ serverId, channelId, limit: 200 }).messages.map((m) => m.text)
}

export interface SharedServer {
  readonly serverId: string
  /** The channel every server starts with. */
  readonly general: string
  /** The invite the members joined with: unlimited, never expiring. */
  readonly invite: InviteInfo
}

/**
 * `owner` founds a server named `name` and makes an unlimited invite; `members` join with it one
 * after another, in the order given, by its code (or by its link, for those in `byLink`). It
 * returns once every one of them sees exactly all of them, each with their profile in.
 */
export async function sharedServer(
  owner: TestUser,
  members: readonly TestUser[],
  name: string,
  { byLink = [] }: { byLink?: readonly TestUser[] } = {},
): Promise<SharedServer> {
  const strangers = byLink.filter((user) => !members.includes(user))
  if (strangers.length > 0)
    throw new Error(
      `byLink names users who are not members: ${strangers.map((u) => u.name).join(', ')}`,
    )
  const server = await owner.servers.createServer(name)
  const invite = await owner.servers.createInvite(server.id, null, null)
  for (const user of members)
    await user.servers.joinByInvite(byLink.includes(user) ? invite.link : invite.code)
  const everyone = [owner, ...members]
  await waitFor(
    () =>
      everyone.every((viewer) => {
        const seen = viewer.servers.getServer(server.id).members
        return (
          seen.length === everyone.length &&
          everyone.every((user) => seen.some((m) => m.userId === user.session.userId)) &&
          seen.every((m) => m.displayName !== NEW_MEMBER_NAME)
        )
      }),
    'every join to reach every member',
  )
  return { serverId: server.id, general: server.channels[0]!.id, invite }
}
