// /v1/auth: challenge–response login and logout. The server holds only the login public key;
// a valid signature over a fresh, single-use challenge is the proof of the password.
import { createHash } from 'node:crypto'
import { toBase64Url } from '../../../shared/encoding'
import {
  ChallengeRequest,
  ChallengeResponse,
  LIMITS,
  LoginRequest,
  LoginResponse,
  Ok,
  loginPayload,
} from '../../../shared/protocol'
import { authenticate, hashToken, newToken, sessionOf } from '../../auth'
import { randomBase64Url, requireBase64Url } from '../../bytes'
import { ApiError } from '../../errors'
import { clientAddress, FailureBackoff } from '../../limits'
import { verifySignature } from '../../verify'
import { toEnclave } from '../../wire'
import { routePlugin } from '../plugin'
import { bearer, refusals } from '../schemas'

/** Verified against for unknown handles, so they take as long as a wrong password. */
const NO_ACCOUNT_KEY = toBase64Url(
  createHash('sha256').update('paracord: no such account').digest(),
)

/** A refusal of a judged try, already counted as a failure. */
class Judged extends Error {
  constructor(readonly error: ApiError) {
    super(error.message)
  }
}

/** The longest wait failures of a handle from all addresses together impose on it. */
const GLOBAL_WAIT_MAX_MS = 5000

export const authRoutes = routePlugin((app, { ctx }) => {
  const { store, now, config } = ctx
  const refuse = () => new ApiError('invalid_credentials', 'login failed')
  // Failed logins slow down further tries of the same handle from the same address (so a guesser
  // at one address only slows itself, never the owner elsewhere), further tries from the same
  // address (one guesser trying many handles), and, far more generously and for at most
  // GLOBAL_WAIT_MAX_MS at a time, further tries of the same handle from anywhere (a guesser
  // spread over many addresses).
  const backoff = (free: number, maxMs: number) =>
    new FailureBackoff({ free, baseMs: Math.min(1000, maxMs), maxMs, now })
  const failuresOfHandleAtAddress = backoff(config.loginFailuresPerHandle, config.loginBackoffMaxMs)
  const failuresOfAddress = backoff(config.loginFailuresPerAddress, config.loginBackoffMaxMs)
  const failuresOfHandle = backoff(
    config.loginFailuresPerHandleGlobal,
    Math.min(GLOBAL_WAIT_MAX_MS, config.loginBackoffMaxMs),
  )

  app.post(
    '/v1/auth/challenge',
    {
      schema: {
        summary: 'A single-use login challenge (issued for any handle)',
        tags: ['auth'],
        body: ChallengeRequest,
        response: { 200: ChallengeResponse, ...refusals },
      },
    },
    async (request) => {
      requireBase64Url(request.body.handle)
      const challenge = {
        id: randomBase64Url(16),
        handle: request.body.handle,
        nonce: randomBase64Url(32),
        expiresAt: now() + LIMITS.challengeTtlMs,
      }
      await store.putChallenge(challenge)
      return { challengeId: challenge.id, nonce: challenge.nonce, expiresAt: challenge.expiresAt }
    },
  )

  app.post(
    '/v1/auth/login',
    {
      schema: {
        summary: 'Answer a challenge with the login key; returns a session and the vault',
        tags: ['auth'],
        body: LoginRequest,
        response: { 200: LoginResponse, ...refusals },
      },
    },
    async (request, reply) => {
      const { handle, challengeId, signature } = request.body
      const address = clientAddress(request)
      const handleAtAddress = `${address} ${handle}`
      // 1. While this handle from this address, this address, or this handle from anywhere must
      //    wait after failures, no try is judged (and the challenge stays usable).
      const waitMs = Math.max(
        failuresOfHandleAtAddress.waitMs(handleAtAddress),
        failuresOfAddress.waitMs(address),
        failuresOfHandle.waitMs(handle),
      )
      if (waitMs > 0) {
        const seconds = Math.ceil(waitMs / 1000)
        void reply.header('retry-after', String(seconds))
        throw new ApiError('rate_limited', `too many failed logins; retry in ${seconds} s`)
      }
      // The try is begun before any await, so concurrent tries already see it (and wait once
      // they would use up the free failures); it ends judged, or forgiven when it is not.
      failuresOfHandleAtAddress.tried(handleAtAddress)
      failuresOfAddress.tried(address)
      failuresOfHandle.tried(handle)
      const forgive = () => {
        failuresOfHandleAtAddress.forgive(handleAtAddress)
        failuresOfAddress.forgive(address)
        failuresOfHandle.forgive(handle)
      }
      let account
      try {
        account = await judge()
      } catch (error) {
        if (!(error instanceof Judged)) forgive()
        throw error instanceof Judged ? error.error : error
      }
      // A success clears this handle's failures from this address and ends its try elsewhere
      // (it does not clear failures others caused).
      failuresOfHandleAtAddress.succeeded(handleAtAddress)
      failuresOfAddress.forgive(address)
      failuresOfHandle.forgive(handle)
      async function judge() {
        const failed = () => {
          failuresOfHandleAtAddress.failed(handleAtAddress)
          failuresOfAddress.failed(address)
          failuresOfHandle.failed(handle)
          return new Judged(refuse())
        }
        // 2. The challenge is taken (deleted) whatever happens next: one answer per challenge.
        //    Only an answer to a challenge issued for this handle is judged and counts as a
        //    failure: a made-up or used challenge id, or another handle's, never slows anyone.
        const challenge = await store.takeChallenge(challengeId)
        if (!challenge || challenge.handle !== handle) throw refuse()
        if (challenge.expiresAt <= now()) throw new ApiError('expired', 'the challenge expired')
        // 3. Signed by the account's login key over (handle, challengeId, nonce).
        const found = await store.getAccountByHandle(handle)
        const payload = loginPayload({ handle, challengeId, nonce: challenge.nonce })
        const verified = verifySignature(
          found?.loginPublicKey ?? NO_ACCOUNT_KEY,
          payload,
          signature,
        )
        if (!found || !verified) throw failed()
        const vault = await store.getEnclave(handle)
        if (!vault) throw failed()
        return { ...found, vault }
      }
      // 4. A new session; the store keeps only the token's hash. Beyond the account's cap of
      //    live sessions the oldest end, sockets included.
      const token = newToken()
      const expiresAt = now() + config.sessionTtlMs
      const newHash = hashToken(token)
      await store.putSession({ tokenHash: newHash, accountId: account.id, expiresAt })
      ctx.sessions.created(newHash)
      const ended = await store.trimSessionsOf(account.id, config.maxSessionsPerAccount)
      for (const tokenHash of ended)
        ctx.notifier.publish({
          kind: 'sessions_ended',
          accountId: account.id,
          tokenHash,
          exceptTokenHash: null,
        })
      return { token, expiresAt, accountId: account.id, vault: toEnclave(account.vault) }
    },
  )

  app.post(
    '/v1/auth/logout',
    {
      onRequest: authenticate(ctx.sessions, now),
      schema: {
        summary: 'End this session; its token stops working at once',
        tags: ['auth'],
        security: bearer,
        response: { 200: Ok, ...refusals },
      },
    },
    async (request) => {
      const session = sessionOf(request)
      await store.deleteSession(session.tokenHash)
      ctx.notifier.publish({
        kind: 'sessions_ended',
        accountId: session.accountId,
        tokenHash: session.tokenHash,
        exceptTokenHash: null,
      })
      return { ok: true } as const
    },
  )
})
