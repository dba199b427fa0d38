// Reading and writing a server's log: the stream (id = server id) that carries the MLS group's
// handshake messages, each sealed under the log key of the epoch it belongs to. Reading applies
// them in the backend's order; the first valid commit of an epoch wins, and a client's own
// commit counts only once it comes back first. A shard of a later epoch than this device knows
// means a commit is missing: it is not skipped, but read again once the gap is filled.
// Everything per server runs one at a time under that server's lock.
import { fromBase64Url, toBase64Url } from '../../shared/encoding'
import { LIMITS, type Shard } from '../../shared/protocol'
import type { LocalCache } from '../cache'
import { GroupError, ServerGroup, type GroupChange } from '../mls/group'
import type { CommitFacts } from '../mls/rules'
import { loadedMlsSuite } from '../mls/suite'
import { bodyEpoch, openItem, ShardRejected } from '../shard-codec'
import type { UnlockedSession } from '../session'
import {
  deleteServer,
  epochSecretsOf,
  keyEpochOf,
  loadServer,
  pruneEpochs,
  saveServer,
  storedEpoch,
  type EpochSecrets,
  type StoredEpoch,
  type StoredServer,
} from './group-store'
import { viewOf } from './group-view'
import { isApiCode } from './errors'
import type { EpochSource, Keyring } from './keyring'
import { EMPTY_SERVER_VIEW, type ServerView } from './server-view'
import { StreamMismatchError } from './streams'

/** Shards per fetch page. */
const PAGE = 200
/** Attempts to get a commit of this device in before giving up. */
const MAX_COMMIT_ATTEMPTS = 8

/** What travels in a log shard. */
export interface LogItem {
  readonly t: 'mls'
  /** An MLS message (public message: commit or proposal), base64url. */
  readonly m: string
}

export interface Accepted {
  readonly facts: CommitFacts
  readonly before: ServerView
  readonly after: ServerView
  /** This device made the commit. */
  readonly mine: boolean
  /** This device was removed by it. */
  readonly removedHere: boolean
}

export interface GroupHooks {
  /** A commit was taken; called in log order under the server's lock. */
  accepted(serverId: string, accepted: Accepted): Promise<void>
  /** A member asked to leave: some member should commit it. */
  proposed(serverId: string): void
  /** A shard or commit was refused and not applied. */
  rejected(serverId: string, reason: string): void
  /** This device's group cannot follow the others any more: it must join again. */
  desynced(serverId: string, reason: string): void
}

interface Live {
  group: ServerGroup
  stored: StoredServer
  view: ServerView
  /** Shards of a later epoch, read again once a commit brings this device there. */
  ahead: Shard[]
  /** The highest seq seen, ahead shards included. */
  seen: number
  /**
   * While shards wait ahead: the last seq read before the first of them. Reading starts again
   * after it, so a commit the backend withheld and serves later, at its own seq, is still read.
   */
  resume: number | null
  /** Seqs after `resume` already read, so reading them again does nothing twice. */
  read: Set<number>
}

/** Other commits kept taking the epoch first: the change was not made; it may be tried again. */
export class CommitRaceError extends Error {
  constructor() {
    super('the server kept changing under this change; try again')
    this.name = 'CommitRaceError'
  }
}

export async function exportEpochSecrets(group: ServerGroup): Promise<EpochSecrets> {
  return {
    secret: await group.exportSecret('epoch', group.groupId),
    join: await group.exportSecret('join', group.groupId),
  }
}

export class GroupIo implements EpochSource {
  private readonly live = new Map<string, Live>()
  private readonly locks = new Map<string, Promise<unknown>>()
  private readonly pending = new Map<
    string,
    { bytes: string; next: ServerGroup; facts: CommitFacts }
  >()
  private readonly warnedGap = new Set<string>()
  /** Servers whose group this device can no longer follow: nothing more is applied. */
  private readonly desynced = new Set<string>()
  /** Servers a commit read from the log took this device out of, until they are forgotten. */
  private readonly removed = new Set<string>()
  /** The join secret of the epoch a join is being made in, before the group is this device's. */
  private readonly joining = new Map<string, { epoch: number; secrets: EpochSecrets }>()

