// Applying an accepted entry to the fold's draft. Only called after every check passed, so
// it trusts the entry; records are replaced, never mutated (they are shared with prior states).
import type { SpineDraft } from './state'
import type { Member, SpineEntry } from './types'

export function applyEntry(draft: SpineDraft, entry: SpineEntry, hash: string): void {
  const body = entry.body
  const position = draft.length
  switch (body.type) {
    case 'genesis':
      draft.serverId = body.serverId
      draft.name = body.name
      draft.epoch = body.epoch
      draft.ownerId = entry.author
      draft.members.set(entry.author, newMember(entry, 'owner', body.displayName, body.boxKey))
      break
    case 'channel_created':
      draft.channels.set(
        body.channelId,
        Object.freeze({ name: body.name, kind: body.kind, burnSeconds: body.burnSeconds }),
      )
      break
    case 'channel_changed': {
      const channel = draft.channels.get(body.channelId)!
      draft.channels.set(
        body.channelId,
        Object.freeze({
          ...channel,
          name: body.name ?? channel.name,
          burnSeconds: body.burnSeconds ?? channel.burnSeconds,
        }),
      )
      break
    }
    case 'channel_deleted':
      draft.channels.delete(body.channelId)
      break
    case 'server_renamed':
      draft.name = body.name
      break
    case 'invite_created':
      draft.invites.set(
        body.inviteId,
        Object.freeze({
          maxUses: body.maxUses,
          uses: 0,
          expiresAt: body.expiresAt,
          revoked: false,
          createdBy: entry.author,
          createdAt: entry.at,
          position,
        }),
      )
      break
    case 'invite_revoked': {
      const invite = draft.invites.get(body.inviteId)!
      draft.invites.set(body.inviteId, Object.freeze({ ...invite, revoked: true }))
      break
    }
    case 'member_joined': {
      const invite = draft.invites.get(body.inviteId)!
      draft.invites.set(body.inviteId, Object.freeze({ ...invite, uses: invite.uses + 1 }))
      draft.members.set(entry.author, newMember(entry, 'member', body.displayName, body.boxKey))
      draft.removed.delete(entry.author)
      break
    }
    case 'member_left':
      draft.members.delete(entry.author)
      draft.rotationDue = true
      break
    case 'profile_changed': {
      const member = draft.members.get(entry.author)!
      draft.members.set(
        entry.author,
        Object.freeze({
          ...member,
          displayName: body.displayName ?? member.displayName,
          status: body.status ?? member.status,
        }),
      )
      break
    }
    case 'role_changed': {
      const member = draft.members.get(body.userId)!
      draft.members.set(body.userId, Object.freeze({ ...member, role: body.role }))
      break
    }
    case 'member_removed':
      draft.members.delete(body.userId)
      draft.removed.set(
        body.userId,
        Object.freeze({ removedBy: entry.author, at: entry.at, position }),
      )
      draft.rotationDue = true
      break
    case 'key_rotated':
      draft.epoch = body.epoch
      draft.rotationDue = false
      break
  }
  draft.headHash = hash
  draft.headAt = entry.at
  draft.length = position + 1
}

function newMember(
  entry: SpineEntry,
  role: Member['role'],
  displayName: string,
  boxKey: string,
): Member {
  return Object.freeze({
    role,
    displayName,
    status: '',
    signKey: entry.authorKey,
    boxKey,
    joinedAt: entry.at,
  })
}
