// Whether an entry fits the state it is appended to, beyond who wrote it (authority.ts):
// the things it names must exist (or must not yet), invites must be usable, epochs must
// follow on. Returns a human reason, or null when the entry fits.
import type { KeyRotatedBody, MemberJoinedBody, SpineEntry, SpineState } from './types'

export function stateProblem(state: SpineState, entry: SpineEntry): string | null {
  const body = entry.body
  switch (body.type) {
    case 'channel_created':
      return state.channels.has(body.channelId) ? `channel ${body.channelId} already exists` : null
    case 'channel_changed':
    case 'channel_deleted':
      return state.channels.has(body.channelId) ? null : `channel ${body.channelId} does not exist`
    case 'invite_created':
      if (state.invites.has(body.inviteId)) return `invite ${body.inviteId} already exists`
      if (body.expiresAt !== null && body.expiresAt <= entry.at)
        return 'the invite would expire before it is created'
      return null
    case 'invite_revoked': {
      const invite = state.invites.get(body.inviteId)
      if (!invite) return `invite ${body.inviteId} does not exist`
      return invite.revoked ? `invite ${body.inviteId} is already revoked` : null
    }
    case 'member_joined':
      return joinProblem(state, entry, body)
    case 'role_changed':
      return state.members.get(body.userId)?.role === body.role
        ? `${body.userId} already has the role ${body.role}`
        : null
    case 'key_rotated':
      return rotationProblem(state, body)
    case 'genesis':
    case 'server_renamed':
    case 'member_left':
    case 'profile_changed':
    case 'member_removed':
      return null
  }
}

// Joining by invite, in order:
// 1. the invite exists and is not revoked;
// 2. it has not expired at the entry's `at`;
// 3. it has uses left (accepted joins are counted);
// 4. a removed user needs an invite created after their removal, so an old invite they
//    kept cannot bring them back.
function joinProblem(state: SpineState, entry: SpineEntry, body: MemberJoinedBody): string | null {
  const invite = state.invites.get(body.inviteId)
  if (!invite) return `invite ${body.inviteId} does not exist`
  if (invite.revoked) return `invite ${body.inviteId} was revoked`
  if (invite.expiresAt !== null && entry.at >= invite.expiresAt)
    return `invite ${body.inviteId} had expired`
  if (invite.maxUses !== null && invite.uses >= invite.maxUses)
    return `invite ${body.inviteId} has no uses left`
  const removal = state.removed.get(entry.author)
  if (removal && invite.position < removal.position)
    return `${entry.author} was removed; rejoining needs an invite created after the removal`
  return null
}

function rotationProblem(state: SpineState, body: KeyRotatedBody): string | null {
  if (body.epoch !== state.epoch + 1)
    return `key rotation must move to epoch ${state.epoch + 1}, not ${body.epoch}`
  const sealedTo = Object.keys(body.envelopes)
  const missing = [...state.members.keys()].filter(
    (userId) => !Object.hasOwn(body.envelopes, userId),
  )
  const extra = sealedTo.filter((userId) => !state.members.has(userId))
  if (missing.length > 0) return `key rotation leaves out members: ${missing.join(', ')}`
  if (extra.length > 0) return `key rotation seals keys to non-members: ${extra.join(', ')}`
  return null
}
