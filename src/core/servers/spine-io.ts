// Reading and writing a server's spine stream. Reading fetches every shard after the last seq
// processed, across key versions (an old read key reads up to its rotation, which is how a
// member offline across a rotation learns the new keys), opens each with the shard codec and
// folds it; writing chains an entry to the head and retries when another entry won the position.
// Everything per server runs one at a time under that server's lock.
import type { Shard } from '../../shared/protocol'
import {
  createEntry,
  entryHash,
  foldSpine,
  nextEntryTime,
  type SpineAuthor,
  type SpineBody,
  type SpineEntry,
  type SpineState,
} from '../spine'
import { openItem, ShardRejected } from '../shard-codec'
import type { UnlockedSession } from '../session'
import { isApiCode } from './errors'
import { randomId } from './ids'
import type { Keyring } from './keyring'
import { postItem } from './post-item'
import {
  EMPTY_FOLDED_SPINE,
  deleteFoldedSpine,
  loadFoldedSpine,
  saveFoldedSpine,
  type FoldedSpine,
} from './spine-store'

/** Shards per fetch page. */
const PAGE = 200
/** Attempts to win a position in the chain before giving up. */
const MAX_POST_ATTEMPTS = 8

export interface SpineHooks {
  /** An entry was accepted; called in spine order under the server's lock. */
  accepted(
    serverId: string,
    entry: SpineEntry,
    before: SpineState,
    after: SpineState,
  ): Promise<void>
  /** An entry (or an unreadable shard) was refused and not applied. */
  rejected(serverId: string, reason: string): void
}

/** The fold would refuse the entry: nothing was posted. */
export class SpineRefusedError extends Error {
  constructor(
    readonly bodyType: SpineBody['type'],
    readonly reason: string,
  ) {
    super(reason)
    this.name = 'SpineRefusedError'
  }
}

export class SpineIo {
  private readonly folded = new Map<string, FoldedSpine>()
  private readonly locks = new Map<string, Promise<unknown>>()
  /** Hashes of entries this client posted and is waiting to see accepted. */
  private readonly ownPending = new Set<string>()
  private readonly ownAccepted = new Set<string>()

  constructor(
    private readonly session: UnlockedSession,
    private readonly keyring: Keyring,
    private readonly hooks: SpineHooks,
  ) {}

  /** The folded spine as known now (from memory, else the cache); empty if never read. */
  get(serverId: string): FoldedSpine {
    let folded = this.folded.get(serverId)
    if (!folded) {
      folded = loadFoldedSpine(this.session.cache, serverId) ?? EMPTY_FOLDED_SPINE
      this.folded.set(serverId, folded)
    }
    return folded
  }

  state(serverId: string): SpineState {
    return this.get(serverId).state
  }

  /** Runs `task` alone among this server's spine work. */
  withLock<T>(serverId: string, task: () => Promise<T>): Promise<T> {
    const before = this.locks.get(serverId) ?? Promise.resolve()
    const run = before.then(task, task)
    const tail = run.catch(() => undefined)
    this.locks.set(serverId, tail)
    void tail.then(() => {
      if (this.locks.get(serverId) === tail) this.locks.delete(serverId)
    })
    return run
  }

  /** Reads and folds everything new in the server's spine. */
  catchUp(serverId: string): Promise<void> {
    return this.withLock(serverId, () => this.catchUpLocked(serverId))
  }

  /** A shard pushed live; ignored when already processed. */
  receive(serverId: string, shard: Shard): Promise<void> {
    return this.withLock(serverId, () => this.apply(serverId, shard))
  }

  /**
   * Appends the entry `makeBody` builds from the latest state (null: nothing to post any more),
   * retrying on a lost race. Resolves with the accepted entry, or null.
   */
  post(
    serverId: string,
    author: SpineAuthor,
    makeBody: (state: SpineState) => SpineBody | null,
  ): Promise<SpineEntry | null> {
    return this.withLock(serverId, async () => {
      for (let attempt = 0; attempt < MAX_POST_ATTEMPTS; attempt++) {
        // 1. Fold everything there is, so the entry chains to the real head.
        await this.catchUpLocked(serverId)
        const { state, head } = this.get(serverId)
        const body = makeBody(state)
        if (body === null) return null
        // 2. Sign it and check the fold would take it: never publish what every peer rejects.
        const entry = createEntry(head, body, author, nextEntryTime(head, this.session.now()))
        const trial = foldSpine([entry], state)
        if (trial.rejected.length > 0)
          throw new SpineRefusedError(body.type, trial.rejected[0]!.reason)
        // 3. Seal and post under the stream's current key version.
        const hash = entryHash(entry)
        this.ownPending.add(hash)
        try {
          const posted = await this.postEntry(serverId, entry)
          if (!posted) continue
          // 4. Read back: the chain tells whether this entry took the position.
          await this.catchUpLocked(serverId)
          if (this.ownAccepted.has(hash)) return entry
        } finally {
          this.ownPending.delete(hash)
          this.ownAccepted.delete(hash)
        }
      }
      throw new Error('the server log kept changing under this change; try again')
    })
  }

