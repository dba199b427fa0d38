// Every failure becomes one line a person understands, and an exit code: 2 for a command line
// that cannot run, 75 for a message queued instead of sent, 1 for everything else.
import { isApiErrorCode, type ApiErrorCode } from '../shared/api'
import { LOCAL_SERVER } from './commands'

export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2
/**
 * The message is kept in the outbox, not sent yet: sysexits' EX_TEMPFAIL, which mail programs
 * also answer for "queued, delivered later", so a script can tell it from a failure.
 */
export const EXIT_QUEUED = 75

/** A failure the CLI itself detects (no password, an unsent message...). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message)
    this.name = 'CliError'
  }
}

export interface ErrorContext {
  readonly serverUrl: string
  readonly dataDir: string
}

function backendName(context: ErrorContext): string {
  return context.serverUrl === LOCAL_SERVER
    ? `the local backend of ${context.dataDir}`
    : context.serverUrl
}

/** Fixed words for codes whose core message adds nothing a person needs. */
function plainWords(code: ApiErrorCode, context: ErrorContext): string | null {
  switch (code) {
    case 'wrong_password':
      return 'wrong password'
    case 'unknown_account':
      return `no account with that name on ${backendName(context)} (check the name, or \`paracord register NAME\`)`
    case 'name_taken':
      return 'that name is already taken: choose another one'
    case 'server_unreachable':
      return context.serverUrl === LOCAL_SERVER
        ? `cannot reach the local backend started for ${context.dataDir}`
        : `cannot reach the paracord backend at ${context.serverUrl} (is it running? see --server)`
    case 'signed_out':
      return `not signed in with the profile ${context.dataDir}: run \`paracord login NAME\` or \`paracord register NAME\` first`
    case 'locked':
      return 'the profile is locked: the password is needed to unlock it'
    case 'invite_invalid':
      return 'that invite is not valid: it may be mistyped, expired, used up or revoked'
    case 'rate_limited':
      return 'the backend is receiving too many requests from you: wait a minute and try again'
    case 'vault_rollback':
      return `${backendName(context)} sent an older copy of this account's vault than this device has seen; it was refused and nothing was changed (the backend may be faulty or hostile)`
    default:
      return null
  }
}

/** Codes whose core message is written for people and stands alone (as the window shows it). */
const OWN_WORDS: ReadonlySet<ApiErrorCode> = new Set(['weak_password', 'server_unsuitable'])

const PREFIXES: Partial<Record<ApiErrorCode, string>> = {
  invalid_input: 'invalid input',
  weak_password: 'the password is too easy to guess',
  not_found: 'not found',
  forbidden: 'not allowed',
  conflict: 'conflict',
  internal: 'internal error',
}

function codeOf(error: unknown): ApiErrorCode | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null
  return isApiErrorCode(error.code) ? error.code : null
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === 'object' && error !== null && 'message' in error) {
    return String(error.message)
  }
  return String(error)
}

/** One line, no newline inside: stderr stays greppable. */
export function describeError(error: unknown, context: ErrorContext): string {
  const code = codeOf(error)
  const message = messageOf(error).trim()
  let text: string
  if (code !== null) {
    const fixed = plainWords(code, context)
    if (fixed !== null) text = fixed
    else if (OWN_WORDS.has(code) && message !== '') text = message
    else text = message === '' ? PREFIXES[code]! : `${PREFIXES[code]}: ${message}`
  } else {
    text = message === '' ? 'unexpected failure' : message
  }
  return text.replace(/\s*\n\s*/g, ' ')
}

/** Usage mistakes the CLI finds late carry their own code; everything else is 1. */
export function exitCodeOf(error: unknown): number {
  return error instanceof CliError ? error.exitCode : EXIT_FAILURE
}
