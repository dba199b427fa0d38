// Leaving, removing members, roles, profiles, and key rotation (docs/KEYS.md section 6).
//
// Roles and the admin secret: a member promoted to admin needs the admin secret, and a demoted
// admin still holds it. Rather than carry secrets in role_changed, every role change is followed
// by a key rotation, whose envelopes give the new admin secret to exactly the admins of the
// folded state. So admin rights follow the spine, and a demoted admin's old secret rotates out.
import type { ApiEvents } from '../../shared/api'
import { toBase64Url } from '../../shared/encoding'
import { randomKey } from '../crypto'
import { hasAuthority, type KeyRotatedBody } from '../spine'
import { channelKeys, spineKeys } from '../server-keys'
import { sealEnvelopes } from './envelopes'
import { toParacordError } from './errors'
import { forgetInviteCodes, resealInvites } from './invites'
import {
  adminSecretFor,
  forgetAdminSecrets,
  postEntry,
  rememberAdminSecret,
  removeServerKeys,
  requireServer,
  saveServerKeys,
  type ServerContext,
} from './server-context'
import { rotateServerStream } from './streams'

export type RotationMode =
  /** Only if a member left or was removed and no rotation followed yet. */
  | 'due'
  /** Whatever the state says (after a role change). */
  | 'forced'

/**
 * Rotates the server's keys unless a rotation past `epochBefore` already happened (the chain
 * decides between racing admins: the loser finds the epoch moved on and stops).
 */
export async function rotateKeys(
  ctx: ServerContext,
  serverId: string,
  epochBefore: number,
  mode: RotationMode,
): Promise<boolean> {
  const { session, keyring } = ctx
  const oldAdminSecret = keyring.adminSecret(serverId)
  if (!oldAdminSecret) return false
  // 1. (member_removed, member_left or role_changed was posted before this call.)
  // 2. A new master key (epoch + 1) and a new admin secret.
  const masterKey = randomKey()
  const adminSecret = randomKey()
  // 3. key_rotated with one envelope per remaining member, posted under the old epoch.
  const entry = await postEntry(ctx, serverId, (state) => {
    if (state.epoch > epochBefore) return null
    if (mode === 'due' && !state.rotationDue) return null
    if (!hasAuthority(state, session.userId, 'key_rotated')) return null
    const epoch = state.epoch + 1
    return {
      type: 'key_rotated',
      epoch,
      envelopes: sealEnvelopes(state, serverId, epoch, masterKey, adminSecret),
    }
  })
  if (!entry) return false
  const { epoch } = entry.body as KeyRotatedBody
  // 4. Accepted by the fold: move every stream (spine and channels) to the new epoch's keys.
  const state = ctx.spine.state(serverId)
  rememberAdminSecret(ctx, serverId, toBase64Url(oldAdminSecret))
  const signerFor = (streamId: string) => (adminKey: string) =>
    adminSecretFor(ctx, serverId, streamId, adminKey) ?? oldAdminSecret
  const infoOf = (streamId: string) => () => keyring.streamInfo(serverId, streamId, true)
  keyring.rememberStreamInfo(
    await rotateServerStream(
      session.client,
      serverId,
      spineKeys(masterKey, serverId),
      signerFor(serverId),
      adminSecret,
      infoOf(serverId),
    ),
  )
  for (const channelId of state.channels.keys()) {
    keyring.rememberStreamInfo(
      await rotateServerStream(
        session.client,
        channelId,
        channelKeys(masterKey, channelId),
        signerFor(channelId),
        adminSecret,
        infoOf(channelId),
      ),
    )
  }
  // 5. Re-seal every active invite with the new keys.
  const keys = {
    epoch,
    epochs: { ...keyring.record(serverId)?.epochs, [String(epoch)]: toBase64Url(masterKey) },
    adminSecret: toBase64Url(adminSecret),
  }
  await resealInvites(ctx, serverId, keys, oldAdminSecret, adminSecret)
  // 6. The new epoch in the vault (the fold's effect saved it already; this merge is a no-op then).
  await saveServerKeys(ctx, serverId, keys)
  ctx.signals.emit('streamsChanged', { serverId })
  return true
}

