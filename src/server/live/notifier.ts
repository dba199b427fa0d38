// What one backend instance tells the others (and itself) about changes that live sockets must
// react to and in-memory caches must drop. Only ids and numbers cross: subscribers read the
// shards from the store. This in-process implementation serves a single instance; a
// PostgreSQL LISTEN/NOTIFY one fans the same events out across instances behind the same
// interface.

export type LiveEvent =
  /** Stream `stream` stored a shard at `seq`. */
  | { readonly kind: 'posted'; readonly stream: string; readonly seq: number }
  /** Stream keys rotated to `keyVersion`; the previous read key reads up to `untilSeq`. */
  | {
      readonly kind: 'rotated'
      readonly stream: string
      readonly keyVersion: number
      readonly untilSeq: number
    }
  /**
   * Sessions ended: one token (`tokenHash`), or every session of `accountId` but
   * `exceptTokenHash`. Their sockets close.
   */
  | {
      readonly kind: 'sessions_ended'
      readonly accountId: string
      readonly tokenHash: string | null
      readonly exceptTokenHash: string | null
    }
  /**
   * Local only: events from other instances may have been missed (the connection carrying them
   * was lost). Whatever was cached from them is dropped and every live stream is read again.
   */
  | { readonly kind: 'resync' }

export interface LiveNotifier {
  publish(event: LiveEvent): void
  /** Returns a function that stops listening. */
  onPublish(listener: (event: LiveEvent) => void): () => void
}

export class InProcessNotifier implements LiveNotifier {
  private readonly listeners = new Set<(event: LiveEvent) => void>()

  publish(event: LiveEvent): void {
    for (const listener of this.listeners) listener(event)
  }

  onPublish(listener: (event: LiveEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
