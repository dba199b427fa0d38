// The items a voice channel's shards carry (docs/VOICE.md): presence (join, heartbeat, leave)
// and signals addressed to one participant's session. Like channel items they are sealed with
// the channel key and signed by their author; they arrive from other members, so their shape
// is checked before anything is applied.
import { VOICE_SIGNAL_MAX_CHARS } from '../../shared/api'

export type PresenceKind = 'join' | 'heartbeat' | 'leave'

export interface PresenceItem {
  readonly type: PresenceKind
  /** The author's session: random per join. */
  readonly session: string
  /** When the author wrote it (ms since epoch, the author's clock). */
  readonly at: number
}

export interface SignalItem {
  readonly type: 'signal'
  readonly session: string
  readonly to: string
  readonly toSession: string
  /** A simple-peer signal as JSON, opaque to the core. */
  readonly signal: string
  readonly at: number
}

export type VoiceItem = PresenceItem | SignalItem

const isId = (value: unknown): value is string =>
  typeof value === 'string' && /^[A-Za-z0-9_-]{16,64}$/.test(value)
const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
const isSignal = (value: unknown): value is string =>
  typeof value === 'string' && value.length >= 2 && value.length <= VOICE_SIGNAL_MAX_CHARS

/** The item, or null when the payload is not one this version understands. */
export function parseVoiceItem(payload: unknown): VoiceItem | null {
  if (typeof payload !== 'object' || payload === null) return null
  const p = payload as Record<string, unknown>
  const keys = Object.keys(p).sort().join(',')
  switch (p.type) {
    case 'join':
    case 'heartbeat':
    case 'leave':
      return keys === 'at,session,type' && isId(p.session) && isTime(p.at)
        ? { type: p.type, session: p.session, at: p.at }
        : null
    case 'signal':
      return keys === 'at,session,signal,to,toSession,type' &&
        isId(p.session) &&
        isId(p.to) &&
        isId(p.toSession) &&
        isSignal(p.signal) &&
        isTime(p.at)
        ? {
            type: 'signal',
            session: p.session,
            to: p.to,
            toSession: p.toSession,
            signal: p.signal,
            at: p.at,
          }
        : null
    default:
      return null
  }
}
