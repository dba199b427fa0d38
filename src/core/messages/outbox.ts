// The outbox: every item is sealed with its final shard id and burn time and queued on disk
// before the first attempt to post it, so a crash or a dead network loses nothing and a retry
// after an unknown outcome is stored once (the backend de-duplicates on the shard id).
// Whatever keeps an item from leaving, a retry is always scheduled: after the server's
// Retry-After when it asks to slow down, after a growing delay when it cannot be reached (and
// at once when sync reconnects), so nothing stays "Sending…" without another try coming.
import { backoffDelay, type BackoffPolicy } from '../net/backoff'
import { ApiError, ServerUnreachableError } from '../net/errors'
import type { OutboxItem } from '../cache'
import type { UnlockedSession } from '../session'
import { postItem, sealForStream } from '../servers/post-item'
import type { ServerService } from '../servers/server-service'
import type { ChannelItem, OutboxData } from './message-items'

export type DeliveryOutcome =
  | { readonly status: 'sent'; readonly seq: number }
  /** Not sent yet (offline); stays queued for the next flush. */
  | { readonly status: 'queued' }
  /** Refused for good, or burned before it could be sent; removed from the outbox. */
  | { readonly status: 'dropped'; readonly reason: string }

export interface OutboxHooks {
  /** The backend stored the item at `seq`. */
  sent(id: string, data: OutboxData, seq: number): void
  /** The item left the outbox without being sent. */
  dropped(id: string, data: OutboxData, reason: string): void
  /** The number of queued items changed. */
  sizeChanged(): void
  /** The outbox started waiting before its next try, or stopped (null). */
  waitChanged?(wait: OutboxWait | null): void
}

/** Why the outbox holds its items, and until when (ms since epoch, the session's clock). */
export interface OutboxWait {
  readonly until: number
  /**
   * rate_limited, unavailable: the server asked to wait, so nothing is posted before `until`.
   * unreachable: the server could not be reached; a reconnect tries again sooner.
   */
  readonly reason: 'rate_limited' | 'unavailable' | 'unreachable'
}

/**
 * The wait after a failure that names none (no Retry-After, or unreachable). A safety net: sync
 * flushes the outbox as soon as the live connection is back.
 */
export const OUTBOX_RETRY_BACKOFF: BackoffPolicy = { baseMs: 1000, capMs: 30_000 }

const QUEUED: DeliveryOutcome = { status: 'queued' }
/** However soon the server says to retry, not sooner than this (no tight loop on "0"). */
const MIN_RETRY_MS = 250

export class Outbox {
  private readonly inFlight = new Map<string, Promise<DeliveryOutcome>>()
  private flushing: Promise<void> | null = null
  private currentWait: OutboxWait | null = null
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  /** Failed tries since the last item was sent: the backoff of waits the server did not name. */
  private failures = 0
  private closed = false

  constructor(
    private readonly session: UnlockedSession,
    private readonly servers: ServerService,
    private readonly hooks: OutboxHooks,
  ) {}

  size(): number {
    return this.session.cache.outboxSize()
  }

  /** Seals `item` for the shard `id` in the epoch the channel is in as far as known offline. */
  compose(
    id: string,
    serverId: string,
    channelId: string,
    burnAt: number,
    item: ChannelItem,
  ): OutboxData {
    const epoch = this.servers.keyring.offlineEpoch(serverId)
    return this.seal(id, { serverId, channelId, burnAt, epoch, item, resealed: false })
  }

  /** Queues the sealed item durably; nothing is posted before this. */
  enqueue(id: string, data: OutboxData): void {
    this.session.cache.enqueueOutbox({ id, stream: data.channelId, data })
    this.hooks.sizeChanged()
  }

  /** Tries to post a queued item once now; while the server asked to wait, it waits its turn. */
  post(id: string, data: OutboxData): Promise<DeliveryOutcome> {
    if (this.serverAskedToWait()) return Promise.resolve(QUEUED)
    return this.deliver({ id, stream: data.channelId, data })
  }

  /** What the outbox waits for before its next try, if anything. */
  waiting(): OutboxWait | null {
    return this.currentWait
  }

  /** Stops retrying (the session is locking); queued items stay on disk for the next unlock. */
  close(): void {
    this.closed = true
    this.clearWait()
  }

  /** Removes an item the live stream showed stored (its post's answer may have been lost). */
  settle(id: string): boolean {
    const removed = this.session.cache.removeOutbox(id)
    if (removed) this.hooks.sizeChanged()
    return removed
  }

  pending(channelId: string): OutboxItem<OutboxData>[] {
    return this.session.cache.listOutbox<OutboxData>().filter((i) => i.data.channelId === channelId)
  }

  /**
   * Sends everything queued, in order, each exactly once; stops at the first failure (which
   * schedules the next try). Does nothing while the server asked to wait.
   */
  flush(): Promise<void> {
    if (this.serverAskedToWait()) return Promise.resolve()
    if (this.flushing) return this.flushing
    const run = this.sendQueued()
    this.flushing = run
    const clear = () => {
      if (this.flushing === run) this.flushing = null
    }
    run.then(clear, clear)
    return run
  }

