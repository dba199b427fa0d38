// Turns a channel's messages into the rows the list shows: a separator at each new day, and
// runs of messages by one author within a few minutes grouped under a single name and avatar.
import type { MessageInfo } from '../../../../shared/api'

/** Messages this close to the previous one by the same author join its group. */
export const GROUP_GAP_MS = 5 * 60 * 1000

export type MessageRow =
  | { readonly kind: 'day'; readonly key: string; readonly label: string }
  | {
      readonly kind: 'message'
      readonly key: string
      readonly message: MessageInfo
      /** True for the first message of a group: it shows the author and time. */
      readonly startsGroup: boolean
    }

/** A local calendar day, e.g. "2025-3-14". */
export function dayKey(time: number): string {
  const date = new Date(time)
  return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`
}

/** "Today", "Yesterday", or a full date such as "Friday, 14 March 2025". */
export function dayLabel(time: number, now: number): string {
  const key = dayKey(time)
  if (key === dayKey(now)) return 'Today'
  const yesterday = new Date(now)
  yesterday.setDate(yesterday.getDate() - 1)
  if (key === dayKey(yesterday.getTime())) return 'Yesterday'
  return new Date(time).toLocaleDateString(undefined, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  })
}

export function buildMessageRows(messages: readonly MessageInfo[], now: number): MessageRow[] {
  const rows: MessageRow[] = []
  let previous: MessageInfo | null = null
  for (const message of messages) {
    const newDay = previous === null || dayKey(previous.sentAt) !== dayKey(message.sentAt)
    if (newDay) {
      rows.push({
        kind: 'day',
        key: `day:${dayKey(message.sentAt)}`,
        label: dayLabel(message.sentAt, now),
      })
    }
    const startsGroup =
      newDay ||
      previous === null ||
      previous.authorId !== message.authorId ||
      message.sentAt - previous.sentAt > GROUP_GAP_MS
    rows.push({ kind: 'message', key: message.id, message, startsGroup })
    previous = message
  }
  return rows
}

/** "14:05" in the user's locale. */
export function formatTime(time: number): string {
  return new Date(time).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
}

/** "Today at 14:05" / "Yesterday at 09:12" / "14/03/2025, 14:05": a message's full time. */
export function formatFullTime(time: number, now: number): string {
  const label = dayLabel(time, now)
  if (label === 'Today' || label === 'Yesterday') return `${label} at ${formatTime(time)}`
  return new Date(time).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}
