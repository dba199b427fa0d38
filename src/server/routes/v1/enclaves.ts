// /v1/enclaves: keyed, versioned records. Every write is signed by the enclave's current owner
// key, and updates are compare-and-swap on `version`, so no update is ever silently lost.
import { fromBase64Url } from '../../../shared/encoding'
import {
  Enclave,
  EnclaveCreateRequest,
  EnclaveDeleteRequest,
  EnclaveParams,
  EnclaveUpdateRequest,
  LIMITS,
  Ok,
  enclaveDeletePayload,
  enclaveWritePayload,
} from '../../../shared/protocol'
import { authenticate, sessionOf, type Session } from '../../auth'
import { ApiError, badSignature, notFound, versionConflict } from '../../errors'
import type { EnclaveRecord } from '../../store/types'
import { verifySignature } from '../../verify'
import { toEnclave } from '../../wire'
import { routePlugin } from '../plugin'
import { bearer, refusals } from '../schemas'

export const enclaveRoutes = routePlugin((app, { ctx }) => {
  const { store, now } = ctx
  app.addHook('onRequest', authenticate(ctx.sessions, now))

  /** The enclave as this session may see it: a vault is its own account's only; the
   *  expired and the foreign vault are both simply not there. */
  async function visible(id: string, session: Session): Promise<EnclaveRecord> {
    const enclave = await store.getEnclave(id)
    if (!enclave) throw notFound('enclave')
    if (enclave.expiresAt !== null && enclave.expiresAt <= now()) throw notFound('enclave')
    if (enclave.kind === 'vault' && enclave.createdBy !== session.accountId)
      throw notFound('enclave')
    return enclave
  }

  function requireFuture(expiresAt: number | null): void {
    if (expiresAt !== null && expiresAt <= now())
      throw new ApiError('bad_request', 'expiresAt must be in the future')
  }

  app.post(
    '/v1/enclaves',
    {
      schema: {
        summary: 'Create an identity or invite enclave (vaults come with registration)',
        tags: ['enclaves'],
        security: bearer,
        body: EnclaveCreateRequest,
        response: { 201: Enclave, ...refusals },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request)
      const { id, kind, ownerKey, body, expiresAt, signature } = request.body
      if (kind === 'vault') throw new ApiError('bad_request', 'a vault is created by registering')
      // Handle-sized ids are the vaults' (id = handle): another enclave there would squat a
      // name, and its create would tell whether that name has an account.
      if (fromBase64Url(id).length === LIMITS.handleBytes)
        throw new ApiError(
          'bad_request',
          `an identity or invite id may not be ${LIMITS.handleBytes} bytes: that size is for vaults`,
        )
      requireFuture(expiresAt)
      // 1. Signed by the owner key it names, at version 1.
      const payload = enclaveWritePayload({ id, kind, version: 1, ownerKey, expiresAt, body })
      if (!verifySignature(ownerKey, payload, signature)) throw badSignature('enclave')
      // 2. Stored only if the id is free.
      const record: EnclaveRecord = {
        id,
        kind,
        version: 1,
        ownerKey,
        body,
        signature,
        expiresAt,
        updatedAt: now(),
        createdBy: session.accountId,
      }
      if ((await store.createEnclave(record)) === 'exists')
        throw new ApiError('already_exists', 'an enclave with this id exists')
      ctx.sweeper.schedule(expiresAt)
      return reply.code(201).send(toEnclave(record))
    },
  )

  app.get(
    '/v1/enclaves/:id',
    {
      schema: {
        summary: 'Read an enclave',
        tags: ['enclaves'],
        security: bearer,
        params: EnclaveParams,
        response: { 200: Enclave, ...refusals },
      },
    },
    async (request) => toEnclave(await visible(request.params.id, sessionOf(request))),
  )

  app.put(
    '/v1/enclaves/:id',
    {
      schema: {
        summary: 'Update an enclave: version must be the current one + 1',
        tags: ['enclaves'],
        security: bearer,
        params: EnclaveParams,
        body: EnclaveUpdateRequest,
        response: { 200: Enclave, ...refusals },
      },
    },
    async (request) => {
      const { version, ownerKey, body, expiresAt, signature } = request.body
      // 1. The current enclave, as this session may see it.
      const current = await visible(request.params.id, sessionOf(request))
      if (current.kind === 'vault' && (ownerKey !== current.ownerKey || expiresAt !== null))
        throw new ApiError('bad_request', "a vault's owner changes only with the password")
      requireFuture(expiresAt)
      // 2. Signed by the current owner over the new state (which may name a new owner).
      const payload = enclaveWritePayload({
        id: current.id,
        kind: current.kind,
        version,
        ownerKey,
        expiresAt,
        body,
      })
      if (!verifySignature(current.ownerKey, payload, signature))
        throw badSignature('update, by the current owner key')
      // 3. Compare-and-swap on version: the store takes current + 1 only. Because every
      //    change bumps the version, the owner we verified against is the one replaced.
      const result = await store.updateEnclave({
        ...current,
        version,
        ownerKey,
        body,
        expiresAt,
        signature,
        updatedAt: now(),
      })
      if (result.status === 'version_conflict') throw versionConflict(result.currentVersion)
      if (result.status === 'not_found') throw notFound('enclave')
      ctx.sweeper.schedule(expiresAt)
      return toEnclave(result.value)
    },
  )

  app.delete(
    '/v1/enclaves/:id',
    {
      schema: {
        summary: 'Delete an identity or invite enclave at its current version',
        tags: ['enclaves'],
        security: bearer,
        params: EnclaveParams,
        body: EnclaveDeleteRequest,
        response: { 200: Ok, ...refusals },
      },
    },
    async (request) => {
      const { version, signature } = request.body
      const current = await visible(request.params.id, sessionOf(request))
      if (current.kind === 'vault')
        throw new ApiError('forbidden', 'a vault is deleted only with its account')
      if (
        !verifySignature(
          current.ownerKey,
          enclaveDeletePayload({ id: current.id, version }),
          signature,
        )
      )
        throw badSignature('delete, by the owner key')
      const result = await store.deleteEnclave(current.id, version)
      if (result.status === 'version_conflict') throw versionConflict(result.currentVersion)
      if (result.status === 'not_found') throw notFound('enclave')
      return { ok: true } as const
    },
  )
})
