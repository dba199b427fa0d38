// Group commit over an asynchronous database: while one batch is being written, new requests
// queue, and all of them go in the next transaction. Under load the batch grows with the
// round-trip time, so one commit (one WAL flush) acknowledges many posts; when idle a request
// is written at once. Each promise settles only after its batch's outcome is known.
import type { ItemOutcome } from './group-commit'

export type AsyncBatchWriter<T, R> = (items: readonly T[]) => Promise<ItemOutcome<R>[]>

interface Pending<T, R> {
  readonly item: T
  readonly resolve: (value: R) => void
  readonly reject: (error: unknown) => void
}

export class AsyncGroupCommitQueue<T, R> {
  private pending: Pending<T, R>[] = []
  private writing: Promise<void> | null = null

  constructor(
    private readonly writeBatch: AsyncBatchWriter<T, R>,
    /** Upper bound on items per transaction, so one batch never holds locks for long. */
    private readonly maxBatch = 1000,
  ) {}

  enqueue(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject })
      // setImmediate: requests from every I/O callback of this turn join the first batch too.
      if (!this.writing)
        this.writing = new Promise((done) => setImmediate(done)).then(() => this.drain())
    })
  }

  /** Resolves once everything queued before the call has been written (or has failed). */
  async settled(): Promise<void> {
    while (this.writing) await this.writing
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch)
      let outcomes: ItemOutcome<R>[]
      try {
        outcomes = await this.writeBatch(batch.map((entry) => entry.item))
      } catch (error) {
        for (const entry of batch) entry.reject(error)
        continue
      }
      batch.forEach((entry, index) => {
        const outcome = outcomes[index] as ItemOutcome<R>
        if (outcome.ok) entry.resolve(outcome.value)
        else entry.reject(outcome.error)
      })
    }
    this.writing = null
  }
}
