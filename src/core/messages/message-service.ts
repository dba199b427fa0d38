// Messages: compose (through the outbox), receive from sync, list from the cache, unread
// counts, and burning. A shard that does not open under its own stream, id, burn time and
// epoch, whose author is not a member now with the identity key it was signed by, or that would
// outlive its channel's burn time, is rejected and counted, never shown. One that names the
// group's current epoch and still does not open is also reported: the sender may be on another
// branch of the group.
import { ParacordError, type ApiInput, type MessageInfo, type MessagePage } from '../../shared/api'
import { LIMITS, type Shard } from '../../shared/protocol'
import type { CachedMessage, Unsubscribe } from '../cache'
import type { CoreEvents } from '../events'
import { bodyEpoch, openItem, ShardRejected } from '../shard-codec'
import type { UnlockedSession } from '../session'
import { randomId } from '../servers/ids'
import type { ServerService } from '../servers/server-service'
import { canPost } from '../servers/server-view'
import {
  isNewerEdit,
  messageInfo,
  parseItem,
  type ChannelItem,
  type OutboxData,
  type StoredMessage,
} from './message-items'
import { Outbox } from './outbox'

/** How far back unread messages are counted (the view shows "200+" beyond). */
const UNREAD_WINDOW = 200

export interface MessageServiceOptions {
  readonly session: UnlockedSession
  readonly events: CoreEvents
  readonly servers: ServerService
}

interface Where {
  readonly serverId: string
  readonly channelId: string
}

export class MessageService {
  private readonly session: UnlockedSession
  private readonly events: CoreEvents
  private readonly servers: ServerService
  private readonly outbox: Outbox
  /** Where each message shown or stored lives, so a burn can name its channel. */
  private readonly locations = new Map<string, Where>()
  private readonly unreadMemo = new Map<string, number>()
  private readonly outboxListeners = new Set<() => void>()
  private readonly stopBurn: Unsubscribe
  private rejected = 0
  /** Channel and epoch pairs already reported as possibly forked: one warning each. */
  private readonly forkWarned = new Set<string>()

  constructor(options: MessageServiceOptions) {
    this.session = options.session
    this.events = options.events
    this.servers = options.servers
    this.outbox = new Outbox(this.session, this.servers, {
      sent: (id, data, seq) => this.onSent(id, data, seq),
      dropped: (id, data) => this.onDropped(id, data),
      sizeChanged: () => this.outboxListeners.forEach((listener) => listener()),
      waitChanged: () => this.outboxListeners.forEach((listener) => listener()),
    })
    this.stopBurn = this.session.cache.onBurn((ids) => this.onBurn(ids))
    this.servers.setUnreadSource((serverId, channelId) => this.unreadCount(serverId, channelId))
  }

  // --- the API --------------------------------------------------------------------------------

  async sendMessage(input: ApiInput<'sendMessage'>): Promise<MessageInfo> {
    const { serverId, channelId, text } = input
    const channel = this.requirePostable(serverId, channelId)
    // 1. A random id (the shard id), sent now, burning after the channel's time.
    const id = randomId()
    const sentAt = this.session.now()
    const burnAt = sentAt + channel.burnSeconds * 1000
    // 2. Sealed and queued on disk first, shown as pending.
    const data = this.outbox.compose(id, serverId, channelId, burnAt, {
      type: 'message',
      text,
      sentAt,
    })
    this.outbox.enqueue(id, data)
    const pending = this.pendingInfo(id, data)
    this.locations.set(id, { serverId, channelId })
    this.events.emit('messagesChanged', { serverId, channelId, messages: [pending] })
    // 3. Posted now, or still pending, to go when back online.
    const outcome = await this.outbox.post(id, data)
    if (outcome.status === 'sent')
      return this.infoOf(id) ?? { ...pending, delivery: 'sent', seq: outcome.seq }
    if (outcome.status === 'dropped')
      throw new ParacordError('forbidden', `Not sent: ${outcome.reason}.`)
    return pending
  }

