// The server view (server-view.ts) built from the MLS group's authenticated state and its
// leaves (who is in the group right now), and the safety code.
import type { ServerGroup } from '../mls/group'
import { pendingJoins } from '../mls/rules'
import { roleOf } from '../mls/server-state'
import { keyEpochOf } from './group-store'
import type { ChannelView, InviteView, MemberView, ServerView } from './server-view'

/** Shown for a joiner whose profile is not in the state yet (a moment after their join). */
export const NEW_MEMBER_NAME = 'New member'

export function viewOf(group: ServerGroup): ServerView {
  const state = group.state
  const leaves = group.leaves()
  const members = new Map<string, MemberView>()
  for (const leaf of leaves) {
    if (members.has(leaf.userId)) continue
    const profile = state.members[leaf.userId]
    members.set(leaf.userId, {
      role: roleOf(state, leaf.userId),
      displayName: profile?.displayName ?? NEW_MEMBER_NAME,
      status: profile?.status ?? '',
      identityKey: leaf.identityKey,
    })
  }
  const channels = new Map<string, ChannelView>(
    Object.entries(state.channels).sort(([, a], [, b]) => a.position - b.position),
  )
  const invites = new Map<string, InviteView>()
  for (const [id, invite] of Object.entries(state.invites))
    invites.set(id, {
      maxUses: invite.maxUses,
      uses: invite.uses + pendingJoins({ state, leaves }, id),
      expiresAt: invite.expiresAt,
      revoked: invite.revoked,
    })
  return {
    serverId: group.groupId,
    name: state.name,
    epoch: keyEpochOf(group.epoch),
    members,
    channels,
    invites,
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
