// What the UI sees of a server: plain data built from the server view, the account's own role
// and what it may do (server-view.ts), and the peer directory's pins.
import type {
  ChannelInfo,
  InviteInfo,
  MemberInfo,
  Role,
  ServerDetails,
  ServerSummary,
} from '../../shared/api'
import { safetyCode } from './group-view'
import { inviteAppLink, inviteLink } from '../../shared/invite-link'
import type { ServerContext } from './server-context'
import { permissionsOf, type ServerView } from './server-view'

const ROLE_ORDER: Readonly<Record<Role, number>> = { owner: 0, admin: 1, member: 2 }

export function channelInfos(ctx: ServerContext, serverId: string, view: ServerView) {
  const channels: ChannelInfo[] = []
  for (const [id, channel] of view.channels) {
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

export function memberInfos(ctx: ServerContext, serverId: string, view: ServerView): MemberInfo[] {
  // The view keeps no join record; the group's own state does, for every member.
  const profiles = ctx.io.group(serverId)?.state.members
  const members: MemberInfo[] = []
  for (const [userId, member] of view.members) {
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

export function serverSummary(ctx: ServerContext, serverId: string): ServerSummary {
  const view = ctx.io.view(serverId)
  const unread = channelInfos(ctx, serverId, view).reduce((sum, c) => sum + c.unread, 0)
  return {
    id: serverId,
    name: view.name,
    myRole: view.members.get(ctx.session.userId)?.role ?? 'member',
    unread,
  }
}

export function serverDetails(ctx: ServerContext, serverId: string): ServerDetails {
  const view = ctx.io.view(serverId)
  const group = ctx.io.group(serverId)
  const channels = channelInfos(ctx, serverId, view)
  return {
    id: serverId,
    name: view.name,
    myRole: view.members.get(ctx.session.userId)?.role ?? 'member',
    unread: channels.reduce((sum, c) => sum + c.unread, 0),
    channels,
    members: memberInfos(ctx, serverId, view),
    permissions: permissionsOf(view, ctx.session.userId),
    epoch: view.epoch,
    safetyCode: group ? safetyCode(group) : '',
    // A profile not committed yet belongs to a join in progress: a join after the founding.
    joinedEpoch: group ? (group.state.members[ctx.session.userId]?.joinedEpoch ?? group.epoch) : 0,
  }
}

export function inviteInfo(
  view: ServerView,
  inviteId: string,
  code: string | null,
  server: string | null,
): InviteInfo | null {
  const invite = view.invites.get(inviteId)
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
