// Burn and expiry: one timer on the soonest burnAt/expiresAt in the store (ExpiryTimer), armed
// again after every sweep and moved earlier whenever a post burns sooner.
import type { FastifyBaseLogger } from 'fastify'
import { ExpiryTimer } from '../shared/expiry-timer'
import type { ServerMetrics } from './metrics'
import type { Store } from './store/types'

export class Sweeper {
  private readonly timer: ExpiryTimer
  private sweeping = false
  private stopped = false
  private running: Promise<unknown> = Promise.resolve()
  private scheduledDuringSweep: number | null = null

  constructor(
    private readonly store: Store,
    private readonly metrics: ServerMetrics,
    private readonly log: FastifyBaseLogger,
  ) {
    this.timer = new ExpiryTimer({
      sweep: (now) => this.sweep(now),
      onError: (error) => this.log.error({ err: error }, 'burn sweep failed; retrying'),
    })
  }

  /** Sweeps what fell due while the server was down, then arms on the next expiry. */
  start(): Promise<void> {
    return this.timer.sweepNow()
  }

  /** Something now expires at `at` (a new shard's burnAt, an invite's expiry). */
  schedule(at: number | null): void {
    if (at === null) return
    if (this.sweeping) this.scheduledDuringSweep = Math.min(this.scheduledDuringSweep ?? at, at)
    this.timer.schedule(at)
  }

  /** Stops the timer and waits for a sweep in progress, so the store can close after. */
  async stop(): Promise<void> {
    this.stopped = true
    this.timer.stop()
    await this.running
  }

  private sweep(now: number): Promise<number | null> {
    if (this.stopped) return Promise.resolve(null)
    const run = this.sweepOnce(now)
    this.running = run.catch(() => undefined)
    return run
  }

  private async sweepOnce(now: number): Promise<number | null> {
    this.sweeping = true
    try {
      const removed = await this.store.sweep(now)
      this.metrics.sweeps.inc()
      if (removed.shards > 0) {
        this.metrics.shardsBurned.inc(removed.shards)
        this.log.debug({ shards: removed.shards, enclaves: removed.enclaves }, 'burn sweep')
      }
      return await this.store.nextExpiry()
    } finally {
      // ExpiryTimer re-arms from our answer right after we return and, until then, ignores
      // schedule() calls as already covered. A post that lands in that gap may burn sooner than
      // our answer says, so replay what came in once the timer has re-armed.
      setImmediate(() => {
        this.sweeping = false
        const missed = this.scheduledDuringSweep
        this.scheduledDuringSweep = null
        this.timer.schedule(missed)
      })
    }
  }
}
