// Creating, listing, revoking and re-sealing invites (docs/KEYS.md sections 5 and 6).
import { ParacordError, type InviteInfo } from '../../shared/api'
import { toBase64Url } from '../../shared/encoding'
import { enclaveDeletePayload, enclaveWritePayload, type Enclave } from '../../shared/protocol'
import { randomKey, signPayloadB64, type KeyPair } from '../crypto'
import { hasAuthority, type SpineState } from '../spine'
import { streamAdminKeys } from '../server-keys'
import type { VaultServerKeys } from '../vault-model'
import { isApiCode, toParacordError } from './errors'
import {
  keysOf,
  recoverInvite,
  sealInviteBody,
  type InvitePayload,
  type ParsedInvite,
} from './invite-codec'
import { adminSecretFor, postEntry, requireServer, type ServerContext } from './server-context'
import { inviteInfo } from './views'

const codesKey = (serverId: string) => `invite-codes:${serverId}`

function knownCodes(ctx: ServerContext, serverId: string): Record<string, string> {
  return ctx.session.cache.getValue<Record<string, string>>(codesKey(serverId)) ?? {}
}

function rememberCode(ctx: ServerContext, serverId: string, inviteId: string, code: string) {
  ctx.session.cache.setValue(codesKey(serverId), { ...knownCodes(ctx, serverId), [inviteId]: code })
}

export function forgetInviteCodes(ctx: ServerContext, serverId: string): void {
  ctx.session.cache.deleteValue(codesKey(serverId))
}

export function invitePayload(
  serverId: string,
  name: string,
  keys: VaultServerKeys,
): InvitePayload {
  return { v: 1, serverId, name, epoch: keys.epoch, epochs: { ...keys.epochs } }
}

function signWrite(
  owner: KeyPair,
  enclave: {
    id: string
    version: number
    ownerKey: string
    expiresAt: number | null
    body: string
  },
): string {
  return signPayloadB64(enclaveWritePayload({ ...enclave, kind: 'invite' }), owner.privateKey)
}

export async function createInvite(
  ctx: ServerContext,
  serverId: string,
  maxUses: number | null,
  expiresInSeconds: number | null,
): Promise<InviteInfo> {
  const keys = requireServer(ctx, serverId)
  const state = ctx.spine.state(serverId)
  if (!hasAuthority(state, ctx.session.userId, 'invite_created'))
    throw new ParacordError('forbidden', 'Only the owner or an admin can create invites.')
  const adminSecret = ctx.keyring.adminSecret(serverId)
  if (!adminSecret) throw new ParacordError('forbidden', 'This device holds no admin key yet.')
  // 1. A random secret; the enclave id and sealing key derive from it.
  const invite = keysOf(randomKey())
  const expiresAt = expiresInSeconds === null ? null : ctx.session.now() + expiresInSeconds * 1000
  // 2. The invite enclave, owned by the stream admin key derived for its id, expiring with it.
  const owner = streamAdminKeys(adminSecret, invite.inviteId)
  const ownerKey = toBase64Url(owner.publicKey)
  const body = sealInviteBody(invite, invitePayload(serverId, state.name, keys), adminSecret)
  try {
    await ctx.session.client.createEnclave({
      id: invite.inviteId,
      kind: 'invite',
      ownerKey,
      body,
      expiresAt,
      signature: signWrite(owner, { id: invite.inviteId, version: 1, ownerKey, expiresAt, body }),
    })
  } catch (error) {
    throw toParacordError(error)
  }
  rememberCode(ctx, serverId, invite.inviteId, invite.code)
  // 3. The spine records it, so every member can count its uses.
  await postEntry(ctx, serverId, () => ({
    type: 'invite_created',
    inviteId: invite.inviteId,
    maxUses,
    expiresAt,
  }))
  return inviteInfo(ctx.spine.state(serverId), invite.inviteId, invite.code)!
}