  private async sendQueued(): Promise<void> {
    // Items queued while this runs (held back during a wait) are taken too, each once.
    const tried = new Set<string>()
    for (;;) {
      const next = this.session.cache.listOutbox<OutboxData>().find((i) => !tried.has(i.id))
      if (!next) return
      tried.add(next.id)
      const outcome = await this.deliver(next)
      if (outcome.status === 'queued') return
    }
  }

  private deliver(item: OutboxItem<OutboxData>): Promise<DeliveryOutcome> {
    let running = this.inFlight.get(item.id)
    if (!running) {
      running = this.attempt(item.id, item.data).finally(() => this.inFlight.delete(item.id))
      this.inFlight.set(item.id, running)
    }
    return running
  }

  private async attempt(id: string, data: OutboxData): Promise<DeliveryOutcome> {
    // 1. Burned while waiting: it must never reach anyone.
    if (data.burnAt <= this.session.now())
      return this.drop(id, data, 'it burned before it could be sent')
    // 2. Post it as sealed; after a key rotation it is sealed again for the new epoch (once,
    //    and the new copy replaces the queued one).
    let current = data
    try {
      const posted = await postItem(this.session, this.servers.keyring, {
        serverId: data.serverId,
        streamId: data.channelId,
        shardId: id,
        burnAt: data.burnAt,
        payload: () => data.item,
        sealed: { epoch: data.epoch, body: data.body },
        catchUp: () => this.servers.catchUp(data.serverId),
        retryAfterRotation: !data.resealed,
        resealed: (sealed) => {
          current = { ...data, ...sealed, resealed: true }
          this.requeue(id, current)
        },
      })
      if (!posted) return this.drop(id, current, 'you are no longer in this server')
      this.delivered()
      if (this.session.cache.removeOutbox(id)) this.hooks.sizeChanged()
      this.hooks.sent(id, current, posted.seq)
      return { status: 'sent', seq: posted.seq }
    } catch (error) {
      if (error instanceof ServerUnreachableError) return this.failed(error)
      // Refused by another app's local backend: ours may be back later, so the message waits.
      if (
        error instanceof ApiError &&
        error.code !== 'rate_limited' &&
        error.code !== 'unavailable' &&
        error.code !== 'embedded_access_denied'
      )
        return this.drop(id, current, `the server refused it (${error.code})`)
      return this.failed(error)
    }
  }

  /** A try that may work later: the next one comes after the wait the server named, if any. */
  private failed(error: unknown): DeliveryOutcome {
    this.failures++
    const fallback = backoffDelay(this.failures - 1, Math.random, OUTBOX_RETRY_BACKOFF)
    if (error instanceof ServerUnreachableError) this.waitBefore(fallback, 'unreachable')
    else if (error instanceof ApiError)
      this.waitBefore(
        error.retryAfterMs ?? fallback,
        error.code === 'rate_limited' ? 'rate_limited' : 'unavailable',
      )
    else this.waitBefore(fallback, 'unavailable')
    return QUEUED
  }

  private delivered(): void {
    this.failures = 0
    // The server is reachable again: whatever else waited for that goes now.
    if (this.currentWait?.reason === 'unreachable') {
      this.clearWait()
      this.flushInBackground()
    }
  }

  private serverAskedToWait(): boolean {
    return this.currentWait !== null && this.currentWait.reason !== 'unreachable'
  }

  private waitBefore(delayMs: number, reason: OutboxWait['reason']): void {
    if (this.closed) return
    const delay = Math.max(delayMs, MIN_RETRY_MS)
    const until = this.session.now() + delay
    const current = this.currentWait
    if (current) {
      // What the server asked for outranks waiting for reachability; otherwise the later stands.
      const asked = reason !== 'unreachable'
      const currentAsked = current.reason !== 'unreachable'
      if (currentAsked && !asked) return
      if (currentAsked === asked && current.until >= until) return
    }
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.currentWait = { until, reason }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      this.currentWait = null
      this.hooks.waitChanged?.(null)
      this.flushInBackground()
    }, delay)
    // A pending retry must not keep a closing process alive (the items stay on disk).
    this.retryTimer.unref()
    this.hooks.waitChanged?.(this.currentWait)
  }

  private clearWait(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null
    if (this.currentWait === null) return
    this.currentWait = null
    this.hooks.waitChanged?.(null)
  }

  private flushInBackground(): void {
    this.flush().catch(() => {
      // Locked meanwhile (the cache is closed): the next unlock's sync flushes what is queued.
    })
  }

  /** Replaces the queued copy; the outbox keeps an id's first content, so it goes first. */
  private requeue(id: string, data: OutboxData): void {
    this.session.cache.removeOutbox(id)
    this.session.cache.enqueueOutbox({ id, stream: data.channelId, data })
  }

  private seal(id: string, data: Omit<OutboxData, 'body'>): OutboxData {
    const shard = {
      serverId: data.serverId,
      streamId: data.channelId,
      shardId: id,
      burnAt: data.burnAt,
    }
    const sealed = sealForStream(this.session, this.servers.keyring, shard, data.epoch, data.item)
    if (!sealed) throw new Error(`no keys for epoch ${data.epoch}`)
    return { ...data, body: sealed.body }
  }

  private drop(id: string, data: OutboxData, reason: string): DeliveryOutcome {
    if (this.session.cache.removeOutbox(id)) this.hooks.sizeChanged()
    this.hooks.dropped(id, data, reason)
    return { status: 'dropped', reason }
  }
}
