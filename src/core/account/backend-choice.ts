// Which server an account uses, as one rule for every step (register, log in, unlock, the live
// connection): "This computer" is the server this host started for this run, wherever it
// listens now, and never a port remembered from an earlier run (another program may hold that
// port today); an address is used as the person confirmed it. Before a server is first used it
// is checked: an address a person can type (https:// added when left out), https unless on
// this machine, reachable, a paracord server, and speaking this protocol version.
import type { BackendCheck, BackendChoice, BackendProblem } from '../../shared/api'
import { PROTOCOL_VERSION } from '../../shared/protocol'
import type { EmbeddedBackendAccess } from '../net/embedded-access'
import { ApiError, ProtocolError, ServerUnreachableError } from '../net/errors'
import { StoreClient } from '../net/http-client'
import { insecureUrlProblem, isLoopbackHost, parseServerUrl } from '../net/server-url'
import type { StoredProfile } from './profile-store'

export const THIS_COMPUTER: BackendChoice = { kind: 'this_computer' }

/** Long enough for a distant server over a slow link; a person is waiting on the form. */
export const BACKEND_CHECK_TIMEOUT_MS = 10_000

/** A server found fit for use: the choice to remember, and where it answers now. */
export interface UsableBackend {
  readonly ok: true
  readonly backend: BackendChoice
  readonly url: string
}

export type BackendVerdict =
  UsableBackend | { readonly ok: false; readonly problem: BackendProblem; readonly message: string }

export interface BackendCheckOptions {
  /** This run's own server ("This computer"), if the host started one. */
  readonly thisComputer: EmbeddedBackendAccess | null
  readonly timeoutMs?: number
  /** The version required; PROTOCOL_VERSION but for tests of a mismatch. */
  readonly protocolVersion?: number
}

export function sameBackend(a: BackendChoice, b: BackendChoice): boolean {
  if (a.kind === 'this_computer' || b.kind === 'this_computer') return a.kind === b.kind
  return a.url === b.url
}

/** How a message names the server: "this computer" or its address. */
export function backendName(backend: BackendChoice): string {
  return backend.kind === 'this_computer' ? 'this computer' : backend.url
}

/**
 * Where a stored account lives. Profiles written before the server picker kept only the URL
 * they were registered at. Every host that runs a server of its own registered accounts on it
 * at http://127.0.0.1:PORT, so such a URL on such a host is this computer, on today's port.
 */
export function backendOfProfile(
  profile: Pick<StoredProfile, 'server' | 'serverUrl'>,
  thisComputer: EmbeddedBackendAccess | null,
): BackendChoice {
  if (profile.server !== undefined) return profile.server
  const url = profile.serverUrl ?? ''
  if (thisComputer !== null && /^http:\/\/127\.0\.0\.1:\d+$/.test(url)) return THIS_COMPUTER
  return { kind: 'address', url }
}

/**
 * 1. Where the choice points (no request yet): this run's own server, or the address made
 *    whole and held to the client's URL rule. An address naming this run's own server is it.
 */
export function locateBackend(
  choice: BackendChoice,
  thisComputer: EmbeddedBackendAccess | null,
): BackendVerdict {
  if (choice.kind === 'this_computer') {
    if (thisComputer !== null) return { ok: true, backend: THIS_COMPUTER, url: thisComputer.url }
    return problem(
      'unavailable',
      'paracord was started for a server elsewhere, so it runs no server on this computer. Enter that server’s address instead.',
    )
  }
  const text = choice.url.trim()
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    return problem(
      'invalid_address',
      `“${text}” is not a server address. An address looks like https://chat.example.org.`,
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return problem(
      'invalid_address',
      `A server address starts with https:// (or http:// on this computer); “${text}” does not.`,
    )
  if (insecureUrlProblem(url, 'the server address', text) !== null)
    return problem(
      'insecure',
      `${url.host} is another computer, so its address must start with https://. Plain http:// would send your sign-in unprotected (it is only for 127.0.0.1, ::1 and localhost).`,
    )
  const normalised = parseServerUrl(url.href, 'the server address')
  if (thisComputer !== null && normalised === thisComputer.url)
    return { ok: true, backend: THIS_COMPUTER, url: normalised }
  return { ok: true, backend: { kind: 'address', url: normalised }, url: normalised }
}

/** 1. locateBackend, 2. ask the server which protocol it speaks, 3. require ours. */
export async function checkBackend(
  choice: BackendChoice,
  options: BackendCheckOptions,
): Promise<BackendVerdict> {
  const located = locateBackend(choice, options.thisComputer)
  if (!located.ok) return located
  const client = new StoreClient({
    baseUrl: located.url,
    timeoutMs: options.timeoutMs ?? BACKEND_CHECK_TIMEOUT_MS,
    embeddedBackend: options.thisComputer,
  })
  let version: number
  try {
    version = (await client.info()).version
  } catch (error) {
    return failedCheck(error, located.url)
  }
  const ours = options.protocolVersion ?? PROTOCOL_VERSION
  if (version > ours)
    return problem(
      'wrong_version',
      `${located.url} speaks a newer version of paracord’s protocol (${version}; this app speaks ${ours}). Update paracord to use this server.`,
    )
  if (version < ours)
    return problem(
      'wrong_version',
      `${located.url} runs an older paracord (protocol version ${version}; this app speaks ${ours}). Ask whoever runs it to update it.`,
    )
  return located
}

/** The API's answer: the choice as it will be remembered, or the problem in words. */
export function toBackendCheck(verdict: BackendVerdict): BackendCheck {
  return verdict.ok ? { ok: true, backend: verdict.backend } : verdict
}

function failedCheck(error: unknown, url: string): BackendVerdict {
  if (error instanceof ServerUnreachableError) {
    const host = new URL(url).host
    switch (error.reason) {
      case 'refused':
        return problem(
          'unreachable',
          `Nothing answers at ${url}. Check the address, and that the server is running.`,
        )
      case 'dns':
        return problem('unreachable', `No computer called ${host} was found. Check the address.`)
      case 'timeout':
        return problem(
          'unreachable',
          `${url} did not answer in time. Check the address, or try again later.`,
        )
      default:
        return problem(
          'unreachable',
          `The connection to ${url} failed. Check the address${isLoopbackHost(new URL(url).hostname) ? '' : ' (a server on another computer uses https://)'}, or try again later.`,
        )
    }
  }
  if (error instanceof ApiError && (error.code === 'rate_limited' || error.code === 'unavailable'))
    return problem('unreachable', `${url} is busy right now. Try again in a minute.`)
  if (error instanceof ApiError && error.code === 'embedded_access_denied')
    return problem(
      'not_paracord',
      `${url} is another paracord app’s own server: only that app can use it. Choose This computer for this app’s own server.`,
    )
  if (error instanceof ApiError || error instanceof ProtocolError)
    return problem(
      'not_paracord',
      `${url} answered, but not as a paracord server (or as one too old to say which version it speaks). Check the address.`,
    )
  throw error
}

function problem(kind: BackendProblem, message: string): BackendVerdict {
  return { ok: false, problem: kind, message }
}
