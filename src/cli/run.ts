// Runs one parsed command against the client core: open the profile, unlock, sync, act, print,
// and always close the core (cache and sockets) before returning the exit code.
import type {
  ApiEvents,
  ChannelInfo,
  MemberInfo,
  MessageInfo,
  ParacordApi,
  ServerDetails,
  ServerSummary,
} from '../shared/api'
import { ParacordError } from '../shared/api'
import { CliError, EXIT_OK, EXIT_USAGE, describeError, exitCodeOf } from './errors'
import {
  formatChannels,
  formatDuration,
  formatInvite,
  formatInvites,
  formatMembers,
  formatMessage,
  formatSafetyNumber,
  formatServers,
  jsonLine,
  sortMessages,
} from './format'
import { commandHelp, generalHelp } from './help'
import {
  UsageError,
  parseCommand,
  type Action,
  type ChannelRef,
  type Command,
  type Env,
} from './parse'
import { resolveByNameOrId } from './resolve'

/** The core as the CLI drives it: the contract, plus waiting for sync and closing. */
export interface CliCore extends ParacordApi {
  whenSynced(timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

export interface CliDeps {
  readonly env: Env
  openCore(options: { dataDir: string; serverUrl: string }): Promise<CliCore>
  readPassword(options: { confirm: boolean }): Promise<string>
  /** The whole of stdin, for `send SERVER/CHANNEL -`. */
  readStdin(): Promise<string>
  /** Writes one line (a newline is added). */
  stdout(line: string): void
  stderr(line: string): void
  now(): number
  /** Resolves on Ctrl-C (or SIGTERM); only `read --follow` waits for it. */
  untilInterrupted(): Promise<void>
}

const SYNC_TIMEOUT_MS = 15_000
/** How long `send` waits for the backend to acknowledge a message before saying it is queued. */
const DELIVERY_TIMEOUT_MS = 15_000

export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  const parsed = parseCommand(argv, deps.env)
  if (parsed instanceof UsageError) {
    const see = parsed.command ? `paracord ${parsed.command} --help` : 'paracord --help'
    const hint = parsed.message.includes('usage:') ? '' : ` (see ${see})`
    deps.stderr(`paracord: ${parsed.message}${hint}`)
    return EXIT_USAGE
  }
  const { action, global } = parsed
  if (action.kind === 'help') {
    deps.stdout((action.topic ? commandHelp(action.topic) : generalHelp()).trimEnd())
    return EXIT_OK
  }

  let core: CliCore | null = null
  try {
    // Read stdin before anything else may want the terminal.
    const text =
      action.kind === 'send' && action.text === '-' ? (await deps.readStdin()).trimEnd() : null
    if (text === '') throw new CliError('the message read from stdin is empty')

    core = await deps.openCore({ dataDir: global.dataDir, serverUrl: global.serverUrl })
    const session = new Session(core, parsed, deps)
    await session.run(text)
    return EXIT_OK
  } catch (error) {
    deps.stderr(`paracord: ${describeError(error, global)}`)
    return exitCodeOf(error)
  } finally {
    if (core) {
      try {
        await core.close()
      } catch (error) {
        deps.stderr(`paracord: closing the profile failed: ${describeError(error, global)}`)
      }
    }
  }
}

class Session {
  private readonly action: Exclude<Action, { kind: 'help' }>

  constructor(
    private readonly core: CliCore,
    private readonly command: Command,
    private readonly deps: CliDeps,
  ) {
    this.action = command.action as Exclude<Action, { kind: 'help' }>
  }

  private get json(): boolean {
    return this.command.global.json
  }

  /** Prints the person's text, or the objects as JSON lines. */
  private print(human: string, objects: readonly object[]): void {
    if (this.json) for (const object of objects) this.deps.stdout(jsonLine(object))
    else this.deps.stdout(human)
  }

