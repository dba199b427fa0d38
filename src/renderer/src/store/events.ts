// Feeds every ParacordApi event into the store; subscribed once at start-up.
import type { ApiEvents, ParacordApi } from '../../../shared/api'
import { voice } from '../features/voice/voice'
import { useAuth } from './auth'
import { useConnection } from './connection'
import { channelKey, useMessages } from './messages'
import { markReadSoon, selectChannel, selectSomeServer } from './navigation'
import { firstReportOfRemoval, rememberMembership } from './removal-notices'
import { channelToOpen } from './selectors'
import { useServers } from './servers'
import { useUi } from './ui'

function onServerChanged(details: ApiEvents['serverChanged']): void {
  useServers.getState().applyDetails(details)
  // The open channel may have been deleted: move to another one of the same server.
  const { selectedServerId, channelByServer } = useUi.getState()
  if (selectedServerId !== details.id) return
  const current = channelByServer[details.id]
  if (current && details.channels.some((channel) => channel.id === current)) return
  const next = channelToOpen(details, undefined)
  if (next) void selectChannel(details.id, next.id)
}

function onServerRemoved({ serverId, reason }: ApiEvents['serverRemoved']): void {
  const name = useServers.getState().list.find((server) => server.id === serverId)?.name
  useServers.getState().applyRemoved(serverId)
  useMessages.getState().forgetServer(serverId)
  useUi.getState().forgetServer(serverId)
  if (reason === 'removed' && firstReportOfRemoval(serverId)) {
    useUi.getState().pushNotice('warning', `You were removed from ${name ?? 'a server'}.`)
  }
  void selectSomeServer()
}

function onMessagesChanged(event: ApiEvents['messagesChanged']): void {
  useMessages.getState().applyChanged(event)
  const { selectedServerId, channelByServer } = useUi.getState()
  const open =
    selectedServerId === event.serverId && channelByServer[event.serverId] === event.channelId
  if (open && document.visibilityState === 'visible') {
    markReadSoon(event.serverId, event.channelId)
  }
}

function onKeyChanged({ userId, displayName }: ApiEvents['keyChanged']): void {
  useUi
    .getState()
    .pushNotice(
      'warning',
      `${displayName}'s safety number changed. Compare it before you trust new messages.`,
    )
  // The member lists show the warning too: refresh the servers that list this person.
  const { details, loadServer } = useServers.getState()
  for (const server of Object.values(details)) {
    if (server.members.some((member) => member.userId === userId)) void loadServer(server.id)
  }
}

function onSpineRejected({ serverId, reason }: ApiEvents['spineRejected']): void {
  const name = useServers.getState().list.find((server) => server.id === serverId)?.name
  useUi
    .getState()
    .pushNotice('warning', `A change to ${name ?? 'a server'} was refused as invalid: ${reason}`)
}

/** Subscribes to every event; returns the function that unsubscribes them all. */
export function subscribeEvents(paracord: ParacordApi): () => void {
  const unsubscribers = [
    paracord.on('authChanged', (state) => useAuth.getState().applyAuth(state)),
    paracord.on('serversChanged', (list) => {
      rememberMembership(list.map((server) => server.id))
      useServers.getState().applyList(list)
      void selectSomeServer()
    }),
    paracord.on('serverChanged', onServerChanged),
    paracord.on('serverRemoved', onServerRemoved),
    paracord.on('messagesChanged', onMessagesChanged),
    paracord.on('messagesBurned', (event) => useMessages.getState().applyRemoved(event)),
    paracord.on('messagesDeleted', (event) => {
      useMessages.getState().applyRemoved(event)
      const editing = useUi.getState().editing
      if (
        editing &&
        editing.channelKey === channelKey(event.serverId, event.channelId) &&
        event.ids.includes(editing.messageId)
      ) {
        useUi.getState().stopEditing()
      }
    }),
    paracord.on('connectionChanged', (state) => useConnection.getState().applyConnection(state)),
    paracord.on('keyChanged', onKeyChanged),
    paracord.on('spineRejected', onSpineRejected),
    ...voice.subscribe(paracord),
  ]
  return () => unsubscribers.forEach((unsubscribe) => unsubscribe())
}
