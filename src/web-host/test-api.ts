// Test-only: a small in-memory ParacordApi for one user on one machine, so the bridge is tested
// against real behaviour (state that changes, errors with codes, events) without the client
// core's cryptography and network. Never imported by shipped code.
import { randomBytes } from 'node:crypto'
import {
  ParacordError,
  type ApiInput,
  type ApiMethodName,
  type ApiOutputs,
  type AuthState,
  type ChannelInfo,
  type InviteInfo,
  type MessageInfo,
  type ParacordApi,
  type Profile,
  type ServerDetails,
  type Settings,
  type VoiceCall,
} from '../shared/api'
import { CoreEvents } from '../core/events'

const newId = () => randomBytes(16).toString('base64url')

interface Account {
  readonly userId: string
  readonly name: string
  password: string
  profile: Profile
  settings: Settings
}

interface ServerState {
  details: ServerDetails
  readonly messages: Map<string, MessageInfo[]>
  readonly invites: InviteInfo[]
}

/** The methods answer synchronously; `counted` below turns each answer into the API's promise. */
type SyncMethods = { [M in ApiMethodName]: (input: ApiInput<M>) => ApiOutputs[M] }

export interface FakeParacordApi extends ParacordApi {
  readonly events: CoreEvents
  /** How many calls reached the API, to show that refused sockets reach nothing. */
  readonly callCount: number
  close(): Promise<void>
}

