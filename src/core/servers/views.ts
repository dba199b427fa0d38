// What the UI sees of a server: plain data built from the group's state, the account's own
// role, the selectors' authority rules and the peer directory's pins.
import type {
  ChannelInfo,
  InviteInfo,
  MemberInfo,
  Permissions,
  Role,
  ServerDetails,
  ServerSummary,
} from '../../shared/api'
import { canPost, hasAuthority, type SpineState } from '../spine'
import { safetyCode } from './group-view'
import { inviteAppLink, inviteLink } from '../../shared/invite-link'
import type { ServerContext } from './server-context'

const ROLE_ORDER: Readonly<Record<Role, number>> = { owner: 0, admin: 1, member: 2 }

export function channelInfos(ctx: ServerContext, serverId: string, state: SpineState) {
  const channels: ChannelInfo[] = []
  for (const [id, channel] of state.channels) {
    channels.push({
      id,
      serverId,
      name: channel.name,
      kind: channel.kind,
      burnSeconds: channel.burnSeconds,
      unread: channel.kind === 'text' ? ctx.unread(serverId, id) : 0,
    })
  }
  return channels
}

export function memberInfos(ctx: ServerContext, serverId: string, state: SpineState): MemberInfo[] {
  // The spine view keeps no join record; the group's own state does, for every member.
  const profiles = ctx.io.group(serverId)?.state.members
  const members: MemberInfo[] = []
  for (const [userId, member] of state.members) {
    members.push({
      userId,
      displayName: member.displayName,
      status: member.status,
      role: member.role,
      keyChanged: userId !== ctx.session.userId && ctx.peers.isChanged(userId),
      joinedVia: profiles?.[userId]?.joinedVia ?? null,
    })
  }
  return members.sort(
    (a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.displayName.localeCompare(b.displayName),
  )
}

export function permissionsOf(state: SpineState, userId: string): Permissions {
  return {
    canPost: canPost(state, userId),
    canManageChannels: hasAuthority(state, userId, 'channel_created'),
    canInvite: hasAuthority(state, userId, 'invite_created'),
    canRemoveMembers: hasAuthority(state, userId, 'member_removed'),
    canChangeRoles: hasAuthority(state, userId, 'role_changed'),
  }
}

export function serverSummary(ctx: ServerContext, serverId: string): ServerSummary {
  const state = ctx.io.state(serverId)
  const unread = channelInfos(ctx, serverId, state).reduce((sum, c) => sum + c.unread, 0)
  return {
    id: serverId,
    name: state.name,
    myRole: state.members.get(ctx.session.userId)?.role ?? 'member',
    unread,
  }
}

export function serverDetails(ctx: ServerContext, serverId: string): ServerDetails {
  const state = ctx.io.state(serverId)
  const group = ctx.io.group(serverId)
  const channels = channelInfos(ctx, serverId, state)
  return {
    id: serverId,
    name: state.name,
    myRole: state.members.get(ctx.session.userId)?.role ?? 'member',
    unread: channels.reduce((sum, c) => sum + c.unread, 0),
    channels,
    members: memberInfos(ctx, serverId, state),
    permissions: permissionsOf(state, ctx.session.userId),
    epoch: state.epoch,
    safetyCode: group ? safetyCode(group) : '',
    // A profile not committed yet belongs to a join in progress: a join after the founding.
    joinedEpoch: group ? (group.state.members[ctx.session.userId]?.joinedEpoch ?? group.epoch) : 0,
  }
}

export function inviteInfo(
  state: SpineState,
  inviteId: string,
  code: string | null,
  server: string | null,
): InviteInfo | null {
  const invite = state.invites.get(inviteId)
  if (!invite) return null
  return {
    id: inviteId,
    code: code ?? '',
    link: code ? (server === null ? inviteAppLink(code, null) : inviteLink(code, server)) : '',
    server,
    maxUses: invite.maxUses,
    uses: invite.uses,
    expiresAt: invite.expiresAt,
    revoked: invite.revoked,
  }
}
