// A call's relay credentials: what each new connection is configured with, fetched again a
// while before they expire (and after a connection failed, by the call).
import type { IceConfig } from '../../../../shared/api'
import type { Clock, TimerId, VoiceApi } from './call-deps'

/** Never sooner than this after the last fetch, whatever the expiry says. */
const MIN_REFRESH_DELAY_MS = 10_000
/** Fetch at most this long before expiry (or halfway there when that is sooner). */
const MAX_REFRESH_LEAD_MS = 5 * 60_000

/**
 * `directWithoutRelay`: the person chose to call directly on this server while it offers no
 * relay, so "relay only" gives way to direct connections (until a relay appears).
 */
export function rtcConfig(ice: IceConfig, directWithoutRelay = false): RTCConfiguration {
  const relayOnly = ice.relayOnly && !(directWithoutRelay && ice.iceServers.length === 0)
  return {
    iceServers: ice.iceServers.map((server) => ({
      urls: [...server.urls],
      username: server.username,
      credential: server.credential,
    })),
    iceTransportPolicy: relayOnly ? 'relay' : 'all',
  }
}

/** When to fetch again: a while before `expiresAt`, or never when the credentials do not expire. */
export function refreshDelay(expiresAt: number | null, now: number): number | null {
  if (expiresAt === null) return null
  const left = expiresAt - now
  return Math.max(MIN_REFRESH_DELAY_MS, left - Math.min(MAX_REFRESH_LEAD_MS, left / 2))
}

export class IceCredentials {
  private timer: TimerId | null = null
  private closed = false

  constructor(
    private ice: IceConfig,
    private readonly api: () => VoiceApi,
    private readonly clock: Clock,
    private readonly directWithoutRelay = false,
  ) {
    this.schedule()
  }

  /** The configuration for a connection made now. */
  config(): RTCConfiguration {
    return rtcConfig(this.ice, this.directWithoutRelay)
  }

  /** Fetches fresh credentials; on failure keeps the old ones (the next refresh tries again). */
  async refresh(): Promise<void> {
    try {
      this.ice = await this.api().getIceServers({})
    } catch {
      // Keep the old ones.
    }
    if (!this.closed) this.schedule()
  }

  close(): void {
    this.closed = true
    if (this.timer !== null) this.clock.clearTimeout(this.timer)
    this.timer = null
  }

  private schedule(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer)
    this.timer = null
    const delay = refreshDelay(this.ice.expiresAt, this.clock.now())
    if (delay === null) return
    this.timer = this.clock.setTimeout(() => void this.refresh(), delay)
  }
}
