// The virtualised message list: only the rows on screen exist in the page, so a channel with
// thousands of messages scrolls as smoothly as one with ten. It sticks to the bottom while the
// user is there, and loads older history when they scroll near the top. From the keyboard it is
// one Tab stop: the arrow keys (and Home, End) move between messages, each with its actions.
import { useVirtualizer } from '@tanstack/react-virtual'
import {
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react'
import { useClock } from '../../store/clock'
import type { ChannelMessages } from '../../store/messages'
import { buildMessageRows, type MessageRow } from './grouping'
import { MessageItem, type MessageActions } from './MessageItem'

/**
 * A column whose content sits at its bottom: a few messages rest on the composer, as in
 * Discord, instead of hanging from the top with a gap below. Set beside the virtualiser's own
 * sizes because the list's scrolling relies on it.
 */
const SCROLLER_STYLE = { display: 'flex', flexDirection: 'column' } as const
const CONTENT_STYLE = { marginTop: 'auto', flexShrink: 0 } as const

/** Within this many pixels of the bottom counts as "at the bottom". */
const STICK_THRESHOLD = 80
/** Older history starts loading this close to the top. */
const LOAD_OLDER_THRESHOLD = 400

export interface MessageListProps extends MessageActions {
  readonly channel: ChannelMessages
  readonly channelName: string
  readonly myUserId: string | null
  readonly editingId: string | null
  /** The members' current names by user id; a message keeps the name it was sent with otherwise. */
  readonly authorNames?: ReadonlyMap<string, string>
  /** The user joined after the server began: history starts at their join. */
  readonly joinedLater?: boolean
  readonly onLoadOlder: () => void
}

type ListRow = MessageRow | { readonly kind: 'start'; readonly key: string }

export const BEFORE_JOIN_TEXT = "Messages sent before you joined aren't shown."

/**
 * The first message a channel ever had is its seq 1: below that, nothing was there to burn. A
 * member who joined later holds no keys of what came before, whatever burned or did not.
 */
export function startOfChannelText(channel: ChannelMessages, joinedLater = false): string {
  if (joinedLater) return BEFORE_JOIN_TEXT
  const oldest = channel.messages.find((message) => message.seq !== null)
  return oldest && oldest.seq !== null && oldest.seq > 1
    ? 'The beginning of what is left here. Older messages have burned.'
    : 'This is the start of the channel.'
}

function estimateRow(row: ListRow | undefined): number {
  if (!row) return 40
  if (row.kind === 'start') return 88
  if (row.kind === 'day') return 44
  return row.startsGroup ? 66 : 28
}

export function MessageList({
  channel,
  channelName,
  myUserId,
  editingId,
  authorNames,
  joinedLater = false,
  onLoadOlder,
  onEdit,
  onDelete,
  onCopy,
}: MessageListProps) {
  const keyboardHintId = useId()
  /** The message row that is the list's Tab stop; the newest when none was focused yet. */
  const [activeId, setActiveId] = useState<string | null>(null)
  // Day labels and full times change at most once a minute.
  const minute = useClock((state) => Math.floor(state.now / 60_000) * 60_000)
  const showStart = channel.loaded && !channel.hasOlder && channel.messages.length > 0
  const rows = useMemo<ListRow[]>(() => {
    const messageRows = buildMessageRows(channel.messages, minute)
    return showStart ? [{ kind: 'start', key: 'start' }, ...messageRows] : messageRows
  }, [channel.messages, minute, showStart])
  const scrollRef = useRef<HTMLDivElement>(null)
  const atBottom = useRef(true)
  const previous = useRef<{
    firstKey: string | undefined
    lastKey: string | undefined
    total: number
  }>({
    firstKey: undefined,
    lastKey: undefined,
    total: 0,
  })

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualiser's methods are read fresh every render
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => estimateRow(rows[index]),
    getItemKey: (index) => rows[index]?.key ?? index,
    overscan: 10,
    useFlushSync: false,
  })

  // Keeps the view steady when rows change: older history prepended keeps what the user is
  // reading in place; new messages at the end follow only if the user was at the bottom.
  useLayoutEffect(() => {
    const element = scrollRef.current
    if (!element) return
    const firstKey = rows[0]?.key
    const lastKey = rows[rows.length - 1]?.key
    const total = virtualizer.getTotalSize()
    const before = previous.current
    if (
      before.firstKey !== undefined &&
      firstKey !== before.firstKey &&
      lastKey === before.lastKey
    ) {
      element.scrollTop += total - before.total
    } else if (atBottom.current && rows.length > 0) {
      virtualizer.scrollToIndex(rows.length - 1, { align: 'end' })
    }
    previous.current = { firstKey, lastKey, total }
  }, [rows, virtualizer])

  // A window made smaller, or rows grown taller as they wrap, must not lose the newest
  // messages below the composer: whoever was at the bottom stays there.
  useEffect(() => {
    const element = scrollRef.current
    const content = element?.firstElementChild
    if (!element || !content || typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(() => {
      if (atBottom.current) element.scrollTop = element.scrollHeight
    })
    observer.observe(element)
    observer.observe(content)
    return () => observer.disconnect()
  }, [])

  const maybeLoadOlder = useCallback(() => {
    const element = scrollRef.current
    if (!element) return
    if (element.scrollTop < LOAD_OLDER_THRESHOLD && channel.hasOlder && !channel.loadingOlder)
      onLoadOlder()
  }, [channel.hasOlder, channel.loadingOlder, onLoadOlder])

  // A short first page may not fill the pane, so no scroll would ever ask for more.
  useEffect(() => {
    maybeLoadOlder()
  }, [maybeLoadOlder, rows.length])

  const messageIndexes = useMemo(
    () => rows.flatMap((row, index) => (row.kind === 'message' ? [index] : [])),
    [rows],
  )
  const tabStopId =
    activeId !== null && channel.messages.some((message) => message.id === activeId)
      ? activeId
      : (channel.messages[channel.messages.length - 1]?.id ?? null)

  const pendingFocus = useRef<number | null>(null)
  const rowElement = useCallback(
    (index: number) =>
      scrollRef.current?.querySelector<HTMLElement>(`[data-index="${index}"] [data-message-row]`) ??
      null,
    [],
  )
  // A row asked for while off screen takes focus once the virtualiser has rendered it.
  useEffect(() => {
    const index = pendingFocus.current
    if (index === null) return
    const element = rowElement(index)
    if (!element) return
    pendingFocus.current = null
    element.focus()
  })

  function focusRow(index: number) {
    const element = rowElement(index)
    if (element) return element.focus()
    pendingFocus.current = index
    virtualizer.scrollToIndex(index, { align: 'auto' })
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return
    const target = event.target as HTMLElement
    const onRow = target.hasAttribute('data-message-row')
    if (!onRow && target !== scrollRef.current) return
    const first = messageIndexes[0]
    const last = messageIndexes[messageIndexes.length - 1]
    if (first === undefined || last === undefined) return
    const current = onRow ? Number(target.closest('[data-index]')?.getAttribute('data-index')) : NaN
    const position = messageIndexes.indexOf(current)
    let next: number | undefined
    if (event.key === 'ArrowUp')
      next = position < 0 ? last : messageIndexes[Math.max(0, position - 1)]
    else if (event.key === 'ArrowDown')
      next = position < 0 ? last : messageIndexes[Math.min(messageIndexes.length - 1, position + 1)]
    else if (event.key === 'Home' && onRow) next = first
    else if (event.key === 'End' && onRow) next = last
    if (next === undefined) return
    event.preventDefault()
    focusRow(next)
  }

  function onScroll() {
    const element = scrollRef.current
    if (!element) return
    atBottom.current =
      element.scrollHeight - element.scrollTop - element.clientHeight < STICK_THRESHOLD
    maybeLoadOlder()
  }

  const items = virtualizer.getVirtualItems()

  return (
    <div className="message-list">
      <div className="message-list__older" role="status">
        {channel.loadingOlder ? 'Loading older messages…' : ''}
      </div>
      <p id={keyboardHintId} className="sr-only">
        Up and Down arrows move between messages; Enter opens a message's actions.
      </p>
      <div
        ref={scrollRef}
        className="message-scroll"
        onScroll={onScroll}
        onKeyDown={onKeyDown}
        onFocus={(event) => {
          const id = (event.target as HTMLElement).closest<HTMLElement>('[data-message-row]')
            ?.dataset.messageId
          if (id) setActiveId(id)
        }}
        tabIndex={0}
        role="region"
        aria-label={`Messages in ${channelName}`}
        aria-describedby={keyboardHintId}
        data-testid="message-list"
        style={SCROLLER_STYLE}
      >
        <div
          className="message-scroll__spacer"
          style={{ ...CONTENT_STYLE, height: virtualizer.getTotalSize() }}
        >
          <div
            className="message-scroll__window"
            role="list"
            style={{ transform: `translateY(${items[0]?.start ?? 0}px)` }}
          >
            {items.map((item) => {
              const row = rows[item.index]
              if (!row) return null
              return (
                <div
                  key={item.key}
                  role="listitem"
                  data-index={item.index}
                  ref={virtualizer.measureElement}
                >
                  {row.kind === 'start' ? (
                    <div className="channel-start">
                      <h2 className="channel-start__title">#{channelName}</h2>
                      <p>{startOfChannelText(channel, joinedLater)}</p>
                    </div>
                  ) : row.kind === 'day' ? (
                    <div className="day-divider">
                      <span>{row.label}</span>
                    </div>
                  ) : (
                    <MessageItem
                      message={row.message}
                      authorName={authorNames?.get(row.message.authorId) ?? row.message.authorName}
                      startsGroup={row.startsGroup}
                      mine={row.message.authorId === myUserId}
                      editing={row.message.id === editingId}
                      now={minute}
                      tabStop={row.message.id === tabStopId}
                      keyboardHintId={keyboardHintId}
                      onEdit={onEdit}
                      onDelete={onDelete}
                      onCopy={onCopy}
                    />
                  )}
                </div>
              )
            })}
          </div>
        </div>
      </div>
    </div>
  )
}
