// The messages of the channels the user has opened, oldest first; burned ones leave at once.
import { create } from 'zustand'
import type { ApiEvents, MessageInfo } from '../../../shared/api'
import { api } from './api'
import { attempt, type Outcome } from './outcome'

export const PAGE_SIZE = 50

export const channelKey = (serverId: string, channelId: string): string =>
  `${serverId}/${channelId}`

export interface ChannelMessages {
  readonly messages: readonly MessageInfo[]
  /** Older history exists on the server or in the cache. */
  readonly hasOlder: boolean
  readonly loaded: boolean
  readonly loadingOlder: boolean
  readonly error: string | null
}

export const emptyChannel = (): ChannelMessages => ({
  messages: [],
  hasOlder: false,
  loaded: false,
  loadingOlder: false,
  error: null,
})

export interface MessagesSlice {
  readonly channels: Readonly<Record<string, ChannelMessages>>
}

export const emptyMessages = (): MessagesSlice => ({ channels: {} })

// --- pure transitions -----------------------------------------------------------------------

/** Sent messages in channel order, then pending ones in the order they were written. */
export function compareMessages(a: MessageInfo, b: MessageInfo): number {
  if (a.seq !== null && b.seq !== null) return a.seq - b.seq
  if (a.seq !== null) return -1
  if (b.seq !== null) return 1
  return a.sentAt - b.sentAt
}

/** Inserts or replaces by id (a pending message becomes sent in place) and keeps the order. */
export function mergeMessages(
  existing: readonly MessageInfo[],
  incoming: readonly MessageInfo[],
): MessageInfo[] {
  const byId = new Map(existing.map((message) => [message.id, message]))
  for (const message of incoming) byId.set(message.id, message)
  return [...byId.values()].sort(compareMessages)
}

function updateChannel(
  state: MessagesSlice,
  key: string,
  change: (channel: ChannelMessages) => ChannelMessages,
): MessagesSlice {
  const channel = state.channels[key] ?? emptyChannel()
  return { channels: { ...state.channels, [key]: change(channel) } }
}

export function withMessages(
  state: MessagesSlice,
  key: string,
  incoming: readonly MessageInfo[],
  now: number,
): MessagesSlice {
  const alive = incoming.filter((message) => message.burnAt > now)
  return updateChannel(state, key, (channel) => ({
    ...channel,
    messages: mergeMessages(channel.messages, alive),
  }))
}

export function withoutMessages(
  state: MessagesSlice,
  key: string,
  ids: readonly string[],
): MessagesSlice {
  const channel = state.channels[key]
  if (!channel) return state
  const gone = new Set(ids)
  if (!channel.messages.some((message) => gone.has(message.id))) return state
  return updateChannel(state, key, (current) => ({
    ...current,
    messages: current.messages.filter((message) => !gone.has(message.id)),
  }))
}

/** Drops every message whose burn time has come; unchanged channels keep their identity. */
export function withoutBurned(state: MessagesSlice, now: number): MessagesSlice {
  let changed = false
  const channels: Record<string, ChannelMessages> = {}
  for (const [key, channel] of Object.entries(state.channels)) {
    if (channel.messages.some((message) => message.burnAt <= now)) {
      changed = true
      channels[key] = {
        ...channel,
        messages: channel.messages.filter((message) => message.burnAt > now),
      }
    } else channels[key] = channel
  }
  return changed ? { channels } : state
}

// --- actions ------------------------------------------------------------------------------

export interface MessagesActions {
  readonly applyChanged: (event: ApiEvents['messagesChanged']) => void
  readonly applyRemoved: (event: ApiEvents['messagesBurned'] | ApiEvents['messagesDeleted']) => void
  readonly sweep: (now: number) => void
  readonly forgetServer: (serverId: string) => void
  readonly loadLatest: (serverId: string, channelId: string) => Promise<void>
  readonly loadOlder: (serverId: string, channelId: string) => Promise<void>
  readonly send: (
    serverId: string,
    channelId: string,
    text: string,
  ) => Promise<Outcome<MessageInfo>>
  readonly edit: (
    serverId: string,
    channelId: string,
    messageId: string,
    text: string,
  ) => Promise<Outcome<MessageInfo>>
  readonly remove: (
    serverId: string,
    channelId: string,
    messageId: string,
  ) => Promise<Outcome<null>>
  readonly reset: () => void
}

