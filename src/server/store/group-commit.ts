// Group commit: requests made in the same turn of the event loop are written by one call of
// `writeBatch` (one transaction, so one fsync), and each promise settles only after it returns.

/** The outcome of one item inside a batch that committed. */
export type ItemOutcome<R> =
  { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown }

/**
 * Writes a batch atomically and returns one outcome per item, in order. A per-item outcome
 * fails only that item; throwing fails the whole batch (nothing of it was written).
 */
export type BatchWriter<T, R> = (items: readonly T[]) => ItemOutcome<R>[]

interface Pending<T, R> {
  readonly item: T
  readonly resolve: (value: R) => void
  readonly reject: (error: unknown) => void
}

export class GroupCommitQueue<T, R> {
  private pending: Pending<T, R>[] = []
  private flushScheduled = false

  constructor(private readonly writeBatch: BatchWriter<T, R>) {}

  get size(): number {
    return this.pending.length
  }

  enqueue(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject })
      if (!this.flushScheduled) {
        this.flushScheduled = true
        // setImmediate (not a microtask) so requests from every I/O callback of this turn join.
        setImmediate(() => this.flush())
      }
    })
  }

  /** Writes everything queued now. Safe to call early, e.g. before a write that must follow. */
  flush(): void {
    this.flushScheduled = false
    const batch = this.pending
    this.pending = []
    if (batch.length === 0) return
    let outcomes: ItemOutcome<R>[]
    try {
      outcomes = this.writeBatch(batch.map((entry) => entry.item))
    } catch (error) {
      for (const entry of batch) entry.reject(error)
      return
    }
    batch.forEach((entry, index) => {
      const outcome = outcomes[index] as ItemOutcome<R>
      if (outcome.ok) entry.resolve(outcome.value)
      else entry.reject(outcome.error)
    })
  }
}
