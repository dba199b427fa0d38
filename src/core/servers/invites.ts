// Creating, listing and revoking invites (docs/KEYS.md). An invite is an entry of the group's
// state (its public keys, uses, expiry) plus an enclave naming the server for whoever holds
// the code. The code itself stays on the device that made it.
import { ParacordError, type InviteInfo } from '../../shared/api'
import { toBase64Url } from '../../shared/encoding'
import { enclaveDeletePayload, enclaveWritePayload } from '../../shared/protocol'
import { deriveKey, signPayloadB64, streamKeys, type KeyPair } from '../crypto'
import { inviteKeys as mlsInviteKeys } from '../mls/invite-keys'
import { mayManageServer } from '../mls/rules'
import { roleOf } from '../mls/server-state'
import { isApiCode, toParacordError } from './errors'
import { keysOf, newInviteCode, sealInviteBody } from './invite-codec'
import { commitChange, requireServer, type ServerContext } from './server-context'
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

/** The key that owns an invite's enclave: only its creator's account holds it. */
function enclaveOwner(ctx: ServerContext, inviteId: string): KeyPair {
  const seed = ctx.session.identity.signing.privateKey.subarray(0, 32)
  return streamKeys(deriveKey(seed, 'invite-enclave', inviteId), 'admin', inviteId)
}

function requireAdmin(ctx: ServerContext, serverId: string, what: string) {
  const group = requireServer(ctx, serverId)
  if (!mayManageServer(roleOf(group.state, ctx.session.userId)))
    throw new ParacordError('forbidden', `Only the owner or an admin can ${what}.`)
  return group
}

export async function createInvite(
  ctx: ServerContext,
  serverId: string,
  maxUses: number | null,
  expiresInSeconds: number | null,
): Promise<InviteInfo> {
  const group = requireAdmin(ctx, serverId, 'create invites')
  // 1. A random secret; the enclave id, its sealing key and the invite's keys derive from it.
  const invite = keysOf(newInviteCode())
  const keys = mlsInviteKeys(invite.secret)
  const expiresAt = expiresInSeconds === null ? null : ctx.session.now() + expiresInSeconds * 1000
  // 2. The enclave naming the server, owned by this account, expiring with the invite.
  const owner = enclaveOwner(ctx, invite.inviteId)
  const ownerKey = toBase64Url(owner.publicKey)
  const body = sealInviteBody(invite, { v: 2, serverId, name: group.state.name })
  try {
    await ctx.session.client.createEnclave({
      id: invite.inviteId,
      kind: 'invite',
      ownerKey,
      body,
      expiresAt,
      signature: signPayloadB64(
        enclaveWritePayload({
          id: invite.inviteId,
          kind: 'invite',
          version: 1,
          ownerKey,
          expiresAt,
          body,
        }),
        owner.privateKey,
      ),
    })
  } catch (error) {
    throw toParacordError(error)
  }
  rememberCode(ctx, serverId, invite.inviteId, invite.code)
  // 3. Into the group's state: every member can check a join made with it.
  await commitChange(ctx, serverId, (g) => ({
    state: (s) => ({
      ...s,
      invites: {
        ...s.invites,
        [keys.inviteId]: {
          signKey: toBase64Url(keys.sign.publicKey),
          boxKey: toBase64Url(keys.box.publicKey),
          maxUses,
          expiresAt,
          uses: 0,
          revoked: false,
          createdBy: ctx.session.userId,
          createdEpoch: g.epoch,
        },
      },
    }),
  }))
  return inviteInfo(
    ctx.io.view(serverId),
    invite.inviteId,
    invite.code,
    ctx.session.inviteServerUrl,
  )!
}

export function listInvites(ctx: ServerContext, serverId: string): Promise<InviteInfo[]> {
  requireServer(ctx, serverId)
  const view = ctx.io.view(serverId)
  const codes = knownCodes(ctx, serverId)
  return Promise.resolve(
    [...view.invites.keys()].map((id) =>
      inviteInfo(view, id, codes[id] ?? null, ctx.session.inviteServerUrl)!,
    ),
  )
}

export async function revokeInvite(ctx: ServerContext, serverId: string, inviteId: string) {
  const group = requireAdmin(ctx, serverId, 'revoke invites')
  if (!group.state.invites[inviteId])
    throw new ParacordError('not_found', 'This invite does not exist.')
  // 1. Revoked in the state: every member refuses joins with it, and no join key is sealed to it.
  await commitChange(ctx, serverId, (g) => {
    const invite = g.state.invites[inviteId]
    if (!invite || invite.revoked) return null
    return {
      state: (s) => ({ ...s, invites: { ...s.invites, [inviteId]: { ...invite, revoked: true } } }),
    }
  })
  // 2. Its enclave goes, when this account made it.
  await deleteInviteEnclave(ctx, inviteId)
}

/** Deletes an invite's enclave this account made; nothing when someone else made it. */
export async function deleteInviteEnclave(ctx: ServerContext, inviteId: string): Promise<void> {
  try {
    const enclave = await ctx.session.client.getEnclave(inviteId)
    const owner = enclaveOwner(ctx, inviteId)
    if (enclave.ownerKey !== toBase64Url(owner.publicKey)) return
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

/**
 * Used-up, expired and revoked invites of this account's making: their enclaves go and they
 * leave the state, keys and all (run by the maintenance pass).
 */
export async function sweepInvites(ctx: ServerContext, serverId: string): Promise<void> {
  const group = ctx.io.group(serverId)
  if (!group || !mayManageServer(roleOf(group.state, ctx.session.userId))) return
  const view = ctx.io.view(serverId)
  const now = ctx.session.now()
  const dead = Object.entries(group.state.invites)
    .filter(([id, invite]) => {
      const uses = view.invites.get(id)?.uses ?? invite.uses
      return (
        invite.createdBy === ctx.session.userId &&
        (invite.revoked ||
          (invite.expiresAt !== null && invite.expiresAt <= now) ||
          (invite.maxUses !== null && uses >= invite.maxUses && uses === invite.uses))
      )
    })
    .map(([id]) => id)
  if (dead.length === 0) return
  for (const id of dead) await deleteInviteEnclave(ctx, id)
  await commitChange(ctx, serverId, (g) => {
    const gone = dead.filter((id) => g.state.invites[id])
    if (gone.length === 0) return null
    return {
      state: (s) => {
        const invites = { ...s.invites }
        for (const id of gone) delete invites[id]
        return { ...s, invites }
      },
    }
  })
  const codes = knownCodes(ctx, serverId)
  for (const id of dead) delete codes[id]
  ctx.session.cache.setValue(codesKey(serverId), codes)
}
