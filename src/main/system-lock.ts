// Locks paracord when the computer locks its screen or goes to sleep: whoever unlocks the
// computer still needs the paracord password. (Idle auto-lock runs in the core.) Electron
// reports a locked screen on macOS and Windows only; on Linux the desktop's D-Bus signals are
// followed instead (policy/screen-lock.ts).
import { powerMonitor } from 'electron'
import { monitorDbus } from './dbus-monitor'
import { meansScreenLocked, screenLockWatches } from './policy/screen-lock'

export const LOCK_ON_POWER_EVENTS = ['lock-screen', 'suspend'] as const

export function lockWithSystem(
  lock: () => void,
  onError: (what: string, error: unknown) => void,
): () => void {
  for (const event of LOCK_ON_POWER_EVENTS) powerMonitor.on(event as 'suspend', lock)
  if (process.platform !== 'linux') return () => {}
  const monitor = monitorDbus({
    watches: screenLockWatches(process.env.XDG_SESSION_ID),
    onLine: (line) => {
      if (meansScreenLocked(line)) lock()
    },
    onError,
  })
  return () => monitor.stop()
}
