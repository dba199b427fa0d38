// Locks paracord when the computer locks its screen or goes to sleep: whoever unlocks the
// computer still needs the paracord password. (Idle auto-lock runs in the core.)
import { powerMonitor } from 'electron'

export const LOCK_ON_POWER_EVENTS = ['lock-screen', 'suspend'] as const

export function lockWithSystem(lock: () => void): void {
  for (const event of LOCK_ON_POWER_EVENTS) powerMonitor.on(event as 'suspend', lock)
}