  constructor(
    private readonly session: UnlockedSession,
    private readonly keyring: Keyring,
    private readonly hooks: GroupHooks,
    /** How long epoch keys stay after their epoch ended, for a server's channels. */
    private readonly keepMs: (view: ServerView) => number,
  ) {
    keyring.setSource(this)
  }

  private get cache(): LocalCache {
    return this.session.cache
  }

  // --- EpochSource ----------------------------------------------------------------------------

  epochs(serverId: string): number[] {
    const live = this.get(serverId)
    const joining = this.joining.get(serverId)
    if (!live) return joining ? [joining.epoch] : []
    return Object.keys(live.stored.epochs)
      .map(Number)
      .sort((a, b) => a - b)
  }

  current(serverId: string): number {
    const live = this.get(serverId)
    return live ? keyEpochOf(live.group.epoch) : 0
  }

  secrets(serverId: string, epoch: number): EpochSecrets | null {
    const joining = this.joining.get(serverId)
    if (joining?.epoch === epoch && !this.live.has(serverId)) return joining.secrets
    const stored = this.get(serverId)?.stored.epochs[String(epoch)]
    return stored ? epochSecretsOf(stored) : null
  }

  // --- reading the state ----------------------------------------------------------------------

  has(serverId: string): boolean {
    return this.get(serverId) !== null
  }

  group(serverId: string): ServerGroup | null {
    return this.get(serverId)?.group ?? null
  }

  view(serverId: string): ServerView {
    return this.get(serverId)?.view ?? EMPTY_SERVER_VIEW
  }

  /** The last log seq processed, for the live subscription. */
  seq(serverId: string): number {
    return this.get(serverId)?.seen ?? 0
  }

  /** A commit read from the log took this device out: the server is to be forgotten. */
  removedHere(serverId: string): boolean {
    return this.removed.has(serverId)
  }

  pinned(serverId: string, userId: string): string | null {
    return this.get(serverId)?.stored.pinned[userId] ?? null
  }

  leafUpdatedAt(serverId: string): number {
    return this.get(serverId)?.stored.leafUpdatedAt ?? 0
  }

  epochStartedAt(serverId: string): number {
    const live = this.get(serverId)
    if (!live) return 0
    return live.stored.epochs[String(keyEpochOf(live.group.epoch))]?.startedAt ?? 0
  }

  private get(serverId: string): Live | null {
    const known = this.live.get(serverId)
    if (known) return known
    const stored = loadServer(this.cache, serverId)
    if (!stored) return null
    let group: ServerGroup
    try {
      group = ServerGroup.decodeLoaded(fromBase64Url(stored.group), loadedMlsSuite())
    } catch {
      return null
    }
    const live: Live = {
      group,
      stored,
      view: viewOf(group),
      ahead: [],
      seen: stored.seq,
      resume: null,
      read: new Set(),
    }
    this.live.set(serverId, live)
    return live
  }

  // --- changes --------------------------------------------------------------------------------

  /** Runs `task` alone among this server's log work. */
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

  /**
   * Holds the join secret of `epoch` while this device joins: enough to read and post to the
   * log and to move the streams on, never to read a channel (its content secret is not known).
   */
  provideJoinSecret(serverId: string, epoch: number, join: Uint8Array): void {
    this.joining.set(serverId, { epoch, secrets: { secret: new Uint8Array(32), join } })
  }

  endJoin(serverId: string): void {
    this.joining.delete(serverId)
  }

