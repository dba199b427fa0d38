// The middle of the main view: the open channel's header, its messages and the composer, or
// an empty state that says what to do next.
import { useCallback, useEffect, useMemo, useRef, useState, type RefObject } from 'react'
import type { ChannelInfo, MessageInfo, ServerDetails } from '../../../../shared/api'
import { Button, IconButton } from '../../components/Button'
import { Dialog, DialogActions } from '../../components/Dialog'
import { EmptyState } from '../../components/EmptyState'
import { useAuth } from '../../store/auth'
import { channelKey, useMessages } from '../../store/messages'
import { useChannelMessages, useSelectedChannel, useSelectedServer } from '../../store/selectors'
import { useServers } from '../../store/servers'
import { useUi } from '../../store/ui'
import { formatBurnLong } from '../channels/burn-time'
import { VoicePane } from '../voice/VoicePane'
import { Composer, EditComposer } from './Composer'
import { BEFORE_JOIN_TEXT, MessageList } from './MessageList'
import './messages.css'
import { FlameIcon, HashIcon, MembersIcon, SpeakerIcon, WarningIcon } from '../../components/icons'
import { useMembersShown, useNarrowLayout } from '../../app/layout'

/** Discord's member list button: the list beside the messages, or over them in a narrow window. */
function MembersToggle() {
  const narrow = useNarrowLayout()
  const shown = useMembersShown()
  const toggleMembers = useUi((state) => state.toggleMembers)
  return (
    <IconButton
      className="pane__members-toggle"
      label="Member list"
      aria-pressed={shown}
      data-testid="members-toggle"
      onClick={() => toggleMembers(narrow)}
    >
      <MembersIcon />
    </IconButton>
  )
}

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
      <MembersToggle />
    </header>
  )
}

/** Announces messages from others to screen readers, politely. */
function NewMessageAnnouncer({
  messages,
  myUserId,
  authorNames,
}: {
  messages: readonly MessageInfo[]
  myUserId: string | null
  authorNames: ReadonlyMap<string, string>
}) {
  const last = messages[messages.length - 1]
  const text =
    last && last.authorId !== myUserId
      ? `${authorNames.get(last.authorId) ?? last.authorName}: ${last.text}`
      : ''
  return (
    <div className="sr-only" aria-live="polite" aria-atomic="true" data-testid="message-announcer">
      {text}
    </div>
  )
}

/** Asks before a message is deleted for everyone: a slip of the keyboard cannot be undone. */
function DeleteMessageDialog({
  message,
  onCancel,
  onDeleted,
  fallbackFocus,
}: {
  message: MessageInfo
  onCancel: () => void
  onDeleted: () => void
  fallbackFocus: () => HTMLElement | null | undefined
}) {
  const remove = useMessages((s) => s.remove)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  async function onDelete() {
    setBusy(true)
    const outcome = await remove(message.serverId, message.channelId, message.id)
    setBusy(false)
    if (outcome.ok) onDeleted()
    else setError(outcome.error)
  }

  return (
    <Dialog
      title="Delete this message?"
      onClose={onCancel}
      size="sm"
      testId="delete-message-dialog"
      fallbackFocus={fallbackFocus}
    >
      <blockquote className="quoted-message" dir="auto">
        {message.text}
      </blockquote>
      <p className="section-text">
        It disappears for everyone in the channel. This cannot be undone.
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <DialogActions>
        <Button onClick={onCancel} data-autofocus>
          Cancel
        </Button>
        <Button variant="danger" busy={busy} busyLabel="Deleting…" onClick={() => void onDelete()}>
          Delete
        </Button>
      </DialogActions>
    </Dialog>
  )
}