export async function listInvites(ctx: ServerContext, serverId: string): Promise<InviteInfo[]> {
  requireServer(ctx, serverId)
  const state = ctx.spine.state(serverId)
  const codes = knownCodes(ctx, serverId)
  const adminSecret = ctx.keyring.adminSecret(serverId)
  const invites: InviteInfo[] = []
  for (const inviteId of state.invites.keys()) {
    let code = codes[inviteId] ?? null
    // An admin recovers the codes of invites other admins (or devices) made.
    if (code === null && adminSecret && isActive(state, inviteId, ctx.session.now())) {
      code = await recoverCode(ctx, serverId, inviteId)
      if (code !== null) rememberCode(ctx, serverId, inviteId, code)
    }
    invites.push(inviteInfo(state, inviteId, code)!)
  }
  return invites
}

async function recoverCode(ctx: ServerContext, serverId: string, inviteId: string) {
  try {
    const enclave = await ctx.session.client.getEnclave(inviteId)
    const adminSecret = adminSecretFor(ctx, serverId, inviteId, enclave.ownerKey)
    return adminSecret ? (recoverInvite(inviteId, enclave.body, adminSecret)?.code ?? null) : null
  } catch {
    return null
  }
}

export async function revokeInvite(ctx: ServerContext, serverId: string, inviteId: string) {
  requireServer(ctx, serverId)
  if (!ctx.spine.state(serverId).invites.has(inviteId))
    throw new ParacordError('not_found', 'This invite does not exist.')
  // 1. The spine entry: from now on every member's fold refuses joins through it.
  await postEntry(ctx, serverId, () => ({ type: 'invite_revoked', inviteId }))
  // 2. The enclave goes, so the secret opens nothing any more.
  try {
    const enclave = await ctx.session.client.getEnclave(inviteId)
    const adminSecret = adminSecretFor(ctx, serverId, inviteId, enclave.ownerKey)
    if (!adminSecret) return
    const owner = streamAdminKeys(adminSecret, inviteId)
    await ctx.session.client.deleteEnclave(inviteId, {
      version: enclave.version,
      signature: signPayloadB64(
        enclaveDeletePayload({ id: inviteId, version: enclave.version }),
        owner.privateKey,
      ),
    })
  } catch (error) {
    if (!isApiCode(error, 'not_found')) throw toParacordError(error)
  }
}

export function isActive(state: SpineState, inviteId: string, now: number): boolean {
  const invite = state.invites.get(inviteId)
  if (!invite || invite.revoked) return false
  if (invite.expiresAt !== null && invite.expiresAt <= now) return false
  return invite.maxUses === null || invite.uses < invite.maxUses
}

/**
 * Re-seals every active invite with the keys of the new epoch and hands its ownership to the
 * new admin secret (rotation step 5). An invite that cannot be opened is left as it is.
 */
export async function resealInvites(
  ctx: ServerContext,
  serverId: string,
  keys: VaultServerKeys,
  oldAdminSecret: Uint8Array,
  newAdminSecret: Uint8Array,
): Promise<void> {
  const state = ctx.spine.state(serverId)
  for (const inviteId of state.invites.keys()) {
    if (!isActive(state, inviteId, ctx.session.now())) continue
    let enclave: Enclave
    try {
      enclave = await ctx.session.client.getEnclave(inviteId)
    } catch (error) {
      if (isApiCode(error, 'not_found')) continue
      throw error
    }
    const newOwner = streamAdminKeys(newAdminSecret, inviteId)
    const newOwnerKey = toBase64Url(newOwner.publicKey)
    if (enclave.ownerKey === newOwnerKey) continue
    const ownerSecret = adminSecretFor(ctx, serverId, inviteId, enclave.ownerKey) ?? oldAdminSecret
    const invite: ParsedInvite | null = recoverInvite(inviteId, enclave.body, ownerSecret)
    if (!invite) continue
    const body = sealInviteBody(invite, invitePayload(serverId, state.name, keys), newAdminSecret)
    const version = enclave.version + 1
    try {
      await ctx.session.client.updateEnclave(inviteId, {
        version,
        ownerKey: newOwnerKey,
        body,
        expiresAt: enclave.expiresAt,
        signature: signWrite(streamAdminKeys(ownerSecret, inviteId), {
          id: inviteId,
          version,
          ownerKey: newOwnerKey,
          expiresAt: enclave.expiresAt,
          body,
        }),
      })
    } catch (error) {
      // Another admin re-sealed it first, or it expired meanwhile.
      if (!isApiCode(error, 'version_conflict', 'not_found', 'invalid_signature')) throw error
    }
  }
}