  /** Takes a group this device just created or joined, as of log seq `seq`. */
  async adopt(serverId: string, group: ServerGroup, seq: number): Promise<void> {
    const now = this.session.now()
    const secrets = await exportEpochSecrets(group)
    const joining = this.joining.get(serverId)
    const epochs: Record<string, StoredEpoch> = {}
    // The epoch joined from: its log and doors, so the streams can be moved on from it.
    if (joining)
      epochs[String(joining.epoch)] = { ...storedEpoch(joining.secrets, now), endedAt: now }
    epochs[String(keyEpochOf(group.epoch))] = storedEpoch(secrets, now)
    this.joining.delete(serverId)
    this.removed.delete(serverId)
    const stored: StoredServer = {
      v: 2,
      group: toBase64Url(group.encode()),
      seq,
      epochs,
      pinned: Object.fromEntries(group.leaves().map((leaf) => [leaf.userId, leaf.identityKey])),
      leafUpdatedAt: now,
    }
    saveServer(this.cache, serverId, stored)
    this.live.set(serverId, {
      group,
      stored,
      view: viewOf(group),
      ahead: [],
      seen: seq,
      resume: null,
      read: new Set(),
    })
  }

  /** Forgets the server (left or removed): its group state and every epoch key. */
  forget(serverId: string): void {
    this.desynced.delete(serverId)
    this.removed.delete(serverId)
    this.live.delete(serverId)
    this.joining.delete(serverId)
    this.pending.delete(serverId)
    deleteServer(this.cache, serverId)
    this.keyring.forgetServer(serverId)
  }

  /** Reads and applies everything new in the server's log. */
  catchUp(serverId: string): Promise<void> {
    return this.withLock(serverId, () => this.catchUpLocked(serverId))
  }

  /** A shard pushed live. */
  receive(serverId: string, shard: Shard): Promise<void> {
    return this.withLock(serverId, () => this.apply(serverId, shard))
  }

