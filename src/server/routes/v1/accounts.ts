// /v1/accounts: salt look-up, registration, password change, account deletion.
import { createHmac } from 'node:crypto'
import { fromBase64Url, toBase64Url } from '../../../shared/encoding'
import {
  AccountDeleteRequest,
  DEFAULT_KDF,
  Ok,
  PasswordChangeRequest,
  RegisterRequest,
  RegisterResponse,
  SaltQuery,
  SaltResponse,
  accountDeletePayload,
  enclaveWritePayload,
  passwordChangePayload,
} from '../../../shared/protocol'
import { authenticate, sessionOf } from '../../auth'
import { randomBase64Url, requireBase64Url } from '../../bytes'
import { ApiError, badSignature, notFound, versionConflict } from '../../errors'
import { clientAddress, WindowCounter } from '../../limits'
import { verifySignature } from '../../verify'
import { routePlugin } from '../plugin'
import { bearer, refusals } from '../schemas'

export const accountRoutes = routePlugin((app, { ctx }) => {
  const { store, now } = ctx
  const signedIn = authenticate(ctx.sessions, now)
  const registrations = new WindowCounter({
    max: ctx.config.registrationsPerHour,
    windowMs: 3_600_000,
    now,
  })

  app.get(
    '/v1/accounts/salt',
    {
      schema: {
        summary: 'The Argon2id salt and parameters of a handle (a stable fake for unknown ones)',
        tags: ['accounts'],
        querystring: SaltQuery,
        response: { 200: SaltResponse, ...refusals },
      },
    },
    async (request) => {
      const { handle } = request.query
      const account = await store.getAccountByHandle(handle)
      if (account) return { salt: account.salt, kdf: account.kdf }
      // An unknown handle gets what a real account with default parameters would: a salt that
      // is stable per handle (HMAC under a server secret), so asking twice reveals nothing.
      const secret = fromBase64Url(await ctx.secret('fake-salt'))
      const salt = createHmac('sha256', secret).update(fromBase64Url(handle)).digest()
      return { salt: toBase64Url(salt.subarray(0, 16)), kdf: { ...DEFAULT_KDF } }
    },
  )

  app.post(
    '/v1/accounts',
    {
      schema: {
        summary: 'Register: login public key, KDF salt and the first vault',
        tags: ['accounts'],
        body: RegisterRequest,
        response: { 201: RegisterResponse, ...refusals },
      },
    },
    async (request, reply) => {
      const { handle, loginPublicKey, salt, kdf, vault } = request.body
      // 1. Each client address registers only so many accounts an hour.
      const waitMs = registrations.hit(clientAddress(request))
      if (waitMs > 0) {
        const seconds = Math.ceil(waitMs / 1000)
        void reply.header('retry-after', String(seconds))
        throw new ApiError('rate_limited', `too many registrations; retry in ${seconds} s`)
      }
      requireBase64Url(salt)
      // 2. The vault (id = handle, version 1) is signed by the login key that owns it.
      const payload = enclaveWritePayload({
        id: handle,
        kind: 'vault',
        version: 1,
        ownerKey: loginPublicKey,
        expiresAt: null,
        body: vault.body,
      })
      if (!verifySignature(loginPublicKey, payload, vault.signature)) throw badSignature('vault')
      // 3. Account and vault are stored together or not at all.
      const accountId = randomBase64Url(16)
      const at = now()
      const result = await store.createAccount(
        { id: accountId, handle, loginPublicKey, salt, kdf, createdAt: at },
        {
          id: handle,
          kind: 'vault',
          version: 1,
          ownerKey: loginPublicKey,
          body: vault.body,
          signature: vault.signature,
          expiresAt: null,
          updatedAt: at,
          createdBy: accountId,
        },
      )
      if (result === 'handle_taken') throw new ApiError('already_exists', 'this handle is taken')
      return reply.code(201).send({ accountId })
    },
  )

  app.post(
    '/v1/accounts/me/password',
    {
      onRequest: signedIn,
      schema: {
        summary: 'Change the password: new login key, salt and KDF, and the re-encrypted vault',
        tags: ['accounts'],
        security: bearer,
        body: PasswordChangeRequest,
        response: { 200: Ok, ...refusals },
      },
    },
    async (request) => {
      const session = sessionOf(request)
      const { loginPublicKey, salt, kdf, vault, proof } = request.body
      requireBase64Url(salt)
      const account = await store.getAccount(session.accountId)
      const current = account && (await store.getEnclave(account.handle))
      if (!account || !current) throw new ApiError('unauthorized', 'the account no longer exists')
      const handle = account.handle
      // 1. The new vault, owned by the new key, is signed by the current owner (old login key).
      const write = enclaveWritePayload({
        id: handle,
        kind: 'vault',
        version: vault.version,
        ownerKey: loginPublicKey,
        expiresAt: null,
        body: vault.body,
      })
      if (!verifySignature(current.ownerKey, write, vault.signature))
        throw badSignature('vault, by the current login key')
      // 2. The new login key proves it is held.
      const possession = passwordChangePayload({ handle, loginPublicKey, version: vault.version })
      if (!verifySignature(loginPublicKey, possession, proof))
        throw badSignature('proof, by the new login key')
      // 3. Login key, salt, KDF and vault change together; CAS on the vault version.
      const result = await store.changePassword(
        account.id,
        { loginPublicKey, salt, kdf },
        {
          id: handle,
          kind: 'vault',
          version: vault.version,
          ownerKey: loginPublicKey,
          body: vault.body,
          signature: vault.signature,
          expiresAt: null,
          updatedAt: now(),
          createdBy: account.id,
        },
      )
      if (result.status === 'version_conflict') throw versionConflict(result.currentVersion)
      if (result.status === 'not_found') throw notFound('vault')
      // 4. Every other session of the account ends, sockets included.
      await store.deleteSessionsOf(account.id, session.tokenHash)
      ctx.notifier.publish({
        kind: 'sessions_ended',
        accountId: account.id,
        tokenHash: null,
        exceptTokenHash: session.tokenHash,
      })
      return { ok: true } as const
    },
  )

  app.delete(
    '/v1/accounts/me',
    {
      onRequest: signedIn,
      schema: {
        summary: 'Delete the account, its vault, identities and sessions',
        tags: ['accounts'],
        security: bearer,
        body: AccountDeleteRequest,
        response: { 200: Ok, ...refusals },
      },
    },
    async (request) => {
      const session = sessionOf(request)
      const { challengeId, signature } = request.body
      const account = await store.getAccount(session.accountId)
      if (!account) throw new ApiError('unauthorized', 'the account no longer exists')
      // 1. A fresh challenge for this account's handle, used once.
      const challenge = await store.takeChallenge(challengeId)
      if (!challenge || challenge.handle !== account.handle)
        throw new ApiError('invalid_credentials', 'unknown or used challenge')
      if (challenge.expiresAt <= now()) throw new ApiError('expired', 'the challenge expired')
      // 2. Signed by the login key: a stolen session token alone cannot delete an account.
      const payload = accountDeletePayload({
        handle: account.handle,
        challengeId,
        nonce: challenge.nonce,
      })
      if (!verifySignature(account.loginPublicKey, payload, signature))
        throw new ApiError('invalid_credentials', 'the signature does not verify')
      // 3. Delete, and end every session and socket of the account.
      await store.deleteAccount(account.id)
      ctx.notifier.publish({
        kind: 'sessions_ended',
        accountId: account.id,
        tokenHash: null,
        exceptTokenHash: null,
      })
      return { ok: true } as const
    },
  )
})