function TextChannel({ server, channel }: { server: ServerDetails; channel: ChannelInfo }) {
  const key = channelKey(server.id, channel.id)
  const state = useChannelMessages(server.id, channel.id)
  const myUserId = useAuth((s) => s.userId)
  const editingId = useUi((s) => (s.editing?.channelKey === key ? s.editing.messageId : null))
  const startEditing = useUi((s) => s.startEditing)
  const loadOlder = useMessages((s) => s.loadOlder)
  const pushNotice = useUi((s) => s.pushNotice)
  const [deleting, setDeleting] = useState<MessageInfo | null>(null)
  const contentRef = useRef<HTMLDivElement>(null)
  // Names as the server lists them now: a display name changed since a message was sent shows.
  const authorNames = useMemo(
    () => new Map(server.members.map((member) => [member.userId, member.displayName])),
    [server.members],
  )

  const onLoadOlder = useCallback(
    () => void loadOlder(server.id, channel.id),
    [loadOlder, server.id, channel.id],
  )
  const onEdit = useCallback(
    (message: MessageInfo) => startEditing({ channelKey: key, messageId: message.id }),
    [startEditing, key],
  )
  const onDelete = useCallback((message: MessageInfo) => setDeleting(message), [])
  const onCopy = useCallback(
    (message: MessageInfo) => {
      navigator.clipboard.writeText(message.text).then(
        () => pushNotice('info', 'Copied the message text.'),
        () => pushNotice('warning', 'The text could not be copied.'),
      )
    },
    [pushNotice],
  )
  // After a deletion the message's row is gone: focus goes to the list, or, if that emptied it,
  // to the composer below.
  const afterDeleteFocus = useCallback(
    () =>
      contentRef.current?.querySelector<HTMLElement>('[data-testid="message-list"]') ??
      contentRef.current?.parentElement?.querySelector<HTMLElement>('[data-testid="composer"]'),
    [],
  )

  const lastOwn = useMemo(
    () =>
      [...state.messages].reverse().find((m) => m.authorId === myUserId && m.delivery === 'sent') ??
      null,
    [state.messages, myUserId],
  )
  const editingMessage = editingId ? state.messages.find((m) => m.id === editingId) : undefined
  const joinedLater = server.joinedEpoch > 0
  const disabledReason = server.permissions.canPost
    ? null
    : "You don't have permission to post in this channel."

  return (
    <>
      <div className="pane__content" ref={contentRef}>
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
            {joinedLater && <p>{BEFORE_JOIN_TEXT}</p>}
          </EmptyState>
        ) : (
          <MessageList
            key={key}
            channel={state}
            channelName={channel.name}
            myUserId={myUserId}
            editingId={editingId}
            authorNames={authorNames}
            joinedLater={joinedLater}
            onLoadOlder={onLoadOlder}
            onEdit={onEdit}
            onDelete={onDelete}
            onCopy={onCopy}
          />
        )}
      </div>
      {deleting && (
        <DeleteMessageDialog
          key={deleting.id}
          message={deleting}
          onCancel={() => setDeleting(null)}
          onDeleted={() => setDeleting(null)}
          fallbackFocus={afterDeleteFocus}
        />
      )}
      <NewMessageAnnouncer
        messages={state.messages}
        myUserId={myUserId}
        authorNames={authorNames}
      />
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

/**
 * Gives focus to the pane's first control (the composer, or the button saying what to do first)
 * when asked, once it is on screen and no dialog holds focus.
 */
function useMainFocus(pane: RefObject<HTMLElement | null>): void {
  const pending = useUi((state) => state.mainFocusPending)
  const dialogOpen = useUi((state) => state.dialog !== null)
  const mainFocusDone = useUi((state) => state.mainFocusDone)
  // Runs after every render while pending: the target may appear only once data has loaded.
  useEffect(() => {
    if (!pending || dialogOpen) return
    const target = pane.current?.querySelector<HTMLElement>('[data-main-focus]')
    if (!target) return
    target.focus()
    mainFocusDone()
  })
}

export function MessagePane() {
  const server = useSelectedServer()
  const channel = useSelectedChannel()
  const listLoaded = useServers((state) => state.listLoaded)
  const hasServers = useServers((state) => state.list.length > 0)
  const openDialog = useUi((state) => state.openDialog)
  const paneRef = useRef<HTMLElement>(null)
  useMainFocus(paneRef)

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
          <Button
            variant="primary"
            onClick={() => openDialog({ kind: 'addServer' })}
            data-main-focus=""
          >
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
                data-main-focus=""
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
    <main ref={paneRef} className="pane" aria-label={channel ? `#${channel.name}` : 'Messages'}>
      {(!channel || !server) && <h1 className="sr-only">paracord</h1>}
      {content}
    </main>
  )
}
