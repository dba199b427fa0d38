// /v1/auth: challenge–response login and logout. The server holds only the login public key;
// a valid signature over a fresh, single-use challenge is the proof of the password.
import { createHash } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
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
import type { RouteOptions } from '../../context'
import { ApiError } from '../../errors'
import { verifySignature } from '../../verify'
import { toEnclave } from '../../wire'
import { bearer, refusals } from '../schemas'

/** Verified against for unknown handles, so they take as long as a wrong password. */
const NO_ACCOUNT_KEY = toBase64Url(
  createHash('sha256').update('paracord: no such account').digest(),
)

export const authRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  const { store, now } = ctx
  const refuse = () => new ApiError('invalid_credentials', 'login failed')

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
    async (request) => {
      const { handle, challengeId, signature } = request.body
      // 1. The challenge is taken (deleted) whatever happens next: one answer per challenge.
      const challenge = await store.takeChallenge(challengeId)
      if (!challenge || challenge.handle !== handle) throw refuse()
      if (challenge.expiresAt <= now()) throw new ApiError('expired', 'the challenge expired')
      // 2. Signed by the account's login key over (handle, challengeId, nonce).
      const account = await store.getAccountByHandle(handle)
      const payload = loginPayload({ handle, challengeId, nonce: challenge.nonce })
      const verified = verifySignature(
        account?.loginPublicKey ?? NO_ACCOUNT_KEY,
        payload,
        signature,
      )
      if (!account || !verified) throw refuse()
      const vault = await store.getEnclave(handle)
      if (!vault) throw refuse()
      // 3. A new session; the store keeps only the token's hash.
      const token = newToken()
      const expiresAt = now() + ctx.config.sessionTtlMs
      await store.putSession({ tokenHash: hashToken(token), accountId: account.id, expiresAt })
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
}
