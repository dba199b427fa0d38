// What the page may ask the browser for: the microphone, for voice channels, and nothing else.
// Camera, screen capture, notifications (the main process shows those), geolocation, clipboard
// reads, devices, MIDI, and every request from another origin or a subframe are refused.
import type { AppOrigin } from '../ipc-policy'
import { isAppUrl } from './app-origin'

export interface PermissionRequestFacts {
  readonly permission: string
  /** The URL of the requesting frame. */
  readonly requestingUrl: string
  readonly isMainFrame: boolean
  /** For 'media': which kinds the page asks for. */
  readonly mediaTypes?: readonly string[]
}

export interface PermissionCheckFacts {
  readonly permission: string
  readonly requestingOrigin: string
  readonly isMainFrame: boolean
  /** For 'media': 'audio', 'video' or 'unknown'. */
  readonly mediaType?: string
}

/** `session.setPermissionRequestHandler`: grant microphone capture to the app's page only. */
export function permissionRequestDecision(facts: PermissionRequestFacts, app: AppOrigin): boolean {
  if (facts.permission !== 'media' || !facts.isMainFrame) return false
  if (!isAppUrl(facts.requestingUrl, app)) return false
  const types = facts.mediaTypes ?? []
  return types.length > 0 && types.every((type) => type === 'audio')
}

/** `session.setPermissionCheckHandler`: the same answer for the synchronous checks. */
export function permissionCheckDecision(facts: PermissionCheckFacts, app: AppOrigin): boolean {
  if (facts.permission !== 'media' || !facts.isMainFrame) return false
  if (!isAppUrl(facts.requestingOrigin, app)) return false
  return facts.mediaType === 'audio'
}