  async editMessage(input: ApiInput<'editMessage'>): Promise<MessageInfo> {
    const { serverId, channelId, messageId, text } = input
    this.requirePostable(serverId, channelId)
    const target = this.ownMessage(channelId, messageId, 'edit')
    // Later than the edit shown now, even within one millisecond or after the clock went back:
    // readers keep the edit with the newest editedAt, whatever order they receive them in.
    const editedAt = Math.max(this.session.now(), (target.data.editedAt ?? 0) + 1)
    // Shown at once; the edit burns with its message.
    this.store(target.id, target.seq, target.burnAt!, { ...target.data, text, editedAt })
    await this.queue(serverId, channelId, target.burnAt!, {
      type: 'edit',
      target: messageId,
      text,
      editedAt,
    })
    const info = this.infoOf(messageId)!
    this.events.emit('messagesChanged', { serverId, channelId, messages: [info] })
    return info
  }

  async deleteMessage(input: ApiInput<'deleteMessage'>): Promise<void> {
    const { serverId, channelId, messageId } = input
    this.requirePostable(serverId, channelId)
    const target = this.ownMessage(channelId, messageId, 'delete')
    this.session.cache.deleteMessage(messageId)
    this.forgetUnread(channelId)
    this.events.emit('messagesDeleted', { serverId, channelId, ids: [messageId] })
    await this.queue(serverId, channelId, target.burnAt!, { type: 'delete', target: messageId })
  }

  /** The newest page (or the page before `beforeSeq`), oldest first; pending ones last. */
  listMessages(input: ApiInput<'listMessages'>): MessagePage {
    const { serverId, channelId, ...options } = input
    this.requireChannel(serverId, channelId)
    const rows = this.session.cache.listMessages<StoredMessage>(channelId, {
      beforeSeq: options.beforeSeq,
      limit: options.limit + 1,
    })
    const hasOlder = rows.length > options.limit
    const messages = rows.slice(hasOlder ? 1 : 0).map((row) => this.rowInfo(row))
    if (options.beforeSeq === undefined)
      for (const item of this.outbox.pending(channelId))
        if (item.data.item.type === 'message') messages.push(this.pendingInfo(item.id, item.data))
    return { messages, hasOlder }
  }

  markRead(serverId: string, channelId: string): void {
    this.requireChannel(serverId, channelId)
    const newest = this.session.cache.listMessages(channelId, { limit: 1 })[0]?.seq ?? 0
    const seq = Math.max(newest, this.session.cache.getCursor(channelId) ?? 0)
    this.session.cache.setValue(readKey(channelId), seq)
    this.forgetUnread(channelId)
  }

  unreadCount(_serverId: string, channelId: string): number {
    const known = this.unreadMemo.get(channelId)
    if (known !== undefined) return known
    const lastRead = this.session.cache.getValue<number>(readKey(channelId)) ?? 0
    const count = this.session.cache
      .listMessages<StoredMessage>(channelId, { limit: UNREAD_WINDOW })
      .filter((m) => m.seq > lastRead && m.data.authorId !== this.session.userId).length
    this.unreadMemo.set(channelId, count)
    return count
  }

  /** Shards refused since start: forged, moved, re-timed, or by someone not a member. */
  rejectedCount(): number {
    return this.rejected
  }

  outboxSize(): number {
    return this.outbox.size()
  }

  /**
   * Until when sending waits because the server asked to slow down (ms since epoch); null when
   * it does not, or only waits to reach the server again (being offline shows that already).
   */
  sendingPausedUntil(): number | null {
    const wait = this.outbox.waiting()
    return wait && wait.reason !== 'unreachable' ? wait.until : null
  }

  /** The outbox's size changed, or its wait began or ended. */
  onOutboxChanged(listener: () => void): Unsubscribe {
    this.outboxListeners.add(listener)
    return () => this.outboxListeners.delete(listener)
  }

