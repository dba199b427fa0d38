// Writing messages: Enter sends, Shift+Enter starts a new line, and an unsent draft stays with
// its channel. When the user cannot post, the box says why instead.
import { useState, type KeyboardEvent } from 'react'
import type { ChannelInfo, MessageInfo } from '../../../../shared/api'
import { channelKey, useMessages } from '../../store/messages'
import { useUi } from '../../store/ui'
import { LockIcon } from '../../components/icons'

export const MESSAGE_MAX_LENGTH = 4000
/** The counter appears when this few characters are left. */
const COUNTER_FROM = 500

function isSendKey(event: KeyboardEvent<HTMLTextAreaElement>): boolean {
  return event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing
}

function LengthCounter({ length }: { length: number }) {
  const left = MESSAGE_MAX_LENGTH - length
  if (left > COUNTER_FROM) return null
  return (
    <span
      className={`composer__counter${left < 0 ? ' composer__counter--over' : ''}`}
      aria-live="polite"
    >
      {left < 0 ? `${-left} characters too long` : `${left} characters left`}
    </span>
  )
}

export interface ComposerProps {
  readonly serverId: string
  readonly channel: ChannelInfo
  /** Why the user cannot post here, or null when they can. */
  readonly disabledReason: string | null
  readonly lastOwnMessage: MessageInfo | null
}

export function Composer({ serverId, channel, disabledReason, lastOwnMessage }: ComposerProps) {
  const key = channelKey(serverId, channel.id)
  const draft = useUi((state) => state.drafts[key] ?? '')
  const setDraft = useUi((state) => state.setDraft)
  const startEditing = useUi((state) => state.startEditing)
  const send = useMessages((state) => state.send)
  const [error, setError] = useState<string | null>(null)

  if (disabledReason) {
    return (
      <div className="composer composer--disabled composer--notice" data-testid="composer-disabled">
        <LockIcon size={16} /> {disabledReason}
      </div>
    )
  }

  async function submit() {
    const text = draft.trim()
    if (text === '') return
    if (text.length > MESSAGE_MAX_LENGTH) {
      setError(`Messages can be up to ${MESSAGE_MAX_LENGTH} characters.`)
      return
    }
    setError(null)
    setDraft(key, '')
    const outcome = await send(serverId, channel.id, text)
    if (!outcome.ok) {
      // Nothing is lost: the text comes back unless the user has started a new one.
      if ((useUi.getState().drafts[key] ?? '') === '') setDraft(key, text)
      setError(outcome.error)
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (isSendKey(event)) {
      event.preventDefault()
      void submit()
    } else if (event.key === 'ArrowUp' && draft === '' && lastOwnMessage) {
      event.preventDefault()
      startEditing({ channelKey: key, messageId: lastOwnMessage.id })
    }
  }

  return (
    <div className="composer-wrap">
      {error && (
        <p className="composer__error" role="alert">
          {error}
        </p>
      )}
      <div className="composer">
        <label className="sr-only" htmlFor={`composer-${channel.id}`}>
          Message #{channel.name}
        </label>
        <textarea
          id={`composer-${channel.id}`}
          className="composer__input"
          placeholder={`Message #${channel.name}`}
          rows={1}
          value={draft}
          onChange={(event) => setDraft(key, event.target.value)}
          onKeyDown={onKeyDown}
          aria-describedby={`composer-help-${channel.id}`}
          data-testid="composer"
          data-main-focus=""
        />
        <LengthCounter length={draft.length} />
      </div>
      <p className="composer__help" id={`composer-help-${channel.id}`}>
        Enter to send · Shift+Enter for a new line
      </p>
    </div>
  )
}

export function EditComposer({
  serverId,
  channel,
  message,
}: {
  serverId: string
  channel: ChannelInfo
  message: MessageInfo
}) {
  const [text, setText] = useState(message.text)
  const [error, setError] = useState<string | null>(null)
  const stopEditingOnly = useUi((state) => state.stopEditing)
  const requestMainFocus = useUi((state) => state.requestMainFocus)
  // The editor gives way to the composer: focus goes there rather than to nowhere.
  const stopEditing = () => {
    stopEditingOnly()
    requestMainFocus()
  }
  const edit = useMessages((state) => state.edit)

  async function save() {
    const trimmed = text.trim()
    if (trimmed === '' || trimmed === message.text) {
      stopEditing()
      return
    }
    if (trimmed.length > MESSAGE_MAX_LENGTH) {
      setError(`Messages can be up to ${MESSAGE_MAX_LENGTH} characters.`)
      return
    }
    const outcome = await edit(serverId, channel.id, message.id, trimmed)
    if (outcome.ok) stopEditing()
    else setError(outcome.error)
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (isSendKey(event)) {
      event.preventDefault()
      void save()
    } else if (event.key === 'Escape') {
      event.preventDefault()
      event.stopPropagation()
      stopEditing()
    }
  }

  return (
    <div className="composer-wrap">
      <p className="composer__editing">
        Editing your message · Enter to save, Esc to cancel{' '}
        <button type="button" className="btn btn--link" onClick={stopEditing}>
          Cancel
        </button>
      </p>
      {error && (
        <p className="composer__error" role="alert">
          {error}
        </p>
      )}
      <div className="composer composer--editing">
        <label className="sr-only" htmlFor={`edit-${message.id}`}>
          Edit message
        </label>
        <textarea
          id={`edit-${message.id}`}
          className="composer__input"
          rows={1}
          value={text}
          autoFocus
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKeyDown}
          data-testid="edit-composer"
        />
        <LengthCounter length={text.length} />
      </div>
    </div>
  )
}