  async run(stdinText: string | null): Promise<void> {
    const { core, action } = this
    // 1. Accounts are created or signed into with the password; nothing else runs before.
    if (action.kind === 'register' || action.kind === 'login') {
      const password = await this.deps.readPassword({ confirm: action.kind === 'register' })
      const state =
        action.kind === 'register'
          ? await core.register({ name: action.name, password })
          : await core.login({ name: action.name, password })
      this.print(
        action.kind === 'register'
          ? `Registered ${state.name} and signed in (profile ${this.command.global.dataDir}).`
          : `Signed in as ${state.name}.`,
        [state],
      )
      return
    }

    // 2. Everything else unlocks the profile on this device first...
    await this.unlock()
    if (action.kind === 'logout') {
      const state = await core.logout({})
      this.print('Signed out.', [state])
      return
    }
    // 3. ...and waits until it is caught up, so names and messages are current.
    await this.sync()

    switch (action.kind) {
      case 'whoami':
        return this.whoami()
      case 'servers': {
        const servers = await core.listServers({})
        return this.print(formatServers(servers), servers)
      }
      case 'server create': {
        const server = await core.createServer({ name: action.name })
        const channels = server.channels.map((c) => `"${c.name}"`).join(', ') || 'none'
        return this.print(
          `Created server "${server.name}" (id ${server.id}); channels: ${channels}.`,
          [server],
        )
      }
      case 'channels': {
        const server = await this.serverDetails(action.server)
        return this.print(formatChannels(server.channels), server.channels)
      }
      case 'channel create': {
        const server = await this.resolveServer(action.server)
        const channel = await core.createChannel({
          serverId: server.id,
          name: action.name,
          kind: action.voice ? 'voice' : 'text',
          burnSeconds: action.burnSeconds,
        })
        return this.print(
          `Created ${channel.kind} channel "${channel.name}" in "${server.name}" (id ${channel.id}); ` +
            `messages burn after ${formatDuration(channel.burnSeconds * 1000)}.`,
          [channel],
        )
      }
      case 'invite create': {
        const server = await this.resolveServer(action.server)
        const invite = await core.createInvite({
          serverId: server.id,
          maxUses: action.maxUses,
          expiresInSeconds: action.expiresInSeconds,
        })
        return this.print(formatInvite(invite, this.deps.now()), [invite])
      }
      case 'invites': {
        const server = await this.resolveServer(action.server)
        const invites = await core.listInvites({ serverId: server.id })
        return this.print(formatInvites(invites, this.deps.now()), invites)
      }
      case 'join': {
        const server = await core.joinByInvite({ invite: action.invite })
        const channels = server.channels.map((c) => c.name).join(', ') || 'none yet'
        return this.print(`Joined "${server.name}" (id ${server.id}); channels: ${channels}.`, [
          server,
        ])
      }
      case 'members': {
        const server = await this.serverDetails(action.server)
        return this.print(formatMembers(server.members), server.members)
      }
      case 'kick': {
        const server = await this.serverDetails(action.server)
        const member = resolveMember(server.members, action.user, `in server "${server.name}"`)
        await core.removeMember({ serverId: server.id, userId: member.userId })
        return this.print(
          `Removed ${member.displayName} from "${server.name}"; the server's keys were rotated.`,
          [{ removed: member.userId, serverId: server.id }],
        )
      }
      case 'leave': {
        const server = await this.resolveServer(action.server)
        await core.leaveServer({ serverId: server.id })
        return this.print(`Left "${server.name}".`, [{ left: server.id }])
      }
      case 'safety-number': {
        const member = await this.resolveUserAnywhere(action.user)
        const safety = await core.getSafetyNumber({ userId: member.userId })
        return this.print(formatSafetyNumber(safety), [safety])
      }
      case 'send':
        return this.send(action.target, stdinText ?? action.text)
      case 'read':
        return action.follow
          ? this.follow(action.target, action.limit)
          : this.read(action.target, action.limit)
    }
  }

  private async unlock(): Promise<void> {
    const state = await this.core.getAuthState({})
    if (state.status === 'unlocked') return
    if (state.status === 'signed_out') {
      // Said before asking for a password that could not help.
      throw new ParacordError('signed_out', 'no account in this profile folder')
    }
    const password = await this.deps.readPassword({ confirm: false })
    await this.core.unlock({ password })
  }