  /** Forgets the server's spine (left or removed). */
  forget(serverId: string): void {
    this.folded.delete(serverId)
    deleteFoldedSpine(this.session.cache, serverId)
  }

  /** Starts a server's spine with a freshly created stream (no read needed). */
  startEmpty(serverId: string): void {
    this.folded.set(serverId, EMPTY_FOLDED_SPINE)
  }

  // --- internals ------------------------------------------------------------------------------

  /**
   * Posts `entry`; false when it did not go out and the loop should go round again: no key for
   * the spine's current key version yet, the post key refused, or the chain moved on while the
   * keys were re-read (the entry no longer chains to the head).
   */
  private async postEntry(serverId: string, entry: SpineEntry): Promise<boolean> {
    const headHash = this.get(serverId).state.headHash
    try {
      const posted = await postItem(this.session, this.keyring, {
        serverId,
        streamId: serverId,
        shardId: randomId(),
        burnAt: null,
        payload: () => (this.get(serverId).state.headHash === headHash ? entry : null),
        catchUp: () => this.catchUpLocked(serverId),
      })
      return posted !== null
    } catch (error) {
      if (isApiCode(error, 'invalid_signature')) {
        this.keyring.forgetStream(serverId)
        return false
      }
      throw error
    }
  }

  private async catchUpLocked(serverId: string): Promise<void> {
    // Each round reads what the known keys can; folding a key rotation may unlock the next.
    for (let round = 0; round < 16; round++) {
      const info = await this.keyring.streamInfo(serverId, serverId, true)
      let blocked = false
      let progressed = false
      for (const version of this.keyring.keyVersions(serverId, serverId, info)) {
        if (version.untilSeq !== null && this.get(serverId).seq >= version.untilSeq) continue
        if (version.epoch === null) {
          blocked = true
          break
        }
        for (;;) {
          const proof = this.keyring.readProof(
            serverId,
            serverId,
            version.keyVersion,
            version.epoch,
            this.session.accountId,
          )
          const page = await this.session.client.fetchShards(serverId, {
            after: this.get(serverId).seq,
            limit: PAGE,
            proof,
          })
          for (const shard of page.shards) {
            await this.apply(serverId, shard)
            progressed = true
          }
          if (!page.more || page.shards.length === 0) break
        }
      }
      if (!blocked || !progressed) return
    }
  }

  /** Opens, checks and folds one shard, then records the seq as processed. */
  private async apply(serverId: string, shard: Shard): Promise<void> {
    const folded = this.get(serverId)
    if (shard.seq <= folded.seq) return
    const entry = this.open(serverId, shard)
    if (typeof entry === 'string') {
      this.hooks.rejected(serverId, entry)
      this.store(serverId, { ...folded, seq: shard.seq })
      return
    }
    const { state, rejected } = foldSpine([entry], folded.state)
    if (rejected.length > 0) {
      // A lost race of this client's own entry is retried by post(), not reported.
      if (!this.ownPending.has(safeHash(entry))) this.hooks.rejected(serverId, rejected[0]!.reason)
      this.store(serverId, { ...folded, seq: shard.seq })
      return
    }
    const pinned =
      entry.body.type === 'genesis' || entry.body.type === 'member_joined'
        ? { ...folded.pinned, [entry.author]: entry.authorKey }
        : folded.pinned
    if (this.ownPending.has(state.headHash!)) this.ownAccepted.add(state.headHash!)
    // The effects (opening new keys into the vault) run before the seq is saved as processed:
    // if they fail (offline), the entry is folded again on the next read rather than lost.
    const next: FoldedSpine = { state, head: entry, seq: shard.seq, pinned }
    this.folded.set(serverId, next)
    try {
      await this.hooks.accepted(serverId, entry, folded.state, state)
    } catch (error) {
      this.folded.set(serverId, folded)
      throw error
    }
    saveFoldedSpine(this.session.cache, serverId, next)
  }

  /** The entry a shard carries, or why it cannot be read. */
  private open(serverId: string, shard: Shard): SpineEntry | string {
    try {
      const item = openItem(
        { stream: serverId, shardId: shard.id, burnAt: shard.burnAt },
        shard.body,
        (epoch) => this.keyring.streamKeys(serverId, serverId, epoch)?.contentKey ?? null,
      )
      const entry = item.payload as SpineEntry
      if (typeof entry !== 'object' || entry === null) return 'a spine shard did not hold an entry'
      if (entry.author !== item.author || entry.authorKey !== item.authorKey)
        return 'a spine shard was sealed by someone other than the entry’s author'
      return entry
    } catch (error) {
      if (error instanceof ShardRejected) return `a spine shard could not be read (${error.reason})`
      throw error
    }
  }

  private store(serverId: string, folded: FoldedSpine): void {
    this.folded.set(serverId, folded)
    saveFoldedSpine(this.session.cache, serverId, folded)
  }
}

function safeHash(entry: SpineEntry): string {
  try {
    return entryHash(entry)
  } catch {
    return ''
  }
}
