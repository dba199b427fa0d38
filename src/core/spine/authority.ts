// Who may write which entry. One table, used both by the fold (to reject) and by the UI
// through hasAuthority (to disable a control and say why).
//
// | entry              | owner | admin | member | notes                                               |
// |--------------------|-------|-------|--------|-----------------------------------------------------|
// | genesis            |  (founder)             | only as the first entry; its author becomes owner   |
// | channel_created    |  yes  |  yes  |   no   |                                                     |
// | channel_changed    |  yes  |  yes  |   no   |                                                     |
// | channel_deleted    |  yes  |  yes  |   no   |                                                     |
// | server_renamed     |  yes  |  yes  |   no   |                                                     |
// | invite_created     |  yes  |  yes  |   no   |                                                     |
// | invite_revoked     |  yes  |  yes  |   no   | any admin may revoke any invite                     |
// | member_joined      |  (a non-member)        | with a usable invite (see rules.ts)                 |
// | member_left        |   no  |  yes  |  yes   | the owner cannot leave: ownership has no hand-over  |
// | profile_changed    |  yes  |  yes  |  yes   | own profile only (the author is the subject)        |
// | role_changed       |  yes  |   no  |   no   | not on the owner; only admin ↔ member               |
// | member_removed     |  yes  |  yes  |   no   | never the owner, never oneself; an admin only by    |
// |                    |       |       |        | the owner                                           |
// | key_rotated        |  yes  |  yes  |   no   | at any time; due after a member left or was removed |
// |                    |       |       |        | (rotating the streams needs the admin secret)       |
import type { Role, SpineBodyType, SpineState } from './types'

type MemberAction = Exclude<SpineBodyType, 'genesis' | 'member_joined'>

const WHO_MAY: { readonly [T in MemberAction]: readonly Role[] } = {
  channel_created: ['owner', 'admin'],
  channel_changed: ['owner', 'admin'],
  channel_deleted: ['owner', 'admin'],
  server_renamed: ['owner', 'admin'],
  invite_created: ['owner', 'admin'],
  invite_revoked: ['owner', 'admin'],
  member_left: ['admin', 'member'],
  profile_changed: ['owner', 'admin', 'member'],
  role_changed: ['owner'],
  member_removed: ['owner', 'admin'],
  key_rotated: ['owner', 'admin'],
}

const ACTION_NAMES: { readonly [T in MemberAction]: string } = {
  channel_created: 'create channels',
  channel_changed: 'change channels',
  channel_deleted: 'delete channels',
  server_renamed: 'rename the server',
  invite_created: 'create invites',
  invite_revoked: 'revoke invites',
  member_left: 'leave',
  profile_changed: 'change their profile',
  role_changed: 'change roles',
  member_removed: 'remove members',
  key_rotated: 'rotate keys',
}

/** Why `userId` is not a member, in words a person can act on. */
export function notMemberReason(state: SpineState, userId: string): string {
  return state.removed.has(userId)
    ? `${userId} was removed from this server`
    : `${userId} is not a member of this server`
}

/**
 * Why `userId` may not write an entry of `type` (on `targetUserId`, for role_changed and
 * member_removed), or null when they may. Without a target only the role is checked.
 */
export function authorityProblem(
  state: SpineState,
  userId: string,
  type: SpineBodyType,
  targetUserId?: string,
): string | null {
  if (type === 'genesis') return state.length === 0 ? null : 'the server already has a genesis'
  if (state.length === 0) return 'the server has no genesis yet'
  const actor = state.members.get(userId)
  if (type === 'member_joined') return actor ? `${userId} is already a member` : null
  if (!actor) return notMemberReason(state, userId)

  // 1. The role table.
  if (!WHO_MAY[type].includes(actor.role)) return roleReason(type, actor.role)

  // 2. The target, where the entry has one.
  if (targetUserId === undefined) return null
  if (type === 'role_changed' || type === 'member_removed') {
    const target = state.members.get(targetUserId)
    if (!target) return notMemberReason(state, targetUserId)
    if (target.role === 'owner')
      return type === 'role_changed'
        ? "the owner's role cannot be changed"
        : 'the owner cannot be removed'
    if (type === 'member_removed' && targetUserId === userId)
      return 'members cannot remove themselves; they leave instead'
    if (type === 'member_removed' && target.role === 'admin' && actor.role !== 'owner')
      return 'only the owner can remove an admin'
  }
  return null
}

function roleReason(type: MemberAction, role: Role): string {
  if (type === 'member_left') return 'the owner cannot leave the server'
  const who = WHO_MAY[type].includes('admin') ? 'the owner or an admin' : 'the owner'
  return `only ${who} can ${ACTION_NAMES[type]} (this user is ${role === 'admin' ? 'an admin' : 'a member'})`
}
