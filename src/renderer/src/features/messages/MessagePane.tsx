// The middle of the main view: the open channel's header, its messages and the composer, or
// an empty state that says what to do next.
import { useCallback, useMemo } from 'react'
import type { ChannelInfo, MessageInfo, ServerDetails } from '../../../../shared/api'
import { Button } from '../../components/Button'
import { EmptyState } from '../../components/EmptyState'
import { useAuth } from '../../store/auth'
import { channelKey, useMessages } from '../../store/messages'
import { useChannelMessages, useSelectedChannel, useSelectedServer } from '../../store/selectors'
import { useServers } from '../../store/servers'
import { useUi } from '../../store/ui'
import { formatBurnLong } from '../channels/burn-time'
import { VoicePane } from '../voice/VoicePane'
import { Composer, EditComposer } from './Composer'
import { MessageList } from './MessageList'
import './messages.css'
import { FlameIcon, HashIcon, SpeakerIcon, WarningIcon } from '../../components/icons'

function ChannelHeader({ channel }: { channel: ChannelInfo }) {
  return (
    <header className="pane__header">
      <span className="pane__icon" aria-hidden="true">
        {channel.kind === 'text' ? <HashIcon size={22} /> : <SpeakerIcon size={22} />}
      </span>
      <h1 className="pane__title" data-testid="channel-title">
        {channel.name}
      </h1>
      {channel.kind === 'text' && (
        <span className="pane__topic">
          <FlameIcon size={13} /> Messages burn after {formatBurnLong(channel.burnSeconds)}
        </span>
      )}
    </header>
  )
}

/** Announces messages from others to screen readers, politely. */
function NewMessageAnnouncer({
  messages,
  myUserId,
}: {
  messages: readonly MessageInfo[]
  myUserId: string | null
}) {
  const last = messages[messages.length - 1]
  const text = last && last.authorId !== myUserId ? `${last.authorName}: ${last.text}` : ''
  return (
    <div className="sr-only" aria-live="polite" aria-atomic="true" data-testid="message-announcer">
      {text}
    </div>
  )
}

function TextChannel({ server, channel }: { server: ServerDetails; channel: ChannelInfo }) {
  const key = channelKey(server.id, channel.id)
  const state = useChannelMessages(server.id, channel.id)
  const myUserId = useAuth((s) => s.userId)
  const editingId = useUi((s) => (s.editing?.channelKey === key ? s.editing.messageId : null))
  const startEditing = useUi((s) => s.startEditing)
  const loadOlder = useMessages((s) => s.loadOlder)
  const remove = useMessages((s) => s.remove)
  const pushNotice = useUi((s) => s.pushNotice)

  const onLoadOlder = useCallback(
    () => void loadOlder(server.id, channel.id),
    [loadOlder, server.id, channel.id],
  )
  const onEdit = useCallback(
    (message: MessageInfo) => startEditing({ channelKey: key, messageId: message.id }),
    [startEditing, key],
  )
  const onDelete = useCallback(
    (message: MessageInfo) => {
      void remove(server.id, channel.id, message.id).then((outcome) => {
        if (!outcome.ok) pushNotice('warning', outcome.error)
      })
    },
    [remove, server.id, channel.id, pushNotice],
  )

  const lastOwn = useMemo(
    () =>
      [...state.messages].reverse().find((m) => m.authorId === myUserId && m.delivery === 'sent') ??
      null,
    [state.messages, myUserId],
  )
  const editingMessage = editingId ? state.messages.find((m) => m.id === editingId) : undefined
  const disabledReason = server.permissions.canPost
    ? null
    : "You don't have permission to post in this channel."

  return (
    <>
      <div className="pane__content">
        {!state.loaded && !state.error ? (
          <div className="pane__loading" role="status">
            Loading messages…
          </div>
        ) : state.error && state.messages.length === 0 ? (
          <EmptyState icon={<WarningIcon size={40} />} title="Messages could not load">
            <p>{state.error}</p>
          </EmptyState>
        ) : state.messages.length === 0 ? (
          <EmptyState icon={<FlameIcon size={40} />} title={`Welcome to #${channel.name}`}>
            <p data-testid="empty-channel">
              Messages here burn after {formatBurnLong(channel.burnSeconds)}. Say hello.
            </p>
          </EmptyState>
        ) : (
          <MessageList
            key={key}
            channel={state}
            channelName={channel.name}
            myUserId={myUserId}
            editingId={editingId}
            onLoadOlder={onLoadOlder}
            onEdit={onEdit}
            onDelete={onDelete}
          />
        )}
      </div>
      <NewMessageAnnouncer messages={state.messages} myUserId={myUserId} />
      {editingMessage ? (
        <EditComposer
          key={editingMessage.id}
          serverId={server.id}
          channel={channel}
          message={editingMessage}
        />
      ) : (
        <Composer
          key={key}
          serverId={server.id}
          channel={channel}
          disabledReason={disabledReason}
          lastOwnMessage={lastOwn}
        />
      )}
    </>
  )
}

export function MessagePane() {
  const server = useSelectedServer()
  const channel = useSelectedChannel()
  const listLoaded = useServers((state) => state.listLoaded)
  const hasServers = useServers((state) => state.list.length > 0)
  const openDialog = useUi((state) => state.openDialog)

  let content
  if (!listLoaded) {
    content = (
      <div className="pane__content pane__loading" role="status">
        Loading…
      </div>
    )
  } else if (!hasServers) {
    content = (
      <div className="pane__content">
        <EmptyState icon="◈" title="Welcome to paracord">
          <p data-testid="no-servers">Create a server or join one with an invite.</p>
          <Button variant="primary" onClick={() => openDialog({ kind: 'addServer' })}>
            Create or join a server
          </Button>
        </EmptyState>
      </div>
    )
  } else if (!server) {
    content = (
      <div className="pane__content pane__loading" role="status">
        Opening server…
      </div>
    )
  } else if (!channel) {
    content = (
      <div className="pane__content">
        <EmptyState icon={<HashIcon size={40} />} title={server.name}>
          {server.permissions.canManageChannels ? (
            <>
              <p>This server has no channels yet. Create one to start talking.</p>
              <Button
                variant="primary"
                onClick={() => openDialog({ kind: 'createChannel', serverId: server.id })}
              >
                Create a channel
              </Button>
            </>
          ) : (
            <p>This server has no channels yet. An admin can create one.</p>
          )}
        </EmptyState>
      </div>
    )
  } else {
    content = (
      <>
        <ChannelHeader channel={channel} />
        {channel.kind === 'text' ? (
          <TextChannel key={channel.id} server={server} channel={channel} />
        ) : (
          <VoicePane key={channel.id} server={server} channel={channel} />
        )}
      </>
    )
  }

  return (
    <main className="pane" aria-label={channel ? `#${channel.name}` : 'Messages'}>
      {(!channel || !server) && <h1 className="sr-only">paracord</h1>}
      {content}
    </main>
  )
}
