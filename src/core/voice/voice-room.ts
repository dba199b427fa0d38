// Who is in one voice channel, folded from its presence and signal items in stream order. Pure:
// time comes in as an argument, so every rule is unit-tested without timers.
//
// Rules (docs/VOICE.md):
// 1. A join or heartbeat makes its author present under that session; a join always replaces
//    an older session of the same user, a heartbeat only fills an empty place (a participant
//    whose join already burned, seen by someone who just subscribed).
// 2. Presence older than the timeout when it arrives is ignored; a participant not heard from
//    for the timeout is dropped; a leave drops its session at once.
// 3. The participants are the first `maxParticipants` present sessions by the seq they were
//    first seen at; every member reads the same stream, so everyone agrees who is in and a
//    late joiner beyond the limit knows it is not.
// 4. A signal counts only from an admitted participant's current session, addressed to this
//    device's admitted session.
import type { VoiceItem } from './voice-items'

export interface RoomOptions {
  readonly maxParticipants: number
  readonly timeoutMs: number
}

export interface Presence {
  readonly userId: string
  readonly sessionId: string
  /** The seq of the first item of this session seen; orders admission. */
  readonly firstSeq: number
  /** The latest time the session was heard from (its author's clock, never after now). */
  readonly lastSeenAt: number
}

/** This device's place in the call, when it is in this room. */
export interface RoomSelf {
  readonly userId: string
  readonly sessionId: string
}

export interface ReceivedSignal {
  readonly from: string
  readonly fromSession: string
  readonly signal: string
}

export interface RoomOutcome {
  /** The admitted participants changed. */
  readonly changed: boolean
  readonly signal: ReceivedSignal | null
}

export class VoiceRoom {
  private readonly present = new Map<string, Presence>()

  constructor(private readonly options: RoomOptions) {}

  apply(
    author: string,
    item: VoiceItem,
    seq: number,
    now: number,
    self: RoomSelf | null,
  ): RoomOutcome {
    if (item.type === 'signal') return { changed: false, signal: this.signal(author, item, self) }
    const before = this.key()
    const current = this.present.get(author)
    const at = Math.min(item.at, now)
    switch (item.type) {
      case 'leave':
        if (current?.sessionId === item.session) this.present.delete(author)
        break
      case 'join':
      case 'heartbeat': {
        if (now - at > this.options.timeoutMs) break
        if (current?.sessionId === item.session) {
          this.present.set(author, { ...current, lastSeenAt: Math.max(current.lastSeenAt, at) })
        } else if (item.type === 'join' || !current) {
          this.present.set(author, {
            userId: author,
            sessionId: item.session,
            firstSeq: seq,
            lastSeenAt: at,
          })
        }
        break
      }
    }
    return { changed: this.key() !== before, signal: null }
  }

  /** Drops everyone not heard from within the timeout; true when the participants changed. */
  expire(now: number): boolean {
    const before = this.key()
    for (const [userId, presence] of this.present)
      if (now - presence.lastSeenAt > this.options.timeoutMs) this.present.delete(userId)
    return this.key() !== before
  }

  /**
   * Counts everyone present as heard from at `now`: after this device was cut off, when their
   * silence says nothing about them.
   */
  refresh(now: number): void {
    for (const [userId, presence] of this.present)
      this.present.set(userId, { ...presence, lastSeenAt: Math.max(presence.lastSeenAt, now) })
  }

  /** When the next participant times out, or null when nobody is present. */
  nextExpiry(): number | null {
    let soonest: number | null = null
    for (const presence of this.present.values()) {
      const at = presence.lastSeenAt + this.options.timeoutMs + 1
      if (soonest === null || at < soonest) soonest = at
    }
    return soonest
  }

  /** The admitted participants, in the order they joined. */
  participants(): Presence[] {
    return [...this.present.values()]
      .sort((a, b) => a.firstSeq - b.firstSeq)
      .slice(0, this.options.maxParticipants)
  }

  isAdmitted(userId: string, sessionId: string): boolean {
    return this.participants().some((p) => p.userId === userId && p.sessionId === sessionId)
  }

  /** Whether this session is present at all (admitted or waiting beyond the limit). */
  isPresent(userId: string, sessionId: string): boolean {
    return this.present.get(userId)?.sessionId === sessionId
  }

  clear(): void {
    this.present.clear()
  }

  private signal(author: string, item: VoiceItem & { type: 'signal' }, self: RoomSelf | null) {
    if (!self || author === self.userId) return null
    if (item.to !== self.userId || item.toSession !== self.sessionId) return null
    if (!this.isAdmitted(self.userId, self.sessionId)) return null
    if (!this.isAdmitted(author, item.session)) return null
    return { from: author, fromSession: item.session, signal: item.signal }
  }

  private key(): string {
    return this.participants()
      .map((p) => `${p.userId}:${p.sessionId}`)
      .join(',')
  }
}
