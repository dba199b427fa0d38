// Sessions: an opaque 32-byte Bearer token; the store keeps only its SHA-256, so a copy of the
// database grants no session.
import { createHash, randomBytes } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { EncodingError, fromBase64Url, toBase64Url } from '../shared/encoding'
import { ApiError } from './errors'
import { clientAddress, type WindowCounter } from './limits'
import type { LiveNotifier } from './live/notifier'
import { ReadThroughCache } from './read-through-cache'
import type { SessionRecord, Store } from './store/types'

export interface Session {
  readonly accountId: string
  readonly tokenHash: string
  readonly expiresAt: number
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `authenticate` on routes that need a signed-in session. */
    session: Session | null
  }
}

export const newToken = (): string => toBase64Url(randomBytes(32))

/** SHA-256 of the token's bytes, base64url; throws EncodingError for a malformed token. */
export function hashToken(token: string): string {
  const bytes = fromBase64Url(token)
  if (bytes.length !== 32) throw new EncodingError('a session token is 32 bytes')
  return toBase64Url(createHash('sha256').update(bytes).digest())
}

/** The token of an `Authorization: Bearer TOKEN` header, or null. */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization
  const match = header === undefined ? null : /^Bearer ([A-Za-z0-9_-]+)$/.exec(header)
  return match?.[1] ?? null
}

/** Sessions kept in memory by token hash: every authenticated request looks one up. */
const SESSION_CACHE_ENTRIES = 10_000
/** Only a backstop should an ended-session event from another instance be lost. */
const SESSION_CACHE_MAX_AGE_MS = 5_000

/** Token hashes the store did not know, remembered so a repeated one is not looked up again. */
const UNKNOWN_TOKEN_ENTRIES = 10_000
const UNKNOWN_TOKEN_MAX_AGE_MS = 5_000

/**
 * Session lookups through a small cache. Every path that ends sessions (logout, password
 * change, account deletion) publishes `sessions_ended` right after the store write; the cache
 * drops those sessions synchronously on this instance, and on others when the event arrives.
 */
export class SessionCache {
  private readonly cache: ReadThroughCache<string, SessionRecord>
  /**
   * Token hashes recently found unknown, by when (insertion-ordered, bounded). Tokens are 32
   * random bytes, so one cannot name a session created later; `created` still drops it.
   */
  private readonly unknown = new Map<string, number>()
  private readonly stopListening: () => void

  constructor(
    store: Store,
    notifier: LiveNotifier,
    private readonly now: () => number,
  ) {
    this.cache = new ReadThroughCache((tokenHash) => store.getSession(tokenHash), {
      maxEntries: SESSION_CACHE_ENTRIES,
      maxAgeMs: SESSION_CACHE_MAX_AGE_MS,
      now,
    })
    this.stopListening = notifier.onPublish((event) => {
      if (event.kind === 'resync') this.cache.clear()
      if (event.kind !== 'sessions_ended') return
      if (event.tokenHash !== null) return this.cache.delete(event.tokenHash)
      this.cache.deleteWhere(
        (session, tokenHash) =>
          session.accountId === event.accountId && tokenHash !== event.exceptTokenHash,
      )
    })
  }

  /**
   * Looks a token up; null when it is malformed, unknown, logged out or expired. A token not
   * cached goes to the store only if `mayLookUp` allows it (else null: no session is known);
   * `lookedUp(found)` then tells the caller how the lookup went.
   */
  async find(
    token: string,
    now: number,
    budget?: { mayLookUp: () => boolean; lookedUp: (found: boolean) => void },
  ): Promise<Session | null> {
    let tokenHash: string
    try {
      tokenHash = hashToken(token)
    } catch (error) {
      if (error instanceof EncodingError) return null
      throw error
    }
    let record = this.cache.peek(tokenHash) ?? null
    if (record === null) {
      if (this.isKnownUnknown(tokenHash)) return null
      if (budget && !budget.mayLookUp()) return null
      record = await this.cache.get(tokenHash)
      if (record === null) this.rememberUnknown(tokenHash)
      budget?.lookedUp(record !== null)
    }
    if (record === null || record.expiresAt <= now) return null
    return { accountId: record.accountId, tokenHash, expiresAt: record.expiresAt }
  }

  /** A session was just stored under `tokenHash`: it must not be taken for an unknown one. */
  created(tokenHash: string): void {
    this.unknown.delete(tokenHash)
  }

  close(): void {
    this.stopListening()
    this.cache.clear()
    this.unknown.clear()
  }

  private isKnownUnknown(tokenHash: string): boolean {
    const at = this.unknown.get(tokenHash)
    if (at === undefined) return false
    if (this.now() - at < UNKNOWN_TOKEN_MAX_AGE_MS) return true
    this.unknown.delete(tokenHash)
    return false
  }

  private rememberUnknown(tokenHash: string): void {
    this.unknown.delete(tokenHash)
    this.unknown.set(tokenHash, this.now())
    for (const key of this.unknown.keys()) {
      if (this.unknown.size <= UNKNOWN_TOKEN_ENTRIES) break
      this.unknown.delete(key)
    }
  }
}

/** Requests whose Bearer token was already looked up (by `resolveSession`). */
const resolved = new WeakSet<FastifyRequest>()

/**
 * The app's first onRequest hook: sets `request.session` when the Bearer token names a live
 * session, before anything is counted, so that only a verified session is ever a rate-limit
 * key (a made-up token is just a request from its address).
 * With `lookups`, a token not cached is looked up in the store only while its client address
 * has lookups left, each charged before the lookup and given back if it found a session: made-up
 * tokens from one address cost a bounded number of store reads (those requests are charged to
 * the address's rate limit too, so once its lookups are spent it is refused anyway).
 */
export function resolveSession(sessions: SessionCache, now: () => number, lookups?: WindowCounter) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = bearerToken(request)
    if (token === null) request.session = null
    else if (lookups === undefined) request.session = await sessions.find(token, now())
    else {
      const address = clientAddress(request)
      request.session = await sessions.find(token, now(), {
        mayLookUp: () => lookups.hit(address) === 0,
        lookedUp: (found) => {
          if (found) lookups.refund(address)
        },
      })
    }
    resolved.add(request)
  }
}

/** An onRequest hook: refuses with 401 unless the request carries a live session. */
export function authenticate(sessions: SessionCache, now: () => number) {
  const resolve = resolveSession(sessions, now)
  return async (request: FastifyRequest): Promise<void> => {
    if (!resolved.has(request)) await resolve(request)
    if (request.session !== null) return
    throw new ApiError(
      'unauthorized',
      bearerToken(request) === null
        ? 'a Bearer session token is required'
        : 'the session is unknown or has ended',
    )
  }
}

/** The session of a route behind `authenticate`. */
export function sessionOf(request: FastifyRequest): Session {
  if (request.session === null) throw new Error('route is missing the authenticate hook')
  return request.session
}