export const useMessages = create<MessagesSlice & MessagesActions>()((set, get) => {
  function absorb(serverId: string, channelId: string, message: MessageInfo): void {
    set((state) => withMessages(state, channelKey(serverId, channelId), [message], Date.now()))
  }

  return {
    ...emptyMessages(),
    applyChanged: ({ serverId, channelId, messages }) => {
      const key = channelKey(serverId, channelId)
      // Channels never opened are fetched whole when they are; their unread count is the core's.
      if (!get().channels[key]) return
      set((state) => withMessages(state, key, messages, Date.now()))
    },
    applyRemoved: ({ serverId, channelId, ids }) =>
      set((state) => withoutMessages(state, channelKey(serverId, channelId), ids)),
    sweep: (now) => set((state) => withoutBurned(state, now)),
    forgetServer: (serverId) =>
      set((state) => ({
        channels: Object.fromEntries(
          Object.entries(state.channels).filter(([key]) => !key.startsWith(`${serverId}/`)),
        ),
      })),
    loadLatest: async (serverId, channelId) => {
      const key = channelKey(serverId, channelId)
      const outcome = await attempt(() =>
        api().listMessages({ serverId, channelId, limit: PAGE_SIZE }),
      )
      set((state) => {
        if (!outcome.ok)
          return updateChannel(state, key, (channel) => ({ ...channel, error: outcome.error }))
        const next = withMessages(state, key, outcome.value.messages, Date.now())
        return updateChannel(next, key, (channel) => ({
          ...channel,
          loaded: true,
          error: null,
          // Only the first load decides; later refreshes must not forget older pages.
          hasOlder: channel.loaded ? channel.hasOlder : outcome.value.hasOlder,
        }))
      })
    },
    loadOlder: async (serverId, channelId) => {
      const key = channelKey(serverId, channelId)
      const channel = get().channels[key]
      if (!channel || channel.loadingOlder || !channel.hasOlder) return
      const oldest = channel.messages.find((message) => message.seq !== null)
      if (!oldest || oldest.seq === null) return
      const beforeSeq = oldest.seq
      set((state) => updateChannel(state, key, (current) => ({ ...current, loadingOlder: true })))
      const outcome = await attempt(() =>
        api().listMessages({ serverId, channelId, beforeSeq, limit: PAGE_SIZE }),
      )
      set((state) => {
        if (!outcome.ok) {
          return updateChannel(state, key, (current) => ({
            ...current,
            loadingOlder: false,
            error: outcome.error,
          }))
        }
        const next = withMessages(state, key, outcome.value.messages, Date.now())
        return updateChannel(next, key, (current) => ({
          ...current,
          loadingOlder: false,
          hasOlder: outcome.value.hasOlder,
          error: null,
        }))
      })
    },
    send: async (serverId, channelId, text) => {
      const outcome = await attempt(() => api().sendMessage({ serverId, channelId, text }))
      if (outcome.ok) absorb(serverId, channelId, outcome.value)
      return outcome
    },
    edit: async (serverId, channelId, messageId, text) => {
      const outcome = await attempt(() =>
        api().editMessage({ serverId, channelId, messageId, text }),
      )
      if (outcome.ok) absorb(serverId, channelId, outcome.value)
      return outcome
    },
    remove: async (serverId, channelId, messageId) => {
      const outcome = await attempt(() => api().deleteMessage({ serverId, channelId, messageId }))
      if (outcome.ok) get().applyRemoved({ serverId, channelId, ids: [messageId] })
      return outcome
    },
    reset: () => set(emptyMessages()),
  }
})