  /** Sends what was composed offline (sync calls this when online). */
  flushOutbox(): Promise<void> {
    return this.outbox.flush()
  }

  close(): void {
    this.stopBurn()
    // No retry after the lock: the queued items stay on disk for the next unlock.
    this.outbox.close()
    this.outboxListeners.clear()
  }

  // --- receiving ------------------------------------------------------------------------------

  /** One shard of a channel, in seq order; the cursor moves once it is processed. */
  async receiveShard(serverId: string, channelId: string, shard: Shard): Promise<void> {
    const cursor = this.session.cache.getCursor(channelId) ?? 0
    if (shard.seq <= cursor) return
    const problem = await this.apply(serverId, channelId, shard)
    if (problem !== null) this.rejected++
    this.session.cache.setCursor(channelId, shard.seq)
  }

  /** Applies a shard; returns why it was rejected, or null. */
  private async apply(serverId: string, channelId: string, shard: Shard): Promise<string | null> {
    // 1. Open it under its own stream, id, burn time and epoch, and check the author signature.
    const opened = await this.open(serverId, channelId, shard)
    if (typeof opened === 'string') return opened
    // 2. The author must be a member now, with the identity key their devices carry.
    if (!(await this.isPinnedAuthor(serverId, opened.author, opened.authorKey))) {
      // Someone who is not (or no longer) in the server posted with keys they once held.
      this.events.emit('spineRejected', {
        serverId,
        reason: `a message in a channel came from someone who is not a member of this server now; it is not shown`,
      })
      return 'the author is not a member with this key'
    }
    const item = parseItem(opened.payload)
    if (!item || shard.burnAt === null) return 'not an item this version understands'
    const state = this.servers.view(serverId)
    const channel = state.channels.get(channelId)
    if (!channel) return 'not a channel of this server'
    // 3. Dates the author signed may not run ahead of this device's clock (beyond the slack).
    const latest = this.session.now() + LIMITS.burnSkewMs
    // 4. Apply it.
    const authorName = state.members.get(opened.author)?.displayName ?? 'former member'
    switch (item.type) {
      case 'message': {
        if (item.sentAt > latest) return 'sent in the future'
        if (shard.burnAt <= item.sentAt) return 'burns before it was sent'
        // A modified client could keep its message in everyone's cache long after the channel's
        // burn time; the channel's own time (and clock slack) is the most a message may last.
        if (shard.burnAt > item.sentAt + channel.burnSeconds * 1000 + LIMITS.burnSkewMs)
          return 'burns later than its channel allows'
        this.store(shard.id, shard.seq, shard.burnAt, {
          serverId,
          channelId,
          authorId: opened.author,
          authorName,
          text: item.text,
          sentAt: item.sentAt,
          editedAt: null,
        })
        this.outbox.settle(shard.id)
        const info = this.infoOf(shard.id)
        if (info) this.events.emit('messagesChanged', { serverId, channelId, messages: [info] })
        return null
      }
      case 'edit': {
        const target = this.session.cache.getMessage<StoredMessage>(item.target)
        if (!target || target.stream !== channelId) return null
        if (target.data.authorId !== opened.author) return 'an edit of someone else’s message'
        if (target.burnAt !== shard.burnAt) return 'an edit that does not burn with its message'
        if (item.editedAt > latest) return 'an edit dated in the future'
        // The author's newest edit stands, not the last one the backend chose to deliver.
        if (!isNewerEdit(item, target.data)) return null
        this.store(target.id, target.seq, target.burnAt, {
          ...target.data,
          text: item.text,
          editedAt: item.editedAt,
        })
        const info = this.infoOf(target.id)
        if (info) this.events.emit('messagesChanged', { serverId, channelId, messages: [info] })
        return null
      }
      case 'delete': {
        const target = this.session.cache.getMessage<StoredMessage>(item.target)
        if (!target || target.stream !== channelId) return null
        if (target.data.authorId !== opened.author) return 'a deletion of someone else’s message'
        this.session.cache.deleteMessage(target.id)
        this.forgetUnread(channelId)
        this.events.emit('messagesDeleted', { serverId, channelId, ids: [target.id] })
        return null
      }
    }
  }

