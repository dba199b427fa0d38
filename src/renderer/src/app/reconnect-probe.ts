// Back at the window, or the network back: the page asks the core for the connection state,
// which while offline makes it try the backend at once instead of waiting out its backoff.
import { useEffect } from 'react'
import { useConnection } from '../store/connection'

export function useReconnectProbe(enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return
    function probe() {
      // A failed probe changes nothing: the core's own retries go on, and report as they do.
      useConnection
        .getState()
        .load()
        .catch(() => undefined)
    }
    const events = ['focus', 'online'] as const
    events.forEach((name) => window.addEventListener(name, probe))
    return () => events.forEach((name) => window.removeEventListener(name, probe))
  }, [enabled])
}
