// Which messages become system notifications and what those may say. A message notifies when
// someone else sent it during this session and its channel is not in front of the user (the
// window unfocused, or another channel open). Text, author and mention are shown only when the
// user turned notificationPreviews on; by default a notification says "New message" and nothing
// else (not who, not how many, not whether it mentions you). Every notification shown is kept
// until its message burns or is deleted, or the app locks, and withdrawn then, whatever became
// of it meanwhile: a Windows toast that timed out still sits in the Action Center.
import type { ApiEvents, MessageInfo } from '../../shared/api'

export interface ChannelRef {
  readonly serverId: string
  readonly channelId: string
}

export interface NotificationContext {
  readonly myUserId: string
  /** The user's login and display names, for @mentions. */
  readonly myNames: readonly string[]
  readonly previews: boolean
  readonly windowFocused: boolean
  /** The channel last opened in the window, as the renderer marked it read. */
  readonly activeChannel: ChannelRef | null
  /**
   * The notification server may read the body as markup: Linux, where Electron hands the body
   * to libnotify unescaped and servers with "body-markup" render <b>, <a href> and <img>.
   */
  readonly bodyIsMarkup: boolean
}

export interface PlannedNotification {
  /** Stable key for closing it later. */
  readonly key: string
  readonly title: string
  readonly body: string
  readonly channel: ChannelRef
  /** The messages it stands for: it is withdrawn when any of them burns. */
  readonly messageIds: readonly string[]
}

/** More new messages than this in one delivery become one summary notification. */
export const MAX_NOTIFICATIONS_PER_BATCH = 3
/** All a notification says while previews are off. */
export const HIDDEN_BODY = 'New message'
const HIDDEN_TITLE = 'paracord'
const BODY_LIMIT = 140

export function mentions(text: string, names: readonly string[]): boolean {
  return names.some((name) => {
    if (name.trim() === '') return false
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    return new RegExp(
      `(^|[^\\p{L}\\p{N}_])@${escaped}(?![\\p{L}\\p{N}_]|[.-][\\p{L}\\p{N}_])`,
      'iu',
    ).test(text)
  })
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > BODY_LIMIT ? `${flat.slice(0, BODY_LIMIT - 1)}…` : flat
}

/** Text as the freedesktop notification markup shows it literally. */
export function escapeNotificationMarkup(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function previewBody(text: string, context: NotificationContext): string {
  const line = oneLine(text)
  return context.bodyIsMarkup ? escapeNotificationMarkup(line) : line
}

export class NotificationPlanner {
  private readonly seen = new Set<string>()
  private readonly shown = new Map<string, PlannedNotification>()

  /** @param since messages sent before this moment (ms) are history, not news. */
  constructor(private readonly since: number) {}

  messagesChanged(
    event: ApiEvents['messagesChanged'],
    context: NotificationContext,
  ): PlannedNotification[] {
    const fresh = event.messages.filter((message) => this.isNews(message, context))
    for (const message of event.messages) this.seen.add(message.id)
    const channel = { serverId: event.serverId, channelId: event.channelId }
    const inFront =
      context.windowFocused &&
      context.activeChannel?.serverId === channel.serverId &&
      context.activeChannel.channelId === channel.channelId
    if (fresh.length === 0 || inFront) return []

    const planned =
      fresh.length > MAX_NOTIFICATIONS_PER_BATCH
        ? [this.summary(fresh, channel, context)]
        : fresh.map((message) => this.single(message, channel, context))
    for (const notification of planned) this.shown.set(notification.key, notification)
    return planned
  }

  /** Messages that burned or were deleted → the keys of the notifications to withdraw. */
  messagesRemoved(ids: readonly string[]): string[] {
    const gone = new Set(ids)
    for (const id of ids) this.seen.delete(id)
    const keys: string[] = []
    for (const [key, notification] of this.shown) {
      if (notification.messageIds.some((id) => gone.has(id))) {
        keys.push(key)
        this.shown.delete(key)
      }
    }
    return keys
  }

  /** Locked or signed out: every notification is withdrawn and nothing is remembered. */
  clear(): string[] {
    const keys = [...this.shown.keys()]
    this.shown.clear()
    this.seen.clear()
    return keys
  }

  private isNews(message: MessageInfo, context: NotificationContext): boolean {
    return (
      !this.seen.has(message.id) &&
      message.authorId !== context.myUserId &&
      message.delivery === 'sent' &&
      message.sentAt >= this.since
    )
  }

  private single(
    message: MessageInfo,
    channel: ChannelRef,
    context: NotificationContext,
  ): PlannedNotification {
    const base = { key: `message:${message.id}`, channel, messageIds: [message.id] }
    if (!context.previews) return { ...base, title: HIDDEN_TITLE, body: HIDDEN_BODY }
    const mentioned = mentions(message.text, context.myNames)
    return {
      ...base,
      title: mentioned ? `${message.authorName} mentioned you` : message.authorName,
      body: previewBody(message.text, context),
    }
  }

  private summary(
    messages: readonly MessageInfo[],
    channel: ChannelRef,
    context: NotificationContext,
  ): PlannedNotification {
    const ids = messages.map((message) => message.id)
    const base = { key: `batch:${ids[0]}`, channel, messageIds: ids, title: HIDDEN_TITLE }
    if (!context.previews) return { ...base, body: HIDDEN_BODY }
    const mentioned = messages.some((message) => mentions(message.text, context.myNames))
    return {
      ...base,
      body: `${messages.length} new messages${mentioned ? ', some mention you' : ''}`,
    }
  }
}
