// One message row: author and time at the start of a group, the text, the edited mark, the
// burn countdown, whether it is still waiting to send, and edit/delete for one's own.
import { memo } from 'react'
import type { MessageInfo } from '../../../../shared/api'
import { Avatar } from '../../components/Avatar'
import { BurnCountdown } from './BurnCountdown'
import { formatFullTime, formatTime } from './grouping'
import { ClockIcon } from '../../components/icons'

export interface MessageItemProps {
  readonly message: MessageInfo
  readonly startsGroup: boolean
  readonly mine: boolean
  readonly editing: boolean
  readonly now: number
  readonly onEdit: (message: MessageInfo) => void
  readonly onDelete: (message: MessageInfo) => void
}

export const MessageItem = memo(function MessageItem({
  message,
  startsGroup,
  mine,
  editing,
  now,
  onEdit,
  onDelete,
}: MessageItemProps) {
  const pending = message.delivery === 'pending'
  const fullTime = formatFullTime(message.sentAt, now)
  return (
    <article
      className={`message${startsGroup ? ' message--first' : ''}${pending ? ' message--pending' : ''}${editing ? ' message--editing' : ''}`}
      aria-label={`${message.authorName}, ${fullTime}`}
      data-testid="message"
      data-message-id={message.id}
      data-delivery={message.delivery}
    >
      <div className="message__gutter">
        {startsGroup ? (
          <Avatar name={message.authorName} id={message.authorId} />
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
            <span className="message__author">{message.authorName}</span>
            <time
              className="message__time"
              dateTime={new Date(message.sentAt).toISOString()}
              title={fullTime}
            >
              {fullTime}
            </time>
          </div>
        )}
        <p className="message__text">
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
      {mine && !pending && (
        <div className="message__actions">
          <button
            type="button"
            className="message__action"
            onClick={() => onEdit(message)}
            aria-label="Edit message"
          >
            Edit
          </button>
          <button
            type="button"
            className="message__action message__action--danger"
            onClick={() => onDelete(message)}
            aria-label="Delete message"
          >
            Delete
          </button>
        </div>
      )}
    </article>
  )
})
