// Live events across instances through PostgreSQL LISTEN/NOTIFY. Only ids and numbers cross
// (subscribers read shards from the store), and events published in one event-loop turn go
// out as one NOTIFY statement: every NOTIFY serialises its commit on a cluster-wide lock, so
// one per post would cap the whole cluster's post rate. Events reach this instance's own
// listeners at once; other instances get them after the commit of the NOTIFY.
import { createHash, randomBytes } from 'node:crypto'
import pg from 'pg'
import { connectionConfig, type PostgresConnectionOptions } from '../store/postgres-pool'
import type { LiveEvent, LiveNotifier } from './notifier'

/** NOTIFY payloads must stay under 8000 bytes; we chunk well below that. */
export const MAX_PAYLOAD_BYTES = 7000

/** Posts older than the LISTEN connection's loss by more than this are not replayed. */
const RESYNC_MARGIN_MS = 10_000

export interface PgNotifierOptions extends PostgresConnectionOptions {
  /** Publishes go through this pool (the store's); the notifier opens its own LISTEN client. */
  readonly pool: pg.Pool
  /** How long to wait before reconnecting a lost LISTEN connection. Default 500 ms. */
  readonly reconnectDelayMs?: number
  readonly log?: { warn(object: object, message: string): void }
}

interface Envelope {
  /** The publishing instance: its own messages are already delivered locally. */
  readonly i: string
  readonly e: readonly LiveEvent[]
}

/** Events as NOTIFY payloads of at most MAX_PAYLOAD_BYTES, order kept. */
export function encodeEvents(instance: string, events: readonly LiveEvent[]): string[] {
  const payloads: string[] = []
  let chunk: LiveEvent[] = []
  let size = 0
  const overhead = JSON.stringify({ i: instance, e: [] }).length
  for (const event of events) {
    const length = JSON.stringify(event).length + 1
    if (chunk.length > 0 && overhead + size + length > MAX_PAYLOAD_BYTES) {
      payloads.push(JSON.stringify({ i: instance, e: chunk } satisfies Envelope))
      chunk = []
      size = 0
    }
    chunk.push(event)
    size += length
  }
  if (chunk.length > 0) payloads.push(JSON.stringify({ i: instance, e: chunk }))
  return payloads
}

/**
 * Several posts to one stream in a batch need only one wake-up: keep the highest seq per
 * stream, in place of its first post; every other event stays, in order.
 */
export function coalesce(events: readonly LiveEvent[]): LiveEvent[] {
  const out: LiveEvent[] = []
  const postedAt = new Map<string, number>()
  for (const event of events) {
    if (event.kind !== 'posted') {
      out.push(event)
      continue
    }
    const index = postedAt.get(event.stream)
    if (index === undefined) {
      postedAt.set(event.stream, out.length)
      out.push(event)
    } else {
      const earlier = out[index] as Extract<LiveEvent, { kind: 'posted' }>
      out[index] = { ...earlier, seq: Math.max(earlier.seq, event.seq) }
    }
  }
  return out
}

/**
 * One channel per schema, so deployments (and test runs) sharing a database stay apart. Channel
 * names are identifiers of at most 63 bytes; a long schema name is replaced by its hash.
 */
export function channelFor(schema: string | null): string {
  const name = `paracord_live_${schema ?? 'default'}`
  if (name.length <= 63) return name
  return `paracord_live_${createHash('sha256')
    .update(schema ?? '')
    .digest('hex')
    .slice(0, 40)}`
}

function parseEnvelope(payload: string | undefined): Envelope | null {
  if (!payload) return null
  try {
    const parsed = JSON.parse(payload) as Partial<Envelope>
    return typeof parsed.i === 'string' && Array.isArray(parsed.e) ? (parsed as Envelope) : null
  } catch {
    return null
  }
}

export class PgNotifier implements LiveNotifier {
  readonly instance = randomBytes(9).toString('base64url')
  readonly channel: string
  private readonly listeners = new Set<(event: LiveEvent) => void>()
  private outgoing: LiveEvent[] = []
  private flushing: Promise<void> | null = null
  private listener: pg.Client | null = null
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null
  private lostAt: number | null = null
  private closed = false

  private constructor(private readonly options: PgNotifierOptions) {
    this.channel = channelFor(options.schema ?? null)
  }

  /** Resolves once the LISTEN connection is up. */
  static async open(options: PgNotifierOptions): Promise<PgNotifier> {
    const notifier = new PgNotifier(options)
    await notifier.listen()
    return notifier
  }

  publish(event: LiveEvent): void {
    for (const listener of this.listeners) listener(event)
    if (this.closed) return
    this.outgoing.push(event)
    this.flushing ??= new Promise((done) => setImmediate(done)).then(() => this.flush())
  }

  onPublish(listener: (event: LiveEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Waits for queued NOTIFYs, then stops listening. */
  async close(): Promise<void> {
    if (this.flushing) await this.flushing
    this.closed = true
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    const client = this.listener
    this.listener = null
    await client?.end().catch(() => undefined)
  }

  private async flush(): Promise<void> {
    while (this.outgoing.length > 0) {
      const events = coalesce(this.outgoing)
      this.outgoing = []
      const payloads = encodeEvents(this.instance, events)
      try {
        // One statement, one transaction: all chunks commit (and are delivered) together.
        await this.options.pool.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', [
          this.channel,
          payloads,
        ])
      } catch (error) {
        // The database is away: other instances resync from the store when it is back.
        this.options.log?.warn({ err: error }, 'live events not sent to other instances')
      }
    }
    this.flushing = null
  }

  private async listen(): Promise<void> {
    const client = new pg.Client(connectionConfig(this.options))
    client.on('error', () => this.lost(client))
    client.on('end', () => this.lost(client))
    client.on('notification', (message) => {
      if (message.channel !== this.channel) return
      const envelope = parseEnvelope(message.payload)
      if (!envelope || envelope.i === this.instance) return
      this.deliver(envelope.e)
    })
    await client.connect()
    await client.query(`LISTEN ${this.channel}`)
    if (this.closed) {
      await client.end()
      return
    }
    this.listener = client
    if (this.lostAt !== null) {
      const since = this.lostAt - RESYNC_MARGIN_MS
      this.lostAt = null
      // Session ends and rotations of the gap are gone for good: caches start over.
      this.deliver([{ kind: 'resync' }])
      await this.resync(since)
    }
  }

  private deliver(events: readonly LiveEvent[]): void {
    for (const event of events) for (const listener of this.listeners) listener(event)
  }

  // Posts from other instances while we were not listening: wake their streams' subscribers.
  // Their pumps read from their own cursors, so a wake-up too many sends nothing twice.
  private async resync(since: number): Promise<void> {
    try {
      const recent = await this.options.pool.query<{ stream_id: string; seq: number }>(
        `SELECT stream_id, MAX(seq) AS seq FROM shards WHERE received_at >= $1 GROUP BY stream_id`,
        [since],
      )
      this.deliver(
        recent.rows.map((row) => ({ kind: 'posted', stream: row.stream_id, seq: row.seq })),
      )
    } catch (error) {
      this.options.log?.warn({ err: error }, 'live resync failed')
    }
  }

  private lost(client: pg.Client): void {
    if (this.closed || this.listener !== client) return
    this.listener = null
    this.lostAt = Date.now()
    client.end().catch(() => undefined)
    this.scheduleReconnect()
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null
      this.listen().catch(() => this.scheduleReconnect())
    }, this.options.reconnectDelayMs ?? 500)
  }
}
