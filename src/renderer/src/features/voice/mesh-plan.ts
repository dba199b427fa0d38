// The full mesh: one connection per other participant, keyed by their session, so someone
// who rejoins gets a fresh connection. The smaller user id starts each one (no glare: both
// sides agree who sends the offer without talking).
import type { VoiceParticipant } from '../../../../shared/api'

export const peerKey = (userId: string, sessionId: string) => `${userId}/${sessionId}`

export function isInitiator(myUserId: string, theirUserId: string): boolean {
  return myUserId < theirUserId
}

export interface MeshPlan {
  readonly open: readonly VoiceParticipant[]
  /** Keys of connections whose participant (or session) is gone. */
  readonly close: readonly string[]
}

export function planMesh(
  myUserId: string,
  participants: readonly VoiceParticipant[],
  openKeys: Iterable<string>,
): MeshPlan {
  const others = participants.filter((p) => p.userId !== myUserId)
  const wanted = new Map(others.map((p) => [peerKey(p.userId, p.sessionId), p]))
  const existing = new Set(openKeys)
  return {
    open: [...wanted].filter(([key]) => !existing.has(key)).map(([, p]) => p),
    close: [...existing].filter((key) => !wanted.has(key)),
  }
}