/**
 * Finishes step 4 of a rotation whose author stopped after key_rotated (a crash, a lost
 * network): moves every stream still on an older epoch to the current epoch's keys. Racing
 * admins derive the same keys, so whoever is first wins and the others find nothing to do.
 */
export async function finishRotation(ctx: ServerContext, serverId: string): Promise<void> {
  const { session, keyring } = ctx
  const state = ctx.spine.state(serverId)
  const record = keyring.record(serverId)
  const adminSecret = keyring.adminSecret(serverId)
  if (!record || !adminSecret || record.epoch !== state.epoch) return
  for (const streamId of [serverId, ...state.channels.keys()]) {
    const info = await keyring.streamInfo(serverId, streamId, true)
    const current = keyring.keyVersions(serverId, streamId, info).at(-1)!
    if (current.epoch === state.epoch) continue
    const keys = keyring.streamKeys(serverId, streamId, state.epoch)!
    const signer = (adminKey: string) => {
      const secret = adminSecretFor(ctx, serverId, streamId, adminKey)
      if (!secret) throw new Error(`no admin secret on this device for stream ${streamId}`)
      return secret
    }
    keyring.rememberStreamInfo(
      await rotateServerStream(session.client, streamId, keys, signer, adminSecret, () =>
        keyring.streamInfo(serverId, streamId, true),
      ),
    )
  }
  ctx.signals.emit('streamsChanged', { serverId })
}

export async function leaveServer(ctx: ServerContext, serverId: string): Promise<void> {
  requireServer(ctx, serverId)
  await postEntry(ctx, serverId, () => ({ type: 'member_left' }))
  await dropServer(ctx, serverId, 'left')
}

/** Forgets a server this account no longer belongs to. */
export async function dropServer(
  ctx: ServerContext,
  serverId: string,
  reason: ApiEvents['serverRemoved']['reason'],
): Promise<void> {
  if (!ctx.keyring.record(serverId)) return
  await removeServerKeys(ctx, serverId)
  ctx.spine.forget(serverId)
  ctx.keyring.forgetServer(serverId)
  forgetInviteCodes(ctx, serverId)
  forgetAdminSecrets(ctx, serverId)
  ctx.signals.emit('serverDropped', { serverId })
  ctx.events.emit('serverRemoved', { serverId, reason })
}

export async function removeMember(ctx: ServerContext, serverId: string, userId: string) {
  requireServer(ctx, serverId)
  const epochBefore = ctx.spine.state(serverId).epoch
  // 1. member_removed (the fold checks who may remove whom).
  await postEntry(ctx, serverId, () => ({ type: 'member_removed', userId }))
  // 2-6. The rotation that locks them out.
  try {
    await ctx.rotate(serverId, epochBefore, 'due')
  } catch (error) {
    throw toParacordError(error)
  }
}

export async function setRole(
  ctx: ServerContext,
  serverId: string,
  userId: string,
  role: 'admin' | 'member',
) {
  requireServer(ctx, serverId)
  const epochBefore = ctx.spine.state(serverId).epoch
  await postEntry(ctx, serverId, () => ({ type: 'role_changed', userId, role }))
  try {
    await ctx.rotate(serverId, epochBefore, 'forced')
  } catch (error) {
    throw toParacordError(error)
  }
}

/** Posts profile_changed in every joined server where something changes. */
export async function updateProfile(
  ctx: ServerContext,
  change: { displayName?: string; status?: string },
): Promise<void> {
  if (change.displayName === undefined && change.status === undefined) return
  const failures: unknown[] = []
  for (const serverId of Object.keys(ctx.session.vault().servers)) {
    try {
      await postEntry(ctx, serverId, (state) => {
        const me = state.members.get(ctx.session.userId)
        if (!me) return null
        const displayName =
          change.displayName !== undefined && change.displayName !== me.displayName
            ? change.displayName
            : undefined
        const status =
          change.status !== undefined && change.status !== me.status ? change.status : undefined
        if (displayName === undefined && status === undefined) return null
        return { type: 'profile_changed', displayName, status }
      })
    } catch (error) {
      failures.push(error)
    }
  }
  if (failures.length > 0) throw toParacordError(failures[0])
}
