// The server as views, messages and voice read it: built from the MLS group's authenticated
// state and its leaves (who is in the group right now), in the shape the views already use.
import { toBase64Url } from '../../shared/encoding'
import type { ServerGroup } from '../mls/group'
import { pendingJoins } from '../mls/rules'
import { roleOf } from '../mls/server-state'
import type { Channel, Invite, Member, Removal, SpineState } from '../spine'
import { keyEpochOf } from './group-store'

/** Shown for a joiner whose profile is not in the state yet (a moment after their join). */
export const NEW_MEMBER_NAME = 'New member'

export function viewOf(group: ServerGroup): SpineState {
  const state = group.state
  const leaves = group.leaves()
  const view = { state, leaves }
  const members = new Map<string, Member>()
  for (const leaf of leaves) {
    if (members.has(leaf.userId)) continue
    const profile = state.members[leaf.userId]
    members.set(leaf.userId, {
      role: roleOf(state, leaf.userId),
      displayName: profile?.displayName ?? NEW_MEMBER_NAME,
      status: profile?.status ?? '',
      signKey: leaf.identityKey,
      boxKey: profile?.boxKey ?? '',
      joinedAt: profile?.joinedEpoch ?? group.epoch,
    })
  }
  const channels = new Map<string, Channel>(
    Object.entries(state.channels).sort(([, a], [, b]) => a.position - b.position),
  )
  const invites = new Map<string, Invite>()
  for (const [id, invite] of Object.entries(state.invites))
    invites.set(id, {
      maxUses: invite.maxUses,
      uses: invite.uses + pendingJoins(view, id),
      expiresAt: invite.expiresAt,
      revoked: invite.revoked,
      createdBy: invite.createdBy,
      createdAt: 0,
      position: invite.createdEpoch,
    })
  const removed = new Map<string, Removal>()
  for (const [id, epoch] of Object.entries(state.removed))
    removed.set(id, { removedBy: '', at: 0, position: epoch })
  return {
    serverId: group.groupId,
    name: state.name,
    epoch: keyEpochOf(group.epoch),
    ownerId: state.ownerId,
    members,
    channels,
    invites,
    removed,
    rotationDue: false,
    headHash: toBase64Url(group.epochAuthenticator()),
    headAt: null,
    length: group.epoch + 1,
  }
}

/**
 * A short code from the epoch authenticator. Two members who read the same code see the same
 * server: the same members, roles, channels and keys (RFC 9420, section 8.7).
 */
export function safetyCode(group: ServerGroup): string {
  const bytes = group.epochAuthenticator()
  const groups: string[] = []
  for (let i = 0; i < 6; i++) {
    let value = 0
    for (let j = 0; j < 5; j++) value = (value * 256 + bytes[i * 5 + j]!) % 100000
    groups.push(String(value).padStart(5, '0'))
  }
  return groups.join(' ')
}