  private async sync(): Promise<void> {
    try {
      await this.core.whenSynced(SYNC_TIMEOUT_MS)
    } catch (error) {
      if (typeof error === 'object' && error !== null && 'code' in error) throw error
      throw new CliError(
        `could not catch up with the backend at ${this.command.global.serverUrl} ` +
          `within ${SYNC_TIMEOUT_MS / 1000} s (${error instanceof Error ? error.message : String(error)})`,
      )
    }
  }

  private async whoami(): Promise<void> {
    const [state, profile] = await Promise.all([
      this.core.getAuthState({}),
      this.core.getProfile({}),
    ])
    const rows = [
      ['name', profile.name],
      ['display name', profile.displayName],
      ['status', profile.status === '' ? '-' : profile.status],
      ['user id', profile.userId],
      ['profile', this.command.global.dataDir],
      ['backend', this.command.global.serverUrl],
    ]
    const width = Math.max(...rows.map(([k]) => k!.length))
    this.print(rows.map(([k, v]) => `${(k! + ':').padEnd(width + 1)} ${v}`).join('\n'), [
      { ...profile, auth: state.status },
    ])
  }

  private async resolveServer(ref: string): Promise<ServerSummary> {
    const servers = await this.core.listServers({})
    return resolveByNameOrId(servers, ref, {
      noun: 'server',
      id: (s) => s.id,
      name: (s) => s.name,
    })
  }

  private async serverDetails(ref: string): Promise<ServerDetails> {
    const server = await this.resolveServer(ref)
    return this.core.getServer({ serverId: server.id })
  }

  private async resolveChannel(
    target: ChannelRef,
  ): Promise<{ server: ServerDetails; channel: ChannelInfo }> {
    const server = await this.serverDetails(target.server)
    const channel = resolveByNameOrId(server.channels, target.channel, {
      noun: 'channel',
      id: (c) => c.id,
      name: (c) => c.name,
      scope: `in server "${server.name}"`,
    })
    return { server, channel }
  }

  /** A user by name or id among the members of every server the account belongs to. */
  private async resolveUserAnywhere(ref: string): Promise<MemberInfo> {
    const servers = await this.core.listServers({})
    const byId = new Map<string, MemberInfo>()
    for (const summary of servers) {
      const server = await this.core.getServer({ serverId: summary.id })
      for (const member of server.members) byId.set(member.userId, member)
    }
    return resolveMember([...byId.values()], ref, 'in your servers')
  }

  private async send(target: ChannelRef, text: string): Promise<void> {
    const { server, channel } = await this.resolveChannel(target)
    // Listen before sending, so the acknowledgement cannot slip by unseen.
    const delivered = new Map<string, MessageInfo>()
    let notify: () => void = () => {}
    const stop = this.core.on('messagesChanged', (event) => {
      for (const m of event.messages) if (m.delivery === 'sent') delivered.set(m.id, m)
      notify()
    })
    try {
      let message = await this.core.sendMessage({
        serverId: server.id,
        channelId: channel.id,
        text,
      })
      if (message.delivery === 'pending') {
        const sent = await waitFor(
          () => delivered.get(message.id),
          (wake) => (notify = wake),
          DELIVERY_TIMEOUT_MS,
        )
        if (!sent) {
          throw new CliError(
            'the message is queued on this device but the backend has not acknowledged it; ' +
              'it is sent the next time paracord runs with this profile',
          )
        }
        message = sent
      }
      this.print(formatMessage(message, this.deps.now()), [{ type: 'message', ...message }])
    } finally {
      stop()
    }
  }

