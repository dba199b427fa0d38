// The servers the user belongs to: the summaries for the rail, the details (channels, members,
// permissions) of those opened, and the invites of servers whose invite dialog was opened.
import { create } from 'zustand'
import type {
  ChannelInfo,
  ChannelKind,
  InviteInfo,
  ServerDetails,
  ServerSummary,
} from '../../../shared/api'
import { api } from './api'
import { attempt, type Outcome } from './outcome'

export interface ServersSlice {
  readonly list: readonly ServerSummary[]
  readonly listLoaded: boolean
  readonly details: Readonly<Record<string, ServerDetails>>
  readonly invites: Readonly<Record<string, readonly InviteInfo[]>>
}

export const emptyServers = (): ServersSlice => ({
  list: [],
  listLoaded: false,
  details: {},
  invites: {},
})

// --- pure transitions (the events and the actions share them) --------------------------------

export function withServerList(state: ServersSlice, list: readonly ServerSummary[]): ServersSlice {
  const present = new Set(list.map((server) => server.id))
  const details = Object.fromEntries(
    Object.entries(state.details).filter(([id]) => present.has(id)),
  )
  return { ...state, list, listLoaded: true, details }
}

function summaryOf(details: ServerDetails): ServerSummary {
  return { id: details.id, name: details.name, myRole: details.myRole, unread: details.unread }
}

export function withServerDetails(state: ServersSlice, details: ServerDetails): ServersSlice {
  const known = state.list.some((server) => server.id === details.id)
  const list = known
    ? state.list.map((server) => (server.id === details.id ? summaryOf(details) : server))
    : [...state.list, summaryOf(details)]
  return { ...state, list, details: { ...state.details, [details.id]: details } }
}

export function withoutServer(state: ServersSlice, serverId: string): ServersSlice {
  const { [serverId]: _details, ...details } = state.details
  const { [serverId]: _invites, ...invites } = state.invites
  return { ...state, list: state.list.filter((server) => server.id !== serverId), details, invites }
}

// --- actions ------------------------------------------------------------------------------

export interface ServersActions {
  readonly applyList: (list: readonly ServerSummary[]) => void
  readonly applyDetails: (details: ServerDetails) => void
  readonly applyRemoved: (serverId: string) => void
  readonly loadList: () => Promise<void>
  readonly loadServer: (serverId: string) => Promise<Outcome<ServerDetails>>
  readonly createServer: (name: string) => Promise<Outcome<ServerDetails>>
  readonly joinByInvite: (invite: string) => Promise<Outcome<ServerDetails>>
  readonly renameServer: (serverId: string, name: string) => Promise<Outcome<ServerDetails>>
  readonly leaveServer: (serverId: string) => Promise<Outcome<null>>
  readonly createChannel: (
    serverId: string,
    name: string,
    kind: ChannelKind,
    burnSeconds: number,
  ) => Promise<Outcome<ChannelInfo>>
  readonly updateChannel: (
    serverId: string,
    channelId: string,
    change: { name?: string; burnSeconds?: number },
  ) => Promise<Outcome<ChannelInfo>>
  readonly deleteChannel: (serverId: string, channelId: string) => Promise<Outcome<null>>
  readonly removeMember: (serverId: string, userId: string) => Promise<Outcome<null>>
  readonly setRole: (
    serverId: string,
    userId: string,
    role: 'admin' | 'member',
  ) => Promise<Outcome<null>>
  readonly loadInvites: (serverId: string) => Promise<Outcome<readonly InviteInfo[]>>
  readonly createInvite: (
    serverId: string,
    maxUses: number | null,
    expiresInSeconds: number | null,
  ) => Promise<Outcome<InviteInfo>>
  readonly revokeInvite: (serverId: string, inviteId: string) => Promise<Outcome<null>>
  readonly reset: () => void
}

export const useServers = create<ServersSlice & ServersActions>()((set, get) => {
  /** After a change the core also sends serverChanged; refetching covers a missed event. */
  async function refresh(serverId: string): Promise<void> {
    await get().loadServer(serverId)
  }

  async function thenRefresh<T>(serverId: string, run: () => Promise<T>): Promise<Outcome<T>> {
    const outcome = await attempt(run)
    if (outcome.ok) await refresh(serverId)
    return outcome
  }

  return {
    ...emptyServers(),
    applyList: (list) => set((state) => withServerList(state, list)),
    applyDetails: (details) => set((state) => withServerDetails(state, details)),
    applyRemoved: (serverId) => set((state) => withoutServer(state, serverId)),
    loadList: async () => {
      const list = await api().listServers({})
      get().applyList(list)
    },
    loadServer: async (serverId) => {
      const outcome = await attempt(() => api().getServer({ serverId }))
      if (outcome.ok) get().applyDetails(outcome.value)
      return outcome
    },
    createServer: async (name) => {
      const outcome = await attempt(() => api().createServer({ name }))
      if (outcome.ok) get().applyDetails(outcome.value)
      return outcome
    },
    joinByInvite: async (invite) => {
      const outcome = await attempt(() => api().joinByInvite({ invite: invite.trim() }))
      if (outcome.ok) get().applyDetails(outcome.value)
      return outcome
    },
    renameServer: async (serverId, name) => {
      const outcome = await attempt(() => api().renameServer({ serverId, name }))
      if (outcome.ok) get().applyDetails(outcome.value)
      return outcome
    },
    leaveServer: async (serverId) => {
      const outcome = await attempt(() => api().leaveServer({ serverId }))
      if (outcome.ok) get().applyRemoved(serverId)
      return outcome
    },
    createChannel: (serverId, name, kind, burnSeconds) =>
      thenRefresh(serverId, () => api().createChannel({ serverId, name, kind, burnSeconds })),
    updateChannel: (serverId, channelId, change) =>
      thenRefresh(serverId, () => api().updateChannel({ serverId, channelId, ...change })),
    deleteChannel: (serverId, channelId) =>
      thenRefresh(serverId, () => api().deleteChannel({ serverId, channelId })),
    removeMember: (serverId, userId) =>
      thenRefresh(serverId, () => api().removeMember({ serverId, userId })),
    setRole: (serverId, userId, role) =>
      thenRefresh(serverId, () => api().setRole({ serverId, userId, role })),
    loadInvites: async (serverId) => {
      const outcome = await attempt(() => api().listInvites({ serverId }))
      if (outcome.ok) set((state) => ({ invites: { ...state.invites, [serverId]: outcome.value } }))
      return outcome
    },
    createInvite: async (serverId, maxUses, expiresInSeconds) => {
      const outcome = await attempt(() =>
        api().createInvite({ serverId, maxUses, expiresInSeconds }),
      )
      if (outcome.ok) await get().loadInvites(serverId)
      return outcome
    },
    revokeInvite: async (serverId, inviteId) => {
      const outcome = await attempt(() => api().revokeInvite({ serverId, inviteId }))
      if (outcome.ok) await get().loadInvites(serverId)
      return outcome
    },
    reset: () => set(emptyServers()),
  }
})