export function createFakeParacordApi(): FakeParacordApi {
  const events = new CoreEvents()
  const accounts = new Map<string, Account>()
  const servers = new Map<string, ServerState>()
  let current: Account | null = null
  let status: AuthState['status'] = 'signed_out'
  let callCount = 0
  /** One user alone: a call holds only them, and there is nobody to signal. */
  let voiceCall: VoiceCall | null = null
  let seq = 0

  const authState = (): AuthState => ({
    status,
    name: current?.name ?? null,
    userId: current?.userId ?? null,
  })
  const setAuth = (next: AuthState['status'], account: Account | null) => {
    status = next
    current = account
    const state = authState()
    events.emit('authChanged', state)
    return state
  }
  const unlocked = (): Account => {
    if (status === 'signed_out' || current === null)
      throw new ParacordError('signed_out', 'Sign in first.')
    if (status === 'locked') throw new ParacordError('locked', 'Unlock first.')
    return current
  }
  const checkPassword = (account: Account, password: string) => {
    if (account.password !== password) throw new ParacordError('wrong_password', 'Wrong password.')
  }
  const server = (serverId: string): ServerState => {
    unlocked()
    const found = servers.get(serverId)
    if (!found) throw new ParacordError('not_found', 'No such server.')
    return found
  }
  const channel = (input: { serverId: string; channelId: string }) => {
    const state = server(input.serverId)
    const found = state.details.channels.find((c) => c.id === input.channelId)
    if (!found) throw new ParacordError('not_found', 'No such channel.')
    return { state, channel: found }
  }
  const summaries = () =>
    [...servers.values()].map(({ details: { id, name, myRole, unread } }) => ({
      id,
      name,
      myRole,
      unread,
    }))
  const changeServer = (state: ServerState, change: Partial<ServerDetails>) => {
    state.details = { ...state.details, ...change }
    events.emit('serverChanged', state.details)
    events.emit('serversChanged', summaries())
    return state.details
  }
  const message = (input: { serverId: string; channelId: string; messageId: string }) => {
    const list = channel(input).state.messages.get(input.channelId) ?? []
    const index = list.findIndex((m) => m.id === input.messageId)
    if (index < 0) throw new ParacordError('not_found', 'No such message.')
    return { list, index }
  }

  const methods: SyncMethods = {
    getAuthState: () => authState(),
    // One machine, its own server: there is nothing else to choose here.
    getBackendOptions: () => ({
      thisComputer: true,
      suggested: { kind: 'this_computer' },
      accounts: [...accounts.values()].map((account) => ({
        name: account.name,
        backend: { kind: 'this_computer' },
        current: account === current,
      })),
    }),
    checkBackend: ({ backend }) =>
      backend.kind === 'this_computer'
        ? { ok: true, backend }
        : { ok: false, problem: 'unreachable', message: `Nothing answers at ${backend.url}.` },
    register: ({ name, password }) => {
      if (accounts.has(name)) throw new ParacordError('name_taken', `The name ${name} is taken.`)
      const userId = newId()
      const account: Account = {
        userId,
        name,
        password,
        profile: { userId, name, displayName: name, status: '' },
        settings: {
          autoLockMinutes: 15,
          alwaysRelayCalls: true,
          notificationPreviews: false,
          theme: 'dark',
        },
      }
      accounts.set(name, account)
      return setAuth('unlocked', account)
    },
    login: ({ name, password }) => {
      const account = accounts.get(name)
      if (!account) throw new ParacordError('unknown_account', `No account named ${name}.`)
      checkPassword(account, password)
      return setAuth('unlocked', account)
    },
    unlock: ({ password }) => {
      if (current === null) throw new ParacordError('signed_out', 'Sign in first.')
      checkPassword(current, password)
      return setAuth('unlocked', current)
    },
    lock: () => {
      if (current === null) throw new ParacordError('signed_out', 'Sign in first.')
      return setAuth('locked', current)
    },
    logout: () => setAuth('signed_out', null),
    changePassword: ({ currentPassword, newPassword }) => {
      const account = unlocked()
      checkPassword(account, currentPassword)
      account.password = newPassword
      return null
    },
    deleteAccount: ({ password }) => {
      const account = unlocked()
      checkPassword(account, password)
      accounts.delete(account.name)
      return setAuth('signed_out', null)
    },
    touch: () => null,

    getProfile: () => unlocked().profile,
    updateProfile: (change) => {
      const account = unlocked()
      account.profile = { ...account.profile, ...change }
      return account.profile
    },
    getSettings: () => unlocked().settings,
    updateSettings: (change) => {
      const account = unlocked()
      account.settings = { ...account.settings, ...change }
      return account.settings
    },

    listServers: () => (unlocked(), summaries()),
    getServer: ({ serverId }) => server(serverId).details,
    createServer: ({ name }) => {
      const account = unlocked()
      const details: ServerDetails = {
        id: newId(),
        name,
        myRole: 'owner',
        unread: 0,
        epoch: 0,
        safetyCode: '',
        joinedEpoch: 0,
        channels: [],
        members: [
          {
            userId: account.userId,
            displayName: account.profile.displayName,
            status: account.profile.status,
            role: 'owner',
            keyChanged: false,
            joinedVia: null,
          },
        ],
        permissions: {
          canPost: true,
          canManageChannels: true,
          canInvite: true,
          canRemoveMembers: true,
          canChangeRoles: true,
        },
      }
      const state: ServerState = { details, messages: new Map(), invites: [] }
      servers.set(details.id, state)
      events.emit('serversChanged', summaries())
      return details
    },
    renameServer: ({ serverId, name }) => changeServer(server(serverId), { name }),
    leaveServer: ({ serverId }) => {
      server(serverId)
      servers.delete(serverId)
      events.emit('serverRemoved', { serverId, reason: 'left' })
      events.emit('serversChanged', summaries())
      return null
    },
    createChannel: ({ serverId, name, kind, burnSeconds }) => {
      const state = server(serverId)
      const created: ChannelInfo = { id: newId(), serverId, name, kind, burnSeconds, unread: 0 }
      changeServer(state, { channels: [...state.details.channels, created] })
      return created
    },
    updateChannel: (input) => {
      const { state, channel: before } = channel(input)
      const after: ChannelInfo = {
        ...before,
        name: input.name ?? before.name,
        burnSeconds: input.burnSeconds ?? before.burnSeconds,
      }
      changeServer(state, {
        channels: state.details.channels.map((c) => (c.id === after.id ? after : c)),
      })
      return after
    },
    deleteChannel: (input) => {
      const { state } = channel(input)
      state.messages.delete(input.channelId)
      changeServer(state, {
        channels: state.details.channels.filter((c) => c.id !== input.channelId),
      })
      return null
    },
    createInvite: ({ serverId, maxUses, expiresInSeconds }) => {
      const state = server(serverId)
      const code = randomBytes(18).toString('base64url')
      const invite: InviteInfo = {
        id: newId(),
        code,
        link: `paracord://invite/${code}`,
        server: null,
        maxUses,
        uses: 0,
        expiresAt: expiresInSeconds === null ? null : Date.now() + expiresInSeconds * 1000,
        revoked: false,
      }
      state.invites.push(invite)
      return invite
    },
    listInvites: ({ serverId }) => server(serverId).invites,
    revokeInvite: ({ serverId, inviteId }) => {
      const state = server(serverId)
      const index = state.invites.findIndex((i) => i.id === inviteId)
      if (index < 0) throw new ParacordError('not_found', 'No such invite.')
      state.invites[index] = { ...(state.invites[index] as InviteInfo), revoked: true }
      return null
    },
    joinByInvite: () => {
      unlocked()
      throw new ParacordError('invite_invalid', 'This invite is not valid here.')
    },
    removeMember: ({ serverId }) => {
      server(serverId)
      throw new ParacordError('not_found', 'No such member.')
    },
    setRole: ({ serverId }) => {
      server(serverId)
      throw new ParacordError('not_found', 'No such member.')
    },

    listMessages: (input: ApiInput<'listMessages'>) => {
      const { state } = channel(input)
      const all = (state.messages.get(input.channelId) ?? []).filter(
        (m) => input.beforeSeq === undefined || (m.seq ?? 0) < input.beforeSeq,
      )
      const messages = all.slice(-input.limit)
      return { messages, hasOlder: all.length > messages.length }
    },
    sendMessage: (input) => {
      const account = unlocked()
      const { state, channel: target } = channel(input)
      const now = Date.now()
      const sent: MessageInfo = {
        id: newId(),
        serverId: input.serverId,
        channelId: input.channelId,
        authorId: account.userId,
        authorName: account.profile.displayName,
        text: input.text,
        sentAt: now,
        editedAt: null,
        burnAt: now + target.burnSeconds * 1000,
        delivery: 'sent',
        seq: ++seq,
      }
      state.messages.set(input.channelId, [...(state.messages.get(input.channelId) ?? []), sent])
      events.emit('messagesChanged', { ...input, messages: [sent] })
      return sent
    },
    editMessage: (input) => {
      const { list, index } = message(input)
      const edited = { ...(list[index] as MessageInfo), text: input.text, editedAt: Date.now() }
      list[index] = edited
      events.emit('messagesChanged', { ...input, messages: [edited] })
      return edited
    },
    deleteMessage: (input) => {
      const { list, index } = message(input)
      list.splice(index, 1)
      events.emit('messagesDeleted', { ...input, ids: [input.messageId] })
      return null
    },
    markRead: (input) => (channel(input), null),

    getSafetyNumber: () => {
      unlocked()
      throw new ParacordError('not_found', 'No such user.')
    },
    acceptKeyChange: () => {
      unlocked()
      throw new ParacordError('not_found', 'No such user.')
    },
    getConnectionState: () => ({
      status: 'online',
      outbox: 0,
      reason: null,
      sendingPausedUntil: null,
    }),

    getIceServers: () => ({
      iceServers: [],
      relayOnly: unlocked().settings.alwaysRelayCalls,
      expiresAt: null,
    }),
    getVoiceState: () => ({
      call: (unlocked(), voiceCall),
      channels: voiceCall ? [voiceCall] : [],
    }),
    joinVoice: (input) => {
      const account = unlocked()
      if (channel(input).channel.kind !== 'voice')
        throw new ParacordError('not_found', 'No such voice channel.')
      const sessionId = newId()
      const me = { userId: account.userId, displayName: account.profile.displayName, sessionId }
      voiceCall = { ...input, sessionId, participants: [me] }
      events.emit('voiceParticipants', { ...input, participants: voiceCall.participants })
      return voiceCall
    },
    leaveVoice: () => {
      unlocked()
      if (voiceCall) {
        const { serverId, channelId } = voiceCall
        voiceCall = null
        events.emit('voiceParticipants', { serverId, channelId, participants: [] })
      }
      return null
    },
    sendVoiceSignal: () => {
      unlocked()
      throw new ParacordError('not_found', 'That person is no longer in the call.')
    },
  }

  const counted = Object.fromEntries(
    Object.entries(methods).map(([name, fn]) => [
      name,
      (input: never) => {
        callCount++
        // Answered inside a promise, so a throw reaches the caller as a rejection.
        return new Promise((resolve) => resolve((fn as (input: never) => unknown)(input)))
      },
    ]),
  ) as unknown as Omit<ParacordApi, 'on'>

  return {
    ...counted,
    on: (event, listener) => events.on(event, listener),
    events,
    get callCount() {
      return callCount
    },
    close: async () => {},
  }
}