  private async read(target: ChannelRef, limit: number): Promise<void> {
    const { server, channel } = await this.resolveChannel(target)
    const page = await this.core.listMessages({
      serverId: server.id,
      channelId: channel.id,
      limit,
    })
    const now = this.deps.now()
    const messages = sortMessages(page.messages)
    if (this.json) for (const m of messages) this.deps.stdout(jsonLine({ type: 'message', ...m }))
    else if (messages.length === 0)
      this.deps.stdout(`No messages in ${server.name}/${channel.name}.`)
    else for (const m of messages) this.deps.stdout(formatMessage(m, now))
    await this.core.markRead({ serverId: server.id, channelId: channel.id })
  }

  /** Prints the latest messages, then every new or edited one until interrupted. */
  private async follow(target: ChannelRef, limit: number): Promise<void> {
    const { server, channel } = await this.resolveChannel(target)
    const here = (e: { serverId: string; channelId: string }) =>
      e.serverId === server.id && e.channelId === channel.id
    const shown = new Map<string, number | null>()
    const show = (m: MessageInfo) => {
      if (shown.has(m.id) && shown.get(m.id) === m.editedAt) return
      shown.set(m.id, m.editedAt)
      this.deps.stdout(
        this.json ? jsonLine({ type: 'message', ...m }) : formatMessage(m, this.deps.now()),
      )
    }
    const gone = (type: 'burned' | 'deleted', ids: readonly string[]) => {
      for (const id of ids) {
        shown.delete(id)
        if (this.json) {
          this.deps.stdout(jsonLine({ type, id, serverId: server.id, channelId: channel.id }))
        }
      }
    }
    // Events that arrive while the first page loads wait, so the output stays in order.
    let queue: (() => void)[] | null = []
    const handle = (run: () => void) => (queue ? queue.push(run) : run())

    let removed: ApiEvents['serverRemoved'] | null = null
    let wakeRemoved: () => void = () => {}
    let lastStatus: string = 'online'
    const unsubscribe = [
      this.core.on('messagesChanged', (e) => {
        if (here(e)) handle(() => sortMessages(e.messages).forEach(show))
      }),
      this.core.on('messagesBurned', (e) => {
        if (here(e)) handle(() => gone('burned', e.ids))
      }),
      this.core.on('messagesDeleted', (e) => {
        if (here(e)) handle(() => gone('deleted', e.ids))
      }),
      this.core.on('serverRemoved', (e) => {
        if (e.serverId !== server.id) return
        removed = e
        wakeRemoved()
      }),
      this.core.on('connectionChanged', (state) => {
        if (state.status === lastStatus) return
        lastStatus = state.status
        this.deps.stderr(
          state.status === 'online'
            ? 'paracord: back online'
            : `paracord: ${state.status}${state.reason ? ` (${state.reason})` : ''}; reconnecting`,
        )
      }),
    ]
    try {
      const page = await this.core.listMessages({
        serverId: server.id,
        channelId: channel.id,
        limit,
      })
      sortMessages(page.messages).forEach(show)
      const waiting = queue
      queue = null
      waiting.forEach((run) => run())
      await this.core.markRead({ serverId: server.id, channelId: channel.id })

      await Promise.race([
        this.deps.untilInterrupted(),
        new Promise<void>((resolve) => (wakeRemoved = resolve)),
      ])
      const end = removed as ApiEvents['serverRemoved'] | null
      if (end?.reason === 'removed') {
        throw new CliError(`you were removed from "${server.name}"`)
      }
    } finally {
      for (const off of unsubscribe) off()
    }
  }
}

function resolveMember(members: readonly MemberInfo[], ref: string, scope: string): MemberInfo {
  return resolveByNameOrId(members, ref, {
    noun: 'member',
    id: (m) => m.userId,
    name: (m) => m.displayName,
    scope,
  })
}

/** Polls `get` whenever `subscribe`'s wake-up fires, until it returns a value or time runs out. */
function waitFor<T>(
  get: () => T | undefined,
  subscribe: (wake: () => void) => void,
  timeoutMs: number,
): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(get()), timeoutMs)
    const check = () => {
      const value = get()
      if (value !== undefined) {
        clearTimeout(timer)
        resolve(value)
      }
    }
    subscribe(check)
    check()
  })
}
