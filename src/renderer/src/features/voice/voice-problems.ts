// What a call tells the person when it cannot start, connect or go on, in plain words.
import type { VoiceEndReason } from '../../../../shared/api'
import { describeError, errorCode } from '../../store/errors'

/** A failure whose message is already the words to show. */
export class VoiceProblem extends Error {}

export const RELAY_UNREACHABLE =
  'The voice relay cannot be reached or refused the connection, so the call cannot connect. ' +
  'Trying again…'
export const DIRECT_UNREACHABLE =
  'The call cannot connect directly (a network on the way may block it), and this server ' +
  'offers no relay to go around that. Trying again…'
export const CONNECTION_LOST = 'A connection in this call was lost. Reconnecting…'
/** The person said no to calling directly on a server with no relay (call-controller.ts). */
export const DIRECT_CALLS_DECLINED =
  'This server offers no relay for calls, and you chose not to call directly here. To call, ' +
  'allow direct calls for this server in Settings, under Privacy.'

export const CALL_ENDED: Readonly<Record<VoiceEndReason, string>> = {
  channel_deleted: 'The call ended: its voice channel was deleted.',
  server_left: 'The call ended: you are no longer in that server.',
  session_ended: 'The call ended.',
}

/** Plain words for why joining failed. */
export function describeVoiceError(error: unknown): string {
  if (error instanceof VoiceProblem) return error.message
  // A full channel says so in the core's own words.
  if (errorCode(error) === 'conflict' && error instanceof Object && 'message' in error)
    return String(error.message)
  return describeError(error)
}
