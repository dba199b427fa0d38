// Runs one parsed command against the client core: open the profile, unlock, sync, act, print,
// and always close the core (cache and sockets) before returning the exit code.
import type { ApiEvents, MessageInfo } from '../shared/api'
import { ParacordError } from '../shared/api'
import { CoreActions, resolveMember, type ChannelTarget } from './actions'
import { runDaemon } from './daemon'
import { catchUpOrUnreachable, DeliveryWatch, type CliCore } from './delivery'
import { CliError, EXIT_OK, EXIT_QUEUED, EXIT_USAGE, describeError, exitCodeOf } from './errors'
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
import { ResolveError } from './resolve'

export type { CliCore }

export interface CliDeps {
  readonly env: Env
  openCore(options: { dataDir: string; serverUrl: string }): Promise<CliCore>
  readPassword(options: { confirm: boolean }): Promise<string>
  /** Whether readPassword has somewhere to read from (the environment or a terminal). */
  hasPasswordSource(): boolean
  /** The whole of stdin, for `send SERVER/CHANNEL -`. */
  readStdin(): Promise<string>
  /**
   * Stdin line by line as it arrives (without the newline), for `send` and `daemon`; the
   * iterator's return() ends a wait for the next line.
   */
  stdinLines(): AsyncIterable<string>
  /** Writes one line (a newline is added). */
  stdout(line: string): void
  stderr(line: string): void
  now(): number
  /** Resolves on Ctrl-C (or SIGTERM); `read --follow` and `daemon` wait for it. */
  untilInterrupted(): Promise<void>
}

const SYNC_TIMEOUT_MS = 15_000
/** How long `send` waits for the backend to acknowledge a message before saying it is queued. */
const DELIVERY_TIMEOUT_MS = 15_000
/**
 * `send` from stdin: how long it waits without any acknowledgement while online. Longer than
 * the backend's rate-limit window (a minute), so lines that hit the limit still go out in
 * this run, after the wait the backend asks for.
 */
