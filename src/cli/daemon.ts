// `paracord daemon`: the profile unlocked once, then JSON-RPC 2.0 on stdin/stdout, one JSON
// object per line, until stdin ends or SIGTERM/Ctrl-C; runCli then closes the core, which locks
// the profile (leaving any call first). Scripts save the unlock and the catch-up that every
// one-shot command pays. Requests are answered one at a time, in the order they arrive, so
// messages are sent in the order they were asked for.
import { Type, type Static, type TObject, type TProperties } from 'typebox'
import { Compile } from 'typebox/compile'
import { ParacordError, type ApiMethodName, type MessageInfo } from '../shared/api'
import { isApiMethod } from '../shared/api-validate'
import { createApiDispatcher } from '../core/api-dispatch'
import { CoreActions } from './actions'
import { DEFAULT_BURN_SECONDS, DEFAULT_READ_LIMIT } from './commands'
import { catchUpOrUnreachable, type CliCore } from './delivery'
import { CliError, EXIT_OK, describeError } from './errors'
import { jsonLine } from './format'
import {
  RPC_FAILED,
  RPC_INTERNAL_ERROR,
  RPC_INVALID_PARAMS,
  RPC_LOCKED,
  RPC_METHOD_NOT_FOUND,
  RpcError,
  errorResponse,
  isCall,
  notification,
  parseLine,
  resultResponse,
  type RpcCall,
  type RpcEntry,
  type RpcResponse,
} from './json-rpc'
import type { GlobalOptions } from './parse'
import { ResolveError } from './resolve'
import type { CliDeps } from './run'

const SYNC_TIMEOUT_MS = 15_000
/**
 * The daemon counts as in use while it runs: it tells the core so every minute, or the
 * profile's auto-lock (15 minutes by default) would lock a daemon waiting for its next request.
 */
const IN_USE_EVERY_MS = 60_000

/**
 * Contract methods a daemon does not offer: it serves the one account it unlocked, for as
 * long as it runs, and has no microphone.
 */
const NOT_IN_DAEMON: Readonly<Partial<Record<ApiMethodName, string>>> = {
  register: 'the daemon serves the account of its profile folder',
  login: 'the daemon serves the account of its profile folder',
  logout: 'stop the daemon and run `paracord logout`',
  deleteAccount: 'not from a script',
  changePassword: 'not from a script',
  lock: 'stop the daemon to lock the profile',
  getIceServers: 'the daemon does not take part in calls',
  joinVoice: 'the daemon does not take part in calls',
  leaveVoice: 'the daemon does not take part in calls',
  sendVoiceSignal: 'the daemon does not take part in calls',
}

const Ref = Type.String({ minLength: 1, maxLength: 512 })
const obj = <P extends TProperties>(properties: P) =>
  Type.Object(properties, { additionalProperties: false })

interface DaemonMethod {
  readonly check: (params: unknown) => string | null
  readonly run: (params: never) => Promise<unknown>
}

