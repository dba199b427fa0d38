// Speaking from the audio level: the loudness (RMS) of one analyser frame, and a detector
// that holds "speaking" briefly so the indicator does not flicker between syllables.

/** RMS of unsigned 8-bit samples centred on 128, from 0 (silence) to 1. */
export function levelOf(samples: Uint8Array): number {
  if (samples.length === 0) return 0
  let sum = 0
  for (const sample of samples) {
    const centred = (sample - 128) / 128
    sum += centred * centred
  }
  return Math.sqrt(sum / samples.length)
}

export const SPEAKING_LEVEL = 0.02
export const SPEAKING_HOLD_MS = 300

export class SpeakingDetector {
  private lastLoudAt = Number.NEGATIVE_INFINITY

  /** Feeds one level at time `now`; returns whether the person counts as speaking. */
  update(level: number, now: number): boolean {
    if (level >= SPEAKING_LEVEL) this.lastLoudAt = now
    return now - this.lastLoudAt <= SPEAKING_HOLD_MS
  }
}
