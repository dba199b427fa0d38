// Channel items (docs/KEYS.md section 4) and how messages are kept in the cache and outbox.
// Items arrive from other members, so their shape is checked before anything is applied.
import type { MessageInfo } from '../../shared/api'

export const MAX_TEXT_CHARS = 4000

export interface MessageItem {
  readonly type: 'message'
  readonly text: string
  readonly sentAt: number
}
export interface EditItem {
  readonly type: 'edit'
  readonly target: string
  readonly text: string
  readonly editedAt: number
}
export interface DeleteItem {
  readonly type: 'delete'
  readonly target: string
}
export type ChannelItem = MessageItem | EditItem | DeleteItem

/** A message as the cache holds it (sealed); id, seq and burnAt are the row's. */
export interface StoredMessage {
  readonly serverId: string
  readonly channelId: string
  readonly authorId: string
  /** The author's display name when it arrived, for authors no longer in the server. */
  readonly authorName: string
  readonly text: string
  readonly sentAt: number
  readonly editedAt: number | null
}

/** An item waiting in the outbox, sealed once with its final shard id and burn time. */
export interface OutboxData {
  readonly serverId: string
  readonly channelId: string
  readonly burnAt: number
  readonly epoch: number
  readonly body: string
  readonly item: ChannelItem
  /** Sealed again for a newer epoch after the stream's keys rotated (done at most once). */
  readonly resealed: boolean
}

const isText = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= MAX_TEXT_CHARS
const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
const isId = (value: unknown): value is string =>
  typeof value === 'string' && /^[A-Za-z0-9_-]{16,64}$/.test(value)

/** The item, or null when the payload is not one this version understands. */
export function parseItem(payload: unknown): ChannelItem | null {
  if (typeof payload !== 'object' || payload === null) return null
  const p = payload as Record<string, unknown>
  const keys = Object.keys(p).sort().join(',')
  switch (p.type) {
    case 'message':
      return keys === 'sentAt,text,type' && isText(p.text) && isTime(p.sentAt)
        ? { type: 'message', text: p.text, sentAt: p.sentAt }
        : null
    case 'edit':
      return keys === 'editedAt,target,text,type' &&
        isId(p.target) &&
        isText(p.text) &&
        isTime(p.editedAt)
        ? { type: 'edit', target: p.target, text: p.text, editedAt: p.editedAt }
        : null
    case 'delete':
      return keys === 'target,type' && isId(p.target) ? { type: 'delete', target: p.target } : null
    default:
      return null
  }
}

/**
 * Whether `edit` replaces the text `current` shows. Edits are ordered by the editedAt their
 * author signed, never by arrival: the backend cannot choose which text each reader sees. Two
 * edits dated alike settle on the greater text, so every reader shows the same one.
 */
export function isNewerEdit(edit: EditItem, current: StoredMessage): boolean {
  if (current.editedAt === null || edit.editedAt > current.editedAt) return true
  return edit.editedAt === current.editedAt && edit.text > current.text
}

export function messageInfo(
  id: string,
  message: StoredMessage,
  burnAt: number,
  seq: number | null,
  authorName: string,
): MessageInfo {
  return {
    id,
    serverId: message.serverId,
    channelId: message.channelId,
    authorId: message.authorId,
    authorName,
    text: message.text,
    sentAt: message.sentAt,
    editedAt: message.editedAt,
    burnAt,
    delivery: seq === null ? 'pending' : 'sent',
    seq,
  }
}
