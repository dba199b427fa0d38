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

export const authRoutes = routePlugin((app, { ctx }) => {
  const { store, now, config } = ctx
  const refuse = () => new ApiError('invalid_credentials', 'login failed')
  // Failed logins slow down further tries of the same handle (a guesser spread over many
  // addresses) and from the same address (one guesser trying many handles). The wait is capped,
  // so someone failing on purpose delays the owner by at most loginBackoffMaxMs at a time.
  const backoff = (free: number) =>
    new FailureBackoff({
      free,
      baseMs: Math.min(1000, config.loginBackoffMaxMs),
      maxMs: config.loginBackoffMaxMs,
      now,
    })
  const failuresOfHandle = backoff(config.loginFailuresPerHandle)
  const failuresOfAddress = backoff(config.loginFailuresPerAddress)

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
      // 1. While the handle or the address must wait after failures, no try is judged (and the
      //    challenge stays usable).
      const waitMs = Math.max(failuresOfHandle.waitMs(handle), failuresOfAddress.waitMs(address))
      if (waitMs > 0) {
        const seconds = Math.ceil(waitMs / 1000)
        void reply.header('retry-after', String(seconds))
        throw new ApiError('rate_limited', `too many failed logins; retry in ${seconds} s`)
      }
      const failed = () => {
        failuresOfHandle.failed(handle)
        failuresOfAddress.failed(address)
        return refuse()
      }
      // 2. The challenge is taken (deleted) whatever happens next: one answer per challenge.
      const challenge = await store.takeChallenge(challengeId)
      if (!challenge || challenge.handle !== handle) throw failed()
      if (challenge.expiresAt <= now()) throw new ApiError('expired', 'the challenge expired')
      // 3. Signed by the account's login key over (handle, challengeId, nonce).
      const account = await store.getAccountByHandle(handle)
      const payload = loginPayload({ handle, challengeId, nonce: challenge.nonce })
      const verified = verifySignature(
        account?.loginPublicKey ?? NO_ACCOUNT_KEY,
        payload,
        signature,
      )
      if (!account || !verified) throw failed()
      const vault = await store.getEnclave(handle)
      if (!vault) throw failed()
      failuresOfHandle.succeeded(handle)
      // 4. A new session; the store keeps only the token's hash. Beyond the account's cap of
      //    live sessions the oldest end, sockets included.
      const token = newToken()
      const expiresAt = now() + config.sessionTtlMs
      await store.putSession({ tokenHash: hashToken(token), accountId: account.id, expiresAt })
      const ended = await store.trimSessionsOf(account.id, config.maxSessionsPerAccount)
      for (const tokenHash of ended)
        ctx.notifier.publish({
          kind: 'sessions_ended',
          accountId: account.id,
          tokenHash,
          exceptTokenHash: null,
        })
      return { token, expiresAt, accountId: account.id, vault: toEnclave(vault) }
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