function method<P extends TProperties>(
  schema: TObject<P>,
  run: (params: Static<TObject<P>>) => Promise<unknown>,
): DaemonMethod {
  const compiled = Compile(schema)
  return {
    check: (params) => {
      if (compiled.Check(params)) return null
      const first = compiled.Errors(params)[0]
      const where = first?.instancePath
        ? first.instancePath.replace(/^\//, '').replaceAll('/', '.')
        : 'params'
      return `${where} ${first?.message ?? 'is invalid'}`
    },
    run,
  }
}

/** The methods named after the CLI's commands; SERVER and CHANNEL are names or ids. */
function cliMethods(core: CliCore, actions: CoreActions, sent: (message: MessageInfo) => void) {
  return {
    whoami: method(obj({}), async () => {
      const [state, profile] = await Promise.all([core.getAuthState({}), core.getProfile({})])
      return { ...profile, auth: state.status }
    }),
    servers: method(obj({}), () => core.listServers({})),
    'server.create': method(obj({ name: Type.String() }), ({ name }) =>
      core.createServer({ name }),
    ),
    channels: method(
      obj({ server: Ref }),
      async ({ server }) => (await actions.serverDetails(server)).channels,
    ),
    'channel.create': method(
      obj({
        server: Ref,
        name: Type.String(),
        voice: Type.Optional(Type.Boolean()),
        burnSeconds: Type.Optional(Type.Integer()),
      }),
      async ({ server, name, voice, burnSeconds }) => {
        const created = await actions.createChannel(server, {
          name,
          kind: voice ? 'voice' : 'text',
          burnSeconds: burnSeconds ?? DEFAULT_BURN_SECONDS,
        })
        return created.channel
      },
    ),
    members: method(
      obj({ server: Ref }),
      async ({ server }) => (await actions.serverDetails(server)).members,
    ),
    'invite.create': method(
      obj({
        server: Ref,
        maxUses: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
        expiresInSeconds: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
      }),
      ({ server, maxUses, expiresInSeconds }) =>
        actions.createInvite(server, {
          maxUses: maxUses ?? null,
          expiresInSeconds: expiresInSeconds ?? null,
        }),
    ),
    invites: method(obj({ server: Ref }), ({ server }) => actions.invites(server)),
    join: method(obj({ invite: Type.String() }), ({ invite }) =>
      core.joinByInvite({ invite: invite.trim() }),
    ),
    send: method(
      obj({ server: Ref, channel: Ref, text: Type.String() }),
      async ({ server, channel, text }) => {
        const target = await actions.channel({ server, channel })
        const message = await core.sendMessage({
          serverId: target.server.id,
          channelId: target.channel.id,
          text,
        })
        // "pending": queued in the outbox; a "sent" notification follows when it goes out.
        if (message.delivery === 'pending') sent(message)
        return message
      },
    ),
    read: method(
      obj({
        server: Ref,
        channel: Ref,
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
      }),
      async ({ server, channel, limit }) =>
        (await actions.read({ server, channel }, limit ?? DEFAULT_READ_LIMIT)).messages,
    ),
  } satisfies Record<string, DaemonMethod>
}

/** Every method the daemon answers by the CLI's names, for its help and its tests. */
export const DAEMON_METHODS = [
  'whoami',
  'servers',
  'server.create',
  'channels',
  'channel.create',
  'members',
  'invite.create',
  'invites',
  'join',
  'send',
  'read',
  'unlock',
] as const satisfies readonly (CliMethodName | 'unlock')[]
type CliMethodName = keyof ReturnType<typeof cliMethods>
// And the other way round: a method added above and not listed is a compile error.
const _everyMethodListed: Exclude<CliMethodName, (typeof DAEMON_METHODS)[number]> extends never
  ? true
  : never = true
void _everyMethodListed

export async function runDaemon(
  core: CliCore,
  global: GlobalOptions,
  deps: CliDeps,
): Promise<number> {
  const daemon = new Daemon(core, global, deps)
  try {
    await daemon.start()
    await daemon.serve()
    return EXIT_OK
  } finally {
    daemon.stop()
  }
}

class Daemon {
  private readonly methods: Record<string, DaemonMethod>
  private readonly dispatch: ReturnType<typeof createApiDispatcher>
  private readonly unlockParams = method(obj({ password: Type.String() }), () =>
    Promise.resolve(null),
  )
  /** Messages this daemon queued, to announce when they go out. */
  private readonly queued = new Set<string>()
  private readonly stops: (() => void)[] = []
  private inUseTimer: ReturnType<typeof setInterval> | null = null
  /** Resolves once unlocked and caught up (or found the backend unreachable). */
  private ready: Promise<void> | null = null

  constructor(
    private readonly core: CliCore,
    private readonly global: GlobalOptions,
    private readonly deps: CliDeps,
  ) {
    this.methods = cliMethods(core, new CoreActions(core), (message) => this.queued.add(message.id))
    this.dispatch = createApiDispatcher(core, (name, error) =>
      this.deps.stderr(`paracord: ${name} failed inside paracord: ${String(error)}`),
    )
  }

  /** Unlocks with the password from the usual sources, or starts locked without one. */
  async start(): Promise<void> {
    const state = await this.core.getAuthState({})
    if (state.status === 'signed_out') {
      throw new ParacordError('signed_out', 'no account in this profile folder')
    }
    let lastStatus = ''
    this.stops.push(
      this.core.on('messagesChanged', (event) => {
        for (const message of event.messages) {
          if (message.delivery !== 'sent' || !this.queued.delete(message.id)) continue
          this.notify('sent', message)
        }
      }),
      this.core.on('connectionChanged', (connection) => {
        if (connection.status === lastStatus) return
        lastStatus = connection.status
        this.notify('connection', connection)
      }),
      this.core.on('authChanged', (auth) => {
        if (auth.status === 'locked') this.notify('locked', auth)
      }),
    )
    if (state.status === 'unlocked') {
      this.unlocked()
      return
    }
    if (!this.deps.hasPasswordSource()) {
      this.notify('locked', state)
      return
    }
    const password = await this.deps.readPassword({ confirm: false })
    await this.core.unlock({ password })
    this.unlocked()
  }

  /** Answers each line of stdin in turn until it ends or the process is told to stop. */
  async serve(): Promise<void> {
    const lines = this.deps.stdinLines()[Symbol.asyncIterator]()
    let stopping = false
    // Ends the wait for the next line; a request under way is answered first.
    void this.deps.untilInterrupted().then(() => {
      stopping = true
      void lines.return?.()
    })
    try {
      for (;;) {
        const next = await lines.next()
        if (next.done || stopping) return
        if (next.value.trim() === '') continue
        const answer = await this.answerLine(next.value)
        if (answer !== null) this.deps.stdout(jsonLine(answer))
      }
    } finally {
      void lines.return?.()
    }
  }

  stop(): void {
    if (this.inUseTimer) clearInterval(this.inUseTimer)
    for (const stop of this.stops.splice(0)) stop()
  }

  private unlocked(): void {
    this.inUseTimer ??= setInterval(() => {
      this.core.touch({}).catch(() => {})
    }, IN_USE_EVERY_MS)
    this.inUseTimer.unref()
    this.ready = this.catchUp()
  }

  private async catchUp(): Promise<void> {
    try {
      await catchUpOrUnreachable(this.core, SYNC_TIMEOUT_MS)
    } catch (error) {
      // Not caught up in time: answer anyway; names may be as last seen.
      this.deps.stderr(`paracord: ${describeError(error, this.global)}`)
    }
    const [auth, connection] = await Promise.all([
      this.core.getAuthState({}),
      this.core.getConnectionState({}),
    ])
    this.notify('ready', { name: auth.name, userId: auth.userId, connection })
  }

  private notify(method: string, params: object): void {
    this.deps.stdout(jsonLine(notification(method, params)))
  }

  private async answerLine(line: string): Promise<RpcResponse | RpcResponse[] | null> {
    const parsed = parseLine(line)
    if (!parsed.batch) return this.answer(parsed.entry)
    const answers: RpcResponse[] = []
    for (const entry of parsed.entries) {
      const answer = await this.answer(entry)
      if (answer) answers.push(answer)
    }
    return answers.length > 0 ? answers : null
  }

  private async answer(entry: RpcEntry): Promise<RpcResponse | null> {
    if (!isCall(entry)) return entry
    try {
      const result = await this.call(entry)
      return entry.id === undefined ? null : resultResponse(entry.id, result)
    } catch (error) {
      return entry.id === undefined ? null : errorResponse(entry.id, this.rpcError(error))
    }
  }

  private async call({ method: name, params }: RpcCall): Promise<unknown> {
    if (Array.isArray(params)) {
      throw new RpcError(RPC_INVALID_PARAMS, `${name}: params must be an object (by name)`)
    }
    const input = params ?? {}
    if (name === 'unlock') return this.unlock(input)
    const own = Object.hasOwn(this.methods, name) ? this.methods[name] : undefined
    if (own) {
      const problem = own.check(input)
      if (problem) throw new RpcError(RPC_INVALID_PARAMS, `${name}: ${problem}`)
      await this.whenReady()
      return own.run(input as never)
    }
    if (isApiMethod(name)) {
      const why = NOT_IN_DAEMON[name]
      if (why)
        throw new RpcError(RPC_METHOD_NOT_FOUND, `${name} is not offered by the daemon: ${why}`)
      await this.whenReady()
      const result = await this.dispatch(name, input)
      if (result.ok) return result.value
      throw new ParacordError(result.error.code, result.error.message)
    }
    throw new RpcError(
      RPC_METHOD_NOT_FOUND,
      `unknown method "${name}" (the daemon's methods: ${DAEMON_METHODS.join(', ')}, and the app's API methods)`,
    )
  }

  /** Methods wait for the catch-up; while locked they fail at once, saying so. */
  private async whenReady(): Promise<void> {
    if (this.ready === null) throw new ParacordError('locked', 'paracord is locked')
    await this.ready
  }

  private async unlock(params: unknown): Promise<unknown> {
    const problem = this.unlockParams.check(params)
    if (problem) throw new RpcError(RPC_INVALID_PARAMS, `unlock: ${problem}`)
    const state = await this.core.getAuthState({})
    if (state.status !== 'unlocked') {
      await this.core.unlock(params as { password: string })
      this.unlocked()
    }
    await this.ready
    return this.core.getAuthState({})
  }

  private rpcError(error: unknown): RpcError {
    if (error instanceof RpcError) return error
    if (error instanceof ResolveError) {
      return new RpcError(RPC_FAILED, error.message, { code: 'not_found' })
    }
    if (error instanceof CliError) return new RpcError(RPC_FAILED, error.message)
    if (error instanceof ParacordError) {
      const data = { code: error.code }
      switch (error.code) {
        case 'invalid_input':
          return new RpcError(RPC_INVALID_PARAMS, error.message, data)
        case 'locked':
          return new RpcError(
            RPC_LOCKED,
            'the profile is locked: call "unlock" with its password',
            data,
          )
        case 'internal':
          return new RpcError(RPC_INTERNAL_ERROR, error.message, data)
        default:
          return new RpcError(RPC_FAILED, describeError(error, this.global), data)
      }
    }
    this.deps.stderr(`paracord: ${describeError(error, this.global)}`)
    return new RpcError(RPC_INTERNAL_ERROR, 'Something went wrong inside paracord.', {
      code: 'internal',
    })
  }
}
