// Latency summaries for benchmark reports.

export interface LatencySummary {
  readonly p50_ms: number
  readonly p99_ms: number
  readonly max_ms: number
}

export function summarize(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) return { p50_ms: NaN, p99_ms: NaN, max_ms: NaN }
  const sorted = Float64Array.from(samples).sort()
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
  const round = (ms: number) => Math.round(ms * 100) / 100
  return { p50_ms: round(at(0.5)), p99_ms: round(at(0.99)), max_ms: round(sorted.at(-1)!) }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The machine, for the report. */
export async function machine() {
  const os = await import('node:os')
  return {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    // Other work on the machine skews every number: the 1-minute load average says how much.
    loadavg_1m: Math.round(os.loadavg()[0]! * 10) / 10,
  }
}
