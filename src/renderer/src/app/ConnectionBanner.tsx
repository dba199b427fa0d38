// The strip across the top when the link to the server is down, sending is paused or messages
// are queued.
import { useState } from 'react'
import { useClock } from '../store/clock'
import {
  retryCountdown,
  retryCountdownInWords,
  selectBanner,
  useConnection,
} from '../store/connection'

export function ConnectionBanner() {
  const status = useConnection((state) => state.status)
  const outbox = useConnection((state) => state.outbox)
  const reason = useConnection((state) => state.reason)
  const sendingPausedUntil = useConnection((state) => state.sendingPausedUntil)
  const bridge = useConnection((state) => state.bridge)
  const banner = selectBanner({ status, outbox, reason, sendingPausedUntil, bridge })
  return (
    <div className="banner-region" role="status" aria-live="polite" data-testid="connection-banner">
      {banner.kind !== 'none' && (
        <div
          className={`banner banner--${banner.kind}`}
          data-state={banner.kind}
          title={reason ?? undefined}
        >
          {banner.kind === 'reconnecting' && <span className="spinner" aria-hidden="true" />}
          {banner.text}
          {banner.kind === 'paused' && <RetryCountdown key={banner.until} until={banner.until} />}
        </div>
      )}
    </div>
  )
}

/**
 * The wait left, ticking on the shared clock. Screen readers hear it once, as the pause
 * begins: a live region that changed every second would be read out every second.
 */
function RetryCountdown({ until }: { until: number }) {
  const shown = useClock((state) => retryCountdown(until, state.now))
  const [spoken] = useState(() => retryCountdownInWords(until, useClock.getState().now))
  return (
    <>
      <span className="banner__countdown" aria-hidden="true" data-testid="retry-countdown">
        {shown}
      </span>
      <span className="sr-only">{spoken}</span>
    </>
  )
}
