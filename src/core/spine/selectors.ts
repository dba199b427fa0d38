// What views and the client core read from a folded spine.
import { authorityProblem } from './authority'
import type { Role, SpineBodyType, SpineState } from './types'

export function isMember(state: SpineState, userId: string): boolean {
  return state.members.has(userId)
}

export function roleOf(state: SpineState, userId: string): Role | null {
  return state.members.get(userId)?.role ?? null
}

/** Members may post; with a channel, it must also exist and be a text channel. */
export function canPost(state: SpineState, userId: string, channelId?: string): boolean {
  if (!isMember(state, userId)) return false
  if (channelId === undefined) return true
  return state.channels.get(channelId)?.kind === 'text'
}

export type AuthorityCheck =
  { readonly allowed: true } | { readonly allowed: false; readonly reason: string }

/**
 * Whether `userId` may write an entry of `type` now, and if not why (for a disabled control's
 * tooltip). For role_changed and member_removed, pass the target to check it too.
 */
export function authorityCheck(
  state: SpineState,
  userId: string,
  type: SpineBodyType,
  targetUserId?: string,
): AuthorityCheck {
  const reason = authorityProblem(state, userId, type, targetUserId)
  return reason === null ? { allowed: true } : { allowed: false, reason }
}

export function hasAuthority(
  state: SpineState,
  userId: string,
  type: SpineBodyType,
  targetUserId?: string,
): boolean {
  return authorityProblem(state, userId, type, targetUserId) === null
}
