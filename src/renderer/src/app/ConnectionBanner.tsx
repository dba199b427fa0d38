// The strip across the top when the link to the server is down or messages are queued.
import { selectBanner, useConnection } from '../store/connection'

export function ConnectionBanner() {
  const status = useConnection((state) => state.status)
  const outbox = useConnection((state) => state.outbox)
  const reason = useConnection((state) => state.reason)
  const bridge = useConnection((state) => state.bridge)
  const banner = selectBanner({ status, outbox, reason, bridge })
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
        </div>
      )}
    </div>
  )
}
