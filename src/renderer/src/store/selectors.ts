// What views read, derived from the slices. Hooks select stable references only.
import type { ChannelInfo, ServerDetails } from '../../../shared/api'
import { channelKey, emptyChannel, useMessages, type ChannelMessages } from './messages'
import { useServers } from './servers'
import { useUi } from './ui'

/** The channel list's order: text channels, then voice channels, each as the server lists them. */
export function channelsInListOrder(channels: readonly ChannelInfo[]): ChannelInfo[] {
  return [
    ...channels.filter((channel) => channel.kind === 'text'),
    ...channels.filter((channel) => channel.kind === 'voice'),
  ]
}

/** The channel a step away in list order, wrapping at either end; null when there is none. */
export function neighbourChannel(
  channels: readonly ChannelInfo[],
  currentId: string | null,
  step: 1 | -1,
): ChannelInfo | null {
  const ordered = channelsInListOrder(channels)
  if (ordered.length === 0) return null
  const index = ordered.findIndex((channel) => channel.id === currentId)
  if (index < 0) return ordered[0] ?? null
  return ordered[(index + step + ordered.length) % ordered.length] ?? null
}

/** The channel to open in a server: the one last open there, else the first text channel. */
export function channelToOpen(
  details: ServerDetails,
  remembered: string | undefined,
): ChannelInfo | null {
  return (
    details.channels.find((channel) => channel.id === remembered) ??
    details.channels.find((channel) => channel.kind === 'text') ??
    details.channels[0] ??
    null
  )
}

export function useSelectedServer(): ServerDetails | undefined {
  const serverId = useUi((state) => state.selectedServerId)
  return useServers((state) => (serverId ? state.details[serverId] : undefined))
}

export function useSelectedChannel(): ChannelInfo | undefined {
  const server = useSelectedServer()
  const channelId = useUi((state) => (server ? state.channelByServer[server.id] : undefined))
  return server?.channels.find((channel) => channel.id === channelId)
}

const EMPTY_CHANNEL = emptyChannel()

export function useChannelMessages(serverId: string, channelId: string): ChannelMessages {
  return useMessages((state) => state.channels[channelKey(serverId, channelId)] ?? EMPTY_CHANNEL)
}
