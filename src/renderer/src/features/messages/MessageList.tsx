// The virtualised message list: only the rows on screen exist in the page, so a channel with
// thousands of messages scrolls as smoothly as one with ten. It sticks to the bottom while the
// user is there, and loads older history when they scroll near the top.
import { useVirtualizer } from '@tanstack/react-virtual'
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef } from 'react'
import type { MessageInfo } from '../../../../shared/api'
import { useClock } from '../../store/clock'
import type { ChannelMessages } from '../../store/messages'
import { buildMessageRows, type MessageRow } from './grouping'
import { MessageItem } from './MessageItem'

/** Within this many pixels of the bottom counts as "at the bottom". */
const STICK_THRESHOLD = 80
/** Older history starts loading this close to the top. */
const LOAD_OLDER_THRESHOLD = 400

export interface MessageListProps {
  readonly channel: ChannelMessages
  readonly channelName: string
  readonly myUserId: string | null
  readonly editingId: string | null
  readonly onLoadOlder: () => void
  readonly onEdit: (message: MessageInfo) => void
  readonly onDelete: (message: MessageInfo) => void
}

type ListRow = MessageRow | { readonly kind: 'start'; readonly key: string }

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
  onLoadOlder,
  onEdit,
  onDelete,
}: MessageListProps) {
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
      <div
        ref={scrollRef}
        className="message-scroll"
        onScroll={onScroll}
        tabIndex={0}
        role="region"
        aria-label={`Messages in ${channelName}`}
        data-testid="message-list"
      >
        <div className="message-scroll__spacer" style={{ height: virtualizer.getTotalSize() }}>
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
                      <p>The beginning of what is left here. Older messages have burned.</p>
                    </div>
                  ) : row.kind === 'day' ? (
                    <div className="day-divider">
                      <span>{row.label}</span>
                    </div>
                  ) : (
                    <MessageItem
                      message={row.message}
                      startsGroup={row.startsGroup}
                      mine={row.message.authorId === myUserId}
                      editing={row.message.id === editingId}
                      now={minute}
                      onEdit={onEdit}
                      onDelete={onDelete}
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