  /**
   * Commits the change `build` makes of the latest group (null: nothing to do any more),
   * retrying when another commit took the epoch first. Resolves with the group after it.
   */
  commit(
    serverId: string,
    build: (group: ServerGroup) => GroupChange | null,
    post: (epoch: number, item: LogItem) => Promise<void>,
  ): Promise<ServerGroup | null> {
    return this.withLock(serverId, async () => {
      for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
        await this.catchUpLocked(serverId)
        const live = this.get(serverId)
        if (!live || this.removed.has(serverId))
          throw new GroupError('removed', 'this device is not in the server')
        const change = build(live.group)
        if (change === null) return null
        const { group: next, message, facts } = await live.group.commit(change)
        const bytes = toBase64Url(message)
        this.pending.set(serverId, { bytes, next, facts })
        try {
          await post(keyEpochOf(live.group.epoch), { t: 'mls', m: bytes })
          await this.catchUpLocked(serverId)
        } catch (error) {
          // The log moved on to keys of an epoch not read yet: read it, and go round again.
          if (!(error instanceof StreamMismatchError) && !isApiCode(error, 'invalid_signature'))
            throw error
          continue
        } finally {
          this.pending.delete(serverId)
        }
        if (this.get(serverId)?.group === next) return next
      }
      throw new CommitRaceError()
    })
  }

  /** Posts this device's request to leave (any member commits it). */
  async proposeLeave(
    serverId: string,
    post: (epoch: number, item: LogItem) => Promise<void>,
  ): Promise<void> {
    await this.withLock(serverId, async () => {
      await this.catchUpLocked(serverId)
      const live = this.get(serverId)
      if (!live) return
      const message = await live.group.leaveProposal()
      await post(keyEpochOf(live.group.epoch), { t: 'mls', m: toBase64Url(message) })
    })
  }

  /** Marks this device's leaf as refreshed now (after a commit of its own, which always is). */
  private touchLeaf(live: Live): void {
    live.stored = { ...live.stored, leafUpdatedAt: this.session.now() }
  }

  // --- internals ------------------------------------------------------------------------------

  private async catchUpLocked(serverId: string): Promise<void> {
    // Each round reads what the known keys can; taking a commit may unlock the next key version.
    for (let round = 0; round < 64; round++) {
      if (!this.get(serverId)) return
      const info = await this.keyring.streamInfo(serverId, serverId, true)
      const epochBefore = this.current(serverId)
      for (const version of this.keyring.keyVersions(serverId, serverId, info)) {
        const live = this.get(serverId)
        if (!live) return
        let after = live.resume ?? live.seen
        if (version.untilSeq !== null && after >= version.untilSeq) continue
        if (version.epoch === null) continue
        for (;;) {
          const proof = this.keyring.readProof(
            serverId,
            serverId,
            version.keyVersion,
            version.epoch,
            this.session.accountId,
          )
          const page = await this.session.client.fetchShards(serverId, {
            after,
            limit: PAGE,
            proof,
          })
          for (const shard of page.shards) await this.apply(serverId, shard)
          if (!page.more || page.shards.length === 0 || !this.get(serverId)) break
          after = page.shards.at(-1)!.seq
        }
      }
      if (this.current(serverId) === epochBefore) return
    }
  }

  /** Opens and applies one shard, then records the seq as processed. */
  private async apply(serverId: string, shard: Shard): Promise<void> {
    const live = this.get(serverId)
    if (!live || this.desynced.has(serverId) || this.removed.has(serverId)) return
    const before = live.seen
    if (shard.seq > live.seen) live.seen = shard.seq
    // Read before, unless it is behind shards that wait for a commit and was not read yet.
    else if (live.resume === null || shard.seq <= live.resume || live.read.has(shard.seq)) return
    if (live.resume !== null) live.read.add(shard.seq)
    let epoch: number
    try {
      epoch = bodyEpoch(shard.body)
    } catch {
      this.hooks.rejected(serverId, 'a log shard could not be read (malformed)')
      return this.settle(serverId)
    }
    const current = keyEpochOf(live.group.epoch)
    if (epoch > current) {
      if (live.resume === null) {
        live.resume = before
        live.read = new Set([shard.seq])
      }
      live.ahead.push(shard)
      // Past the limit the oldest waiting shard is let go, to be read again once resumed.
      if (live.ahead.length > 256) live.read.delete(live.ahead.shift()!.seq)
      if (!this.warnedGap.has(serverId)) {
        this.warnedGap.add(serverId)
        this.hooks.rejected(
          serverId,
          'the server log holds changes from an epoch this device has not reached; waiting for the change before them',
        )
      }
      return
    }
    if (epoch === current) await this.applyCurrent(serverId, shard)
    this.settle(serverId)
  }

  /** A shard of the current epoch: a commit or a proposal. */
  private async applyCurrent(serverId: string, shard: Shard): Promise<void> {
    const live = this.get(serverId)!
    const item = this.open(serverId, shard, keyEpochOf(live.group.epoch))
    if (typeof item === 'string') return this.hooks.rejected(serverId, item)
    const own = this.pending.get(serverId)
    if (own && own.bytes === item.m) return this.take(serverId, own.next, own.facts, true)
    let result: Awaited<ReturnType<ServerGroup['process']>>
    try {
      result = await live.group.process(fromBase64Url(item.m))
    } catch (error) {
      if (error instanceof GroupError) {
        if (error.code === 'desync') {
          this.desynced.add(serverId)
          this.hooks.desynced(serverId, error.message)
          return
        }
        // A commit of another branch (stale) or one no honest client takes: never applied.
        if (error.code !== 'stale') this.hooks.rejected(serverId, error.message)
        return
      }
      throw error
    }
    if ('proposal' in result) {
      live.group = result.group
      this.save(serverId, live)
      this.hooks.proposed(serverId)
      return
    }
    await this.take(serverId, result.group, result.facts, false, result.removedHere)
  }

  /** Moves to the group after a commit: new epoch keys, the view, the hooks. */
  private async take(
    serverId: string,
    next: ServerGroup,
    facts: CommitFacts,
    mine: boolean,
    removedHere = false,
  ): Promise<void> {
    const live = this.get(serverId)!
    const before = live.view
    const now = this.session.now()
    if (removedHere) {
      this.removed.add(serverId)
      await this.hooks.accepted(serverId, {
        facts,
        before,
        after: before,
        mine,
        removedHere,
      })
      return
    }
    const epochs: Record<string, ReturnType<typeof storedEpoch>> = {}
    for (const [epoch, stored] of Object.entries(live.stored.epochs))
      epochs[epoch] = stored.endedAt === null ? { ...stored, endedAt: now } : stored
    epochs[String(keyEpochOf(next.epoch))] = storedEpoch(await exportEpochSecrets(next), now)
    const view = viewOf(next)
    const kept = pruneEpochs(epochs, now, this.keepMs(view))
    for (const epoch of Object.keys(epochs))
      if (!(epoch in kept)) this.keyring.dropEpoch(serverId, Number(epoch))
    const pinned = { ...live.stored.pinned }
    for (const leaf of next.leaves()) pinned[leaf.userId] ??= leaf.identityKey
    live.group = next
    live.view = view
    live.stored = { ...live.stored, epochs: kept, pinned }
    if (mine) this.touchLeaf(live)
    this.save(serverId, live)
    this.warnedGap.delete(serverId)
    await this.hooks.accepted(serverId, { facts, before, after: view, mine, removedHere })
    // Shards that were ahead may belong to the epoch this device just reached.
    const ahead = live.ahead.splice(0).filter((s) => bodyEpochSafe(s) >= keyEpochOf(next.epoch))
    for (const shard of ahead.sort((a, b) => a.seq - b.seq)) {
      const current = this.get(serverId)
      if (!current) return
      const epoch = bodyEpochSafe(shard)
      if (epoch === keyEpochOf(current.group.epoch)) await this.applyCurrent(serverId, shard)
      else if (epoch > keyEpochOf(current.group.epoch)) current.ahead.push(shard)
    }
    const current = this.get(serverId)
    if (current && current.ahead.length === 0) {
      current.resume = null
      current.read.clear()
    }
  }

  /** Drops epochs whose messages have all burned (also when no commit came for a while). */
  prune(serverId: string): void {
    const live = this.get(serverId)
    if (!live) return
    const kept = pruneEpochs(live.stored.epochs, this.session.now(), this.keepMs(live.view))
    if (Object.keys(kept).length === Object.keys(live.stored.epochs).length) return
    for (const epoch of Object.keys(live.stored.epochs))
      if (!(epoch in kept)) this.keyring.dropEpoch(serverId, Number(epoch))
    live.stored = { ...live.stored, epochs: kept }
    this.save(serverId, live)
  }

  /** Saves the cursor: never past a shard still waiting for its epoch (read again later). */
  private settle(serverId: string): void {
    const live = this.get(serverId)
    if (!live) return
    const seq = live.resume ?? live.seen
    if (seq !== live.stored.seq) {
      live.stored = { ...live.stored, seq }
      this.save(serverId, live)
    }
  }

  private save(serverId: string, live: Live): void {
    live.stored = { ...live.stored, group: toBase64Url(live.group.encode()) }
    saveServer(this.cache, serverId, live.stored)
  }

  private open(serverId: string, shard: Shard, epoch: number): LogItem | string {
    try {
      const item = openItem(
        { stream: serverId, shardId: shard.id, burnAt: shard.burnAt },
        shard.body,
        (e) =>
          e === epoch ? (this.keyring.streamKeys(serverId, serverId, e)?.contentKey ?? null) : null,
      )
      const payload = item.payload as Partial<LogItem>
      if (payload?.t !== 'mls' || typeof payload.m !== 'string')
        return 'a log shard did not hold an MLS message'
      if (payload.m.length > (LIMITS.maxShardBytes * 4) / 3) return 'a log shard is too large'
      return payload as LogItem
    } catch (error) {
      if (error instanceof ShardRejected) return `a log shard could not be read (${error.reason})`
      throw error
    }
  }
}

function bodyEpochSafe(shard: Shard): number {
  try {
    return bodyEpoch(shard.body)
  } catch {
    return 0
  }
}
