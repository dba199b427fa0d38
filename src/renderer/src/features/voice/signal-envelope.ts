// What the renderer puts in a voice signal: simple-peer's signal plus the generation of the
// connection it belongs to. The initiator starts a new generation whenever it reconnects, so
// the other side knows to drop its old connection, and late signals of an old one are ignored.
import type { SignalData } from 'simple-peer/simplepeer.min.js'

export interface SignalEnvelope {
  /** Rises with each new connection attempt of the initiator (its clock in ms). */
  readonly gen: number
  readonly data: SignalData
}

export function encodeSignal(envelope: SignalEnvelope): string {
  return JSON.stringify(envelope)
}

/** The envelope, or null for anything that is not one (signals come from other people). */
export function decodeSignal(text: string): SignalEnvelope | null {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return null
  }
  if (typeof value !== 'object' || value === null) return null
  const { gen, data } = value as Record<string, unknown>
  if (typeof gen !== 'number' || !Number.isSafeInteger(gen) || gen < 0) return null
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null
  const { type, sdp, candidate } = data as Record<string, unknown>
  if (type !== undefined && typeof type !== 'string') return null
  if (sdp !== undefined && typeof sdp !== 'string') return null
  if (candidate !== undefined && (typeof candidate !== 'object' || candidate === null)) return null
  if (type === undefined && candidate === undefined) return null
  return { gen, data }
}

export type SignalVerdict = 'use' | 'restart' | 'ignore'

/**
 * What the side that does not initiate does with a signal of generation `gen` when its
 * connection is at `current` (0: nothing received yet).
 */
export function answerVerdict(current: number, gen: number): SignalVerdict {
  if (gen === current || current === 0) return 'use'
  return gen > current ? 'restart' : 'ignore'
}