const LINES_IDLE_TIMEOUT_MS = 70_000

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
    if (action.kind === 'daemon') return await runDaemon(core, global, deps)
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
  private readonly action: Exclude<Action, { kind: 'help' | 'daemon' }>
  private readonly actions: CoreActions

  constructor(
    private readonly core: CliCore,
    private readonly command: Command,
    private readonly deps: CliDeps,
  ) {
    this.action = command.action as Exclude<Action, { kind: 'help' | 'daemon' }>
    this.actions = new CoreActions(core)
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
    // 3. ...and waits until it is caught up, so names and messages are current. Sending needs
    //    no backend: the message waits in the outbox when the backend cannot be reached.
    if (action.kind === 'send') {
      const synced = await this.catchUpForSend()
      return action.text === null
        ? this.sendLines(action.target, synced)
        : this.send(action.target, stdinText ?? action.text, synced)
    }
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
        const server = await this.actions.serverDetails(action.server)
        return this.print(formatChannels(server.channels), server.channels)
      }
      case 'channel create': {
        const { server, channel } = await this.actions.createChannel(action.server, {
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
        const invite = await this.actions.createInvite(action.server, {
          maxUses: action.maxUses,
          expiresInSeconds: action.expiresInSeconds,
        })
        return this.print(formatInvite(invite, this.deps.now()), [invite])
      }
      case 'invites': {
        const invites = await this.actions.invites(action.server)
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
        const server = await this.actions.serverDetails(action.server)
        return this.print(formatMembers(server.members, server.safetyCode), server.members)
      }
      case 'kick': {
        const server = await this.actions.serverDetails(action.server)
        const member = resolveMember(server.members, action.user, `in server "${server.name}"`)
        await core.removeMember({ serverId: server.id, userId: member.userId })
        return this.print(
          `Removed ${member.displayName} from "${server.name}"; the server's keys were rotated.`,
          [{ removed: member.userId, serverId: server.id }],
        )
      }
      case 'leave': {
        const server = await this.actions.server(action.server)
        await core.leaveServer({ serverId: server.id })
        return this.print(`Left "${server.name}".`, [{ left: server.id }])
      }
      case 'safety-number': {
        const member = await this.actions.memberAnywhere(action.user)
        const safety = await core.getSafetyNumber({ userId: member.userId })
        return this.print(formatSafetyNumber(safety), [safety])
      }
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

  /**
   * The catch-up before sending: true once caught up; false when the backend cannot be reached
   * or not caught up in time, which is no failure here (the message waits in the outbox).
   */
  private async catchUpForSend(): Promise<boolean> {
    try {
      return (await catchUpOrUnreachable(this.core, SYNC_TIMEOUT_MS)) === 'synced'
    } catch (error) {
      if (error instanceof ParacordError && error.code === 'server_unreachable') return false
      throw error
    }
  }

  /** The channel by name or id; without a catch-up, the names are those last seen. */
  private async channelForSend(target: ChannelRef, synced: boolean): Promise<ChannelTarget> {
    try {
      return await this.actions.channel(target)
    } catch (error) {
      if (synced || !(error instanceof ResolveError)) throw error
      throw new ResolveError(
        `${error.message}; the backend at ${this.command.global.serverUrl} could not be reached, ` +
          'so the names are those this device saw last',
      )
    }
  }

  private async send(target: ChannelRef, text: string, synced: boolean): Promise<void> {
    const { server, channel } = await this.channelForSend(target, synced)
    // Listen before sending, so the acknowledgement cannot slip by unseen.
    const watch = new DeliveryWatch(this.core)
    try {
      let message = await this.core.sendMessage({
        serverId: server.id,
        channelId: channel.id,
        text,
      })
      if (message.delivery === 'pending') {
        const pending = new Map([[message.id, message]])
        await watch.settle(pending, DELIVERY_TIMEOUT_MS, (sent) => (message = sent))
      }
      this.print(formatMessage(message, this.deps.now()), [{ type: 'message', ...message }])
      if (message.delivery === 'pending') throw queuedError(1, watch.isOnline)
    } finally {
      watch.close()
    }
  }

  /**
   * Each line of stdin is a message, sent in order as it arrives; a line the core refuses (too
   * long) is reported and skipped. Then a summary, and the exit code says whether all went out.
   */
  private async sendLines(target: ChannelRef, synced: boolean): Promise<void> {
    const { server, channel } = await this.channelForSend(target, synced)
    const watch = new DeliveryWatch(this.core)
    const pending = new Map<string, MessageInfo>()
    let sent = 0
    let refused = 0
    const acknowledged = (message: MessageInfo) => {
      sent++
      if (this.json) this.deps.stdout(jsonLine({ type: 'message', ...message }))
    }
    let stoppedBy: Error | null = null
    try {
      let lineNumber = 0
      for await (const line of this.deps.stdinLines()) {
        lineNumber++
        const text = line.endsWith('\r') ? line.slice(0, -1) : line
        if (text.trim() === '') continue
        try {
          const message = await this.core.sendMessage({
            serverId: server.id,
            channelId: channel.id,
            text,
          })
          const sentCopy = message.delivery === 'sent' ? message : watch.take(message.id)
          if (sentCopy) acknowledged(sentCopy)
          else pending.set(message.id, message)
        } catch (error) {
          if (!(error instanceof ParacordError && error.code === 'invalid_input')) throw error
          refused++
          this.deps.stderr(
            `paracord: line ${lineNumber} not sent: ${describeError(error, this.command.global)}`,
          )
        }
      }
      await watch.settle(pending, LINES_IDLE_TIMEOUT_MS, acknowledged)
    } catch (error) {
      // Said after the summary, so what was sent before is not lost from view.
      stoppedBy = error instanceof Error ? error : new Error(String(error))
    } finally {
      watch.close()
    }

    const queued = pending.size
    if (this.json) {
      for (const message of pending.values()) {
        this.deps.stdout(jsonLine({ type: 'message', ...message }))
      }
      this.deps.stdout(
        jsonLine({
          type: 'summary',
          serverId: server.id,
          channelId: channel.id,
          sent,
          queued,
          refused,
        }),
      )
    } else {
      const notes = [
        ...(queued > 0 ? [`${plural(queued, 'message')} queued`] : []),
        ...(refused > 0 ? [`${plural(refused, 'line')} not sent`] : []),
      ]
      this.deps.stdout(
        `Sent ${plural(sent, 'message')} to ${server.name}/${channel.name}` +
          (notes.length > 0 ? `; ${notes.join(', ')}.` : '.'),
      )
    }
    if (stoppedBy !== null) throw stoppedBy
    if (refused > 0) {
      const alsoQueued = queued > 0 ? `; ${queuedError(queued, watch.isOnline).message}` : ''
      throw new CliError(`${plural(refused, 'line')} not sent (see above)${alsoQueued}`)
    }
    if (queued > 0) throw queuedError(queued, watch.isOnline)
  }

  private async read(target: ChannelRef, limit: number): Promise<void> {
    const { server, channel, messages } = await this.actions.read(target, limit)
    const now = this.deps.now()
    if (this.json) for (const m of messages) this.deps.stdout(jsonLine({ type: 'message', ...m }))
    else if (messages.length === 0)
      this.deps.stdout(`No messages in ${server.name}/${channel.name}.`)
    else for (const m of messages) this.deps.stdout(formatMessage(m, now))
  }

  /** Prints the latest messages, then every new or edited one until interrupted. */
  private async follow(target: ChannelRef, limit: number): Promise<void> {
    const { server, channel } = await this.actions.channel(target)
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

/** Said on stderr with exit code 75: the messages wait in the outbox, on disk. */
function queuedError(count: number, online: boolean): CliError {
  const what = count === 1 ? 'queued' : `${count} messages queued`
  const when = online
    ? `the backend has not acknowledged ${count === 1 ? 'it' : 'them'} yet`
    : 'will be delivered when the server is reachable'
  return new CliError(
    `${what}; ${when} (by the next paracord command or daemon with this profile)`,
    EXIT_QUEUED,
  )
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}
