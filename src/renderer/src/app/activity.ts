// Tells the core the user is here, so auto-lock waits; at most once every 15 seconds.
import { useEffect } from 'react'
import { api } from '../store/api'

const TOUCH_EVERY_MS = 15_000

export function useActivityTouch(enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return
    let last = 0
    function onActivity() {
      const now = Date.now()
      if (now - last < TOUCH_EVERY_MS) return
      last = now
      api()
        .touch({})
        .catch(() => undefined) // a missed touch only means the lock may come a little early
    }
    const events = ['keydown', 'pointerdown', 'wheel'] as const
    events.forEach((name) => window.addEventListener(name, onActivity, { passive: true }))
    return () => events.forEach((name) => window.removeEventListener(name, onActivity))
  }, [enabled])
}