  private async open(serverId: string, channelId: string, shard: Shard) {
    const binding = { stream: channelId, shardId: shard.id, burnAt: shard.burnAt }
    const keyFor = (epoch: number) =>
      this.servers.keyring.streamKeys(serverId, channelId, epoch)?.contentKey ?? null
    for (let attempt = 0; ; attempt++) {
      try {
        return openItem(binding, shard.body, keyFor)
      } catch (error) {
        if (!(error instanceof ShardRejected)) throw error
        if (error.reason === 'undecryptable') this.warnIfForked(serverId, channelId, shard)
        // A newer epoch than known: the server's log may hold the commit not read yet.
        if (error.reason !== 'unknown_epoch' || attempt > 0) return error.message
        await this.servers.catchUp(serverId)
      }
    }
  }

  /**
   * A shard that names the group's current epoch but does not open with this device's keys of
   * it: altered on the way, or sealed on a branch of the group this device is not on (a backend
   * showing members different commits). Shown, as the members can tell by comparing codes.
   */
  private warnIfForked(serverId: string, channelId: string, shard: Shard): void {
    const epoch = bodyEpoch(shard.body)
    if (epoch !== this.servers.keyring.currentEpoch(serverId)) return
    const once = `${channelId}/${epoch}`
    if (this.forkWarned.has(once)) return
    this.forkWarned.add(once)
    const name = this.servers.view(serverId).channels.get(channelId)?.name ?? 'a channel'
    this.events.emit('spineRejected', {
      serverId,
      reason:
        `a message in #${name} names the server's current keys but does not open with them. ` +
        `It was altered, or this device's view of the server may differ from the sender's: ` +
        `compare the safety code on the members screen with another member.`,
    })
  }

  /**
   * Only members' messages are taken. Someone who left or was removed still holds the keys of
   * the epochs they were in, and a backend that lets them past the door could deliver what they
   * seal with them now; so once they are gone nothing more of theirs is taken (what this device
   * took while they were in stays).
   */
  private async isPinnedAuthor(
    serverId: string,
    author: string,
    authorKey: string,
  ): Promise<boolean> {
    const check = () => {
      const member = this.servers.view(serverId).members.get(author)
      return member !== undefined && member.identityKey === authorKey
    }
    if (check()) return true
    // The join may be in the server's log but not read yet.
    await this.servers.catchUp(serverId)
    return check()
  }

  // --- helpers --------------------------------------------------------------------------------

  private async queue(serverId: string, channelId: string, burnAt: number, item: ChannelItem) {
    const id = randomId()
    const data = this.outbox.compose(id, serverId, channelId, burnAt, item)
    this.outbox.enqueue(id, data)
    const outcome = await this.outbox.post(id, data)
    if (outcome.status === 'dropped')
      throw new ParacordError('forbidden', `Not sent: ${outcome.reason}.`)
  }

  private onSent(id: string, data: OutboxData, seq: number): void {
    if (data.item.type !== 'message') return
    if (!this.session.cache.getMessage(id)) {
      this.store(id, seq, data.burnAt, {
        serverId: data.serverId,
        channelId: data.channelId,
        authorId: this.session.userId,
        authorName: this.myName(data.serverId),
        text: data.item.text,
        sentAt: data.item.sentAt,
        editedAt: null,
      })
    }
    const info = this.infoOf(id)
    if (info)
      this.events.emit('messagesChanged', {
        serverId: data.serverId,
        channelId: data.channelId,
        messages: [info],
      })
  }

