// Leaving, removing members, roles and profiles: commits to the server's group, each checked
// by every member against the roles (src/core/mls/rules.ts). A removal is cryptographic: the
// commit's new epoch is sealed to everyone but the removed user's devices.
import { ParacordError, type ApiEvents } from '../../shared/api'
import { isRemovedLeaf, mayChangeAdmins, mayRemove } from '../mls/rules'
import { roleOf } from '../mls/server-state'
import { forgetInviteCodes } from './invites'
import {
  commitChange,
  logPoster,
  removeServerFromVault,
  requireServer,
  type ServerContext,
} from './server-context'

/** Leaves: a request every member's client may commit; this device forgets the server now. */
export async function leaveServer(ctx: ServerContext, serverId: string): Promise<void> {
  const group = requireServer(ctx, serverId)
  if (group.state.ownerId === ctx.session.userId)
    throw new ParacordError('forbidden', 'The owner cannot leave the server.')
  await ctx.io.proposeLeave(serverId, logPoster(ctx, serverId))
  await dropServer(ctx, serverId, 'left')
}

/** Forgets a server this account no longer belongs to. */
export async function dropServer(
  ctx: ServerContext,
  serverId: string,
  reason: ApiEvents['serverRemoved']['reason'],
): Promise<void> {
  const known = ctx.io.has(serverId) || !!ctx.session.vault().servers[serverId]
  if (!known) return
  if (ctx.session.vault().servers[serverId]) await removeServerFromVault(ctx, serverId)
  ctx.io.forget(serverId)
  forgetInviteCodes(ctx, serverId)
  ctx.signals.emit('serverDropped', { serverId })
  ctx.events.emit('serverRemoved', { serverId, reason })
}

/**
 * Whether this device is out of the server: a commit it read took it out, or its user is marked
 * removed and it did not come back since (rules.ts), so its devices go with the next commit.
 */
export function isOutOfServer(ctx: ServerContext, serverId: string): boolean {
  const group = ctx.io.group(serverId)
  if (!group) return false
  if (ctx.io.removedHere(serverId)) return true
  const own = group.leaves().find((leaf) => leaf.leafIndex === group.ownLeafIndex())
  return own !== undefined && isRemovedLeaf(group.state, own)
}

/** Forgets the server if this device is out of it, after the log work in progress. */
export function dropIfRemoved(ctx: ServerContext, serverId: string): Promise<void> {
  return ctx.io.withLock(serverId, async () => {
    if (isOutOfServer(ctx, serverId)) await dropServer(ctx, serverId, 'removed')
  })
}

export async function removeMember(ctx: ServerContext, serverId: string, userId: string) {
  const group = requireServer(ctx, serverId)
  const by = roleOf(group.state, ctx.session.userId)
  const target = roleOf(group.state, userId)
  if (userId === ctx.session.userId)
    throw new ParacordError('invalid_input', 'Leave the server instead of removing yourself.')
  if (!group.userIds().includes(userId))
    throw new ParacordError('not_found', 'This person is not in the server.')
  if (!mayRemove(by, target))
    throw new ParacordError('forbidden', 'You may not remove this member.')
  // 1. Marked removed in the state.
  await markRemoved(ctx, serverId, userId)
  // 2. Their devices out of the group: the next epoch's keys reach everyone else only.
  await commitChange(ctx, serverId, (g) =>
    g.userIds().includes(userId) ? { removeUsers: [userId] } : null,
  )
}

/**
 * The first of a removal's two commits: marked removed in the state, their profile and role go,
 * and a rejoin needs a new invite. Should this client stop here, any member's upkeep does the
 * second.
 */
export async function markRemoved(ctx: ServerContext, serverId: string, userId: string) {
  await commitChange(ctx, serverId, (g) =>
    g.state.members[userId] || g.state.removed[userId] === undefined
      ? {
          state: (s) => {
            const members = { ...s.members }
            delete members[userId]
            return {
              ...s,
              members,
              admins: s.admins.filter((id) => id !== userId),
              removed: { ...s.removed, [userId]: g.epoch },
            }
          },
        }
      : null,
  )
}

export async function setRole(
  ctx: ServerContext,
  serverId: string,
  userId: string,
  role: 'admin' | 'member',
) {
  const group = requireServer(ctx, serverId)
  if (!mayChangeAdmins(roleOf(group.state, ctx.session.userId)))
    throw new ParacordError('forbidden', 'Only the owner can change roles.')
  if (group.state.ownerId === userId)
    throw new ParacordError('forbidden', 'The owner’s role cannot change.')
  if (!group.userIds().includes(userId))
    throw new ParacordError('not_found', 'This person is not in the server.')
  await commitChange(ctx, serverId, (g) => {
    const isAdmin = g.state.admins.includes(userId)
    if (isAdmin === (role === 'admin')) return null
    return {
      state: (s) => ({
        ...s,
        admins:
          role === 'admin' ? [...s.admins, userId].sort() : s.admins.filter((id) => id !== userId),
      }),
    }
  })
}

/** Publishes the account's new profile in every joined server where something changes. */
export async function updateProfile(
  ctx: ServerContext,
  change: { displayName?: string; status?: string },
): Promise<void> {
  if (change.displayName === undefined && change.status === undefined) return
  const failures: unknown[] = []
  const me = ctx.session.userId
  for (const serverId of Object.keys(ctx.session.vault().servers)) {
    if (!ctx.io.has(serverId)) continue
    try {
      await commitChange(ctx, serverId, (g) => {
        const profile = g.state.members[me]
        if (!profile) return null
        const next = {
          ...profile,
          ...(change.displayName === undefined ? {} : { displayName: change.displayName }),
          ...(change.status === undefined ? {} : { status: change.status }),
        }
        if (next.displayName === profile.displayName && next.status === profile.status) return null
        return { state: (s) => ({ ...s, members: { ...s.members, [me]: next } }) }
      })
    } catch (error) {
      failures.push(error)
    }
  }
  if (failures.length > 0) throw failures[0]
}

/** A fresh leaf for this device and a new epoch (the daily update and after a long lock). */
export async function refreshOwnLeaf(ctx: ServerContext, serverId: string): Promise<void> {
  await commitChange(ctx, serverId, () => ({}))
}
