// One message row: author and time at the start of a group, the text, the edited mark, the
// burn countdown and whether it is still waiting to send. The row takes focus from the keyboard
// (the list moves it with the arrow keys); Enter, or the "More actions" button that shows on
// hover and focus, opens its menu, as in Discord and Slack. E edits one's own message, Delete
// asks to delete it.
import { memo, useCallback, useState, type KeyboardEvent } from 'react'
import type { MessageInfo } from '../../../../shared/api'
import { Avatar } from '../../components/Avatar'
import { MenuButton, type MenuItem } from '../../components/Menu'
import { BurnCountdown } from './BurnCountdown'
import { formatFullTime, formatTime } from './grouping'
import { ClockIcon, MoreIcon } from '../../components/icons'

export interface MessageActions {
  readonly onEdit: (message: MessageInfo) => void
  readonly onDelete: (message: MessageInfo) => void
  readonly onCopy: (message: MessageInfo) => void
}

export interface MessageItemProps extends MessageActions {
  readonly message: MessageInfo
  /** The author's name as the server lists them now (it may have changed since sending). */
  readonly authorName: string
  readonly startsGroup: boolean
  readonly mine: boolean
  readonly editing: boolean
  readonly now: number
  /** The list's one Tab stop: this row and its buttons are reached with Tab. */
  readonly tabStop: boolean
  /** Names the element that tells how to reach the actions from the keyboard. */
  readonly keyboardHintId?: string
}

export const MessageItem = memo(function MessageItem({
  message,
  authorName,
  startsGroup,
  mine,
  editing,
  now,
  tabStop,
  keyboardHintId,
  onEdit,
  onDelete,
  onCopy,
}: MessageItemProps) {
  const [menuOpen, setMenuOpen] = useState(false)
  const onMenuOpenChange = useCallback((open: boolean) => setMenuOpen(open), [])
  const pending = message.delivery === 'pending'
  const canChange = mine && !pending
  const fullTime = formatFullTime(message.sentAt, now)
  const tabIndex = tabStop ? 0 : -1

  const items: MenuItem[] = [
    ...(canChange ? [{ label: 'Edit message', onSelect: () => onEdit(message) }] : []),
    { label: 'Copy text', onSelect: () => onCopy(message) },
    ...(canChange
      ? [{ label: 'Delete message…', onSelect: () => onDelete(message), danger: true }]
      : []),
  ]

  function onKeyDown(event: KeyboardEvent<HTMLElement>) {
    // Only keys pressed on the row itself: its buttons and menu handle their own.
    if (event.target !== event.currentTarget || event.altKey || event.ctrlKey || event.metaKey)
      return
    if (
      event.key === 'Enter' ||
      event.key === 'ContextMenu' ||
      (event.shiftKey && event.key === 'F10')
    ) {
      event.preventDefault()
      setMenuOpen(true)
    } else if (canChange && (event.key === 'e' || event.key === 'E')) {
      event.preventDefault()
      onEdit(message)
    } else if (canChange && (event.key === 'Delete' || event.key === 'Backspace')) {
      event.preventDefault()
      onDelete(message)
    }
  }

  return (
    <article
      className={`message${startsGroup ? ' message--first' : ''}${pending ? ' message--pending' : ''}${editing ? ' message--editing' : ''}${menuOpen ? ' message--menu-open' : ''}`}
      aria-label={`${authorName}, ${fullTime}`}
      aria-describedby={keyboardHintId}
      tabIndex={tabIndex}
      onKeyDown={onKeyDown}
      onContextMenu={(event) => {
        event.preventDefault()
        setMenuOpen(true)
      }}
      data-message-row=""
      data-testid="message"
      data-message-id={message.id}
      data-delivery={message.delivery}
    >
      <div className="message__gutter">
        {startsGroup ? (
          <Avatar name={authorName} id={message.authorId} />
        ) : (
          <time
            className="message__hover-time"
            dateTime={new Date(message.sentAt).toISOString()}
            title={fullTime}
          >
            {formatTime(message.sentAt)}
          </time>
        )}
      </div>
      <div className="message__body">
        {startsGroup && (
          <div className="message__meta">
            <bdi className="message__author" data-testid="message-author">
              {authorName}
            </bdi>
            <time
              className="message__time"
              dateTime={new Date(message.sentAt).toISOString()}
              title={fullTime}
            >
              {fullTime}
            </time>
          </div>
        )}
        {/* dir="auto": a right-to-left message reads right to left, whatever the app's direction. */}
        <p className="message__text" dir="auto" data-testid="message-text">
          {message.text}
          {message.editedAt !== null && (
            <span
              className="message__edited"
              title={`Edited ${formatFullTime(message.editedAt, now)}`}
            >
              {' '}
              (edited)
            </span>
          )}
        </p>
      </div>
      <div className="message__side">
        {pending ? (
          <span className="message__pending" data-testid="message-pending">
            <ClockIcon /> Sending…
          </span>
        ) : (
          <span className="sr-only">Sent</span>
        )}
        <BurnCountdown sentAt={message.sentAt} burnAt={message.burnAt} />
      </div>
      <div className="message__actions">
        {canChange && (
          <button
            type="button"
            className="message__action"
            onClick={() => onEdit(message)}
            aria-label="Edit message"
            tabIndex={tabIndex}
          >
            Edit
          </button>
        )}
        <MenuButton
          label="More actions"
          items={items}
          open={menuOpen}
          onOpenChange={onMenuOpenChange}
          className="message__action"
          tabIndex={tabIndex}
        >
          <MoreIcon />
        </MenuButton>
      </div>
    </article>
  )
})
