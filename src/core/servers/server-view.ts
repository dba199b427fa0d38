// The server as the client shows and checks it: who is in the group now, the channels in their
// order, the invites with joins in progress counted. group-view.ts builds it from the MLS group
// after every commit; the views, messages and voice read it. What a role may do comes from the
// rules every member applies to commits (mls/rules.ts), so a control is offered exactly when
// the change it makes would be taken.
import type { Permissions } from '../../shared/api'
import { mayChangeAdmins, mayManageServer, mayRemove } from '../mls/rules'
import type { ChannelKind, Role } from '../mls/server-state'

export interface MemberView {
  readonly role: Role
  readonly displayName: string
  readonly status: string
  /** The Ed25519 identity key the member's devices carry; what they sign with is checked by it. */
  readonly identityKey: string
}

export interface ChannelView {
  readonly name: string
  readonly kind: ChannelKind
  readonly burnSeconds: number
}

export interface InviteView {
  /** null: unlimited. */
  readonly maxUses: number | null
  /** Joins through it, those whose profile is not in the state yet included. */
  readonly uses: number
  /** ms since the epoch, by the creator's clock; null: never expires. */
  readonly expiresAt: number | null
  readonly revoked: boolean
}

export interface ServerView {
  /** null for a server this device is not in. */
  readonly serverId: string | null
  readonly name: string
  /** The key epoch the server's streams are on; 0 for a server this device is not in. */
  readonly epoch: number
  /** Users with a device in the group now. */
  readonly members: ReadonlyMap<string, MemberView>
  /** In the order they are listed. */
  readonly channels: ReadonlyMap<string, ChannelView>
  readonly invites: ReadonlyMap<string, InviteView>
}

/** The view of a server this device is not in: no members, so nobody may do anything. */
export const EMPTY_SERVER_VIEW: ServerView = Object.freeze({
  serverId: null,
  name: '',
  epoch: 0,
  members: new Map<string, MemberView>(),
  channels: new Map<string, ChannelView>(),
  invites: new Map<string, InviteView>(),
})

export function isMember(view: ServerView, userId: string): boolean {
  return view.members.has(userId)
}

/** Members may post; with a channel, it must also exist and be a text channel. */
export function canPost(view: ServerView, userId: string, channelId?: string): boolean {
  if (!isMember(view, userId)) return false
  if (channelId === undefined) return true
  return view.channels.get(channelId)?.kind === 'text'
}

/** Which controls `userId` is offered: what the rules would let them change. */
export function permissionsOf(view: ServerView, userId: string): Permissions {
  const role = view.members.get(userId)?.role
  return {
    canPost: canPost(view, userId),
    canManageChannels: role !== undefined && mayManageServer(role),
    canInvite: role !== undefined && mayManageServer(role),
    canRemoveMembers: role !== undefined && mayRemove(role, 'member'),
    canChangeRoles: role !== undefined && mayChangeAdmins(role),
  }
}