  private onDropped(id: string, data: OutboxData): void {
    if (data.item.type !== 'message') return
    this.locations.delete(id)
    const { serverId, channelId } = data
    if (data.burnAt <= this.session.now())
      this.events.emit('messagesBurned', { serverId, channelId, ids: [id] })
    else this.events.emit('messagesDeleted', { serverId, channelId, ids: [id] })
  }

  private onBurn(ids: string[]): void {
    const byChannel = new Map<string, Where & { ids: string[] }>()
    for (const id of ids) {
      const where = this.locations.get(id)
      if (!where) continue
      this.locations.delete(id)
      this.forgetUnread(where.channelId)
      let group = byChannel.get(where.channelId)
      if (!group) byChannel.set(where.channelId, (group = { ...where, ids: [] }))
      group.ids.push(id)
    }
    for (const { serverId, channelId, ids: burned } of byChannel.values())
      this.events.emit('messagesBurned', { serverId, channelId, ids: burned })
  }

  private store(id: string, seq: number, burnAt: number, message: StoredMessage): void {
    this.session.cache.putMessage({ id, stream: message.channelId, seq, burnAt, data: message })
    this.locations.set(id, { serverId: message.serverId, channelId: message.channelId })
    this.forgetUnread(message.channelId)
  }

  private infoOf(id: string): MessageInfo | null {
    const row = this.session.cache.getMessage<StoredMessage>(id)
    return row ? this.rowInfo(row) : null
  }

  private rowInfo(row: CachedMessage<StoredMessage>): MessageInfo {
    this.locations.set(row.id, { serverId: row.data.serverId, channelId: row.data.channelId })
    return messageInfo(row.id, row.data, row.burnAt!, row.seq, this.nameOf(row.data))
  }

  private pendingInfo(id: string, data: OutboxData): MessageInfo {
    const item = data.item as Extract<ChannelItem, { type: 'message' }>
    const message: StoredMessage = {
      serverId: data.serverId,
      channelId: data.channelId,
      authorId: this.session.userId,
      authorName: this.myName(data.serverId),
      text: item.text,
      sentAt: item.sentAt,
      editedAt: null,
    }
    return messageInfo(id, message, data.burnAt, null, message.authorName)
  }

  private nameOf(message: StoredMessage): string {
    const member = this.servers.view(message.serverId).members.get(message.authorId)
    return member?.displayName ?? message.authorName
  }

  private myName(serverId: string): string {
    const me = this.servers.view(serverId).members.get(this.session.userId)
    return me?.displayName ?? this.session.vault().profile.displayName
  }

  private requireChannel(serverId: string, channelId: string) {
    if (!this.servers.isServer(serverId))
      throw new ParacordError('not_found', 'You are not in this server.')
    const channel = this.servers.view(serverId).channels.get(channelId)
    if (!channel) throw new ParacordError('not_found', 'This channel does not exist.')
    return channel
  }

  private requirePostable(serverId: string, channelId: string) {
    const channel = this.requireChannel(serverId, channelId)
    if (!canPost(this.servers.view(serverId), this.session.userId, channelId))
      throw new ParacordError('forbidden', 'You cannot post in this channel.')
    return channel
  }

  private ownMessage(channelId: string, messageId: string, action: 'edit' | 'delete') {
    const target = this.session.cache.getMessage<StoredMessage>(messageId)
    if (!target || target.stream !== channelId) {
      if (this.outbox.pending(channelId).some((i) => i.id === messageId))
        throw new ParacordError(
          'conflict',
          `This message is still being sent; ${action} it once it is.`,
        )
      throw new ParacordError('not_found', 'This message does not exist (it may have burned).')
    }
    if (target.data.authorId !== this.session.userId)
      throw new ParacordError('forbidden', `You can only ${action} your own messages.`)
    return target
  }

  private forgetUnread(channelId: string): void {
    this.unreadMemo.delete(channelId)
  }
}

const readKey = (channelId: string) => `read:${channelId}`
