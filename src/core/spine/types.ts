// The spine's data: the signed entries that travel (encrypted) in the server's permanent
// stream, and the state every member folds them into. Entries arrive from the network, so
// these types describe what a *valid* entry looks like; shape.ts checks that at run time.

export const SPINE_VERSION = 1

export type ChannelKind = 'text' | 'voice'
/** Roles a member can hold; `owner` only ever comes from genesis. */
export type Role = 'owner' | 'admin' | 'member'
/** Roles `role_changed` may grant: ownership cannot be given or taken. */
export type AssignableRole = Exclude<Role, 'owner'>

export interface GenesisBody {
  readonly type: 'genesis'
  readonly serverId: string
  readonly name: string
  readonly epoch: 1
  /** The founder's own profile and sealing key, as member_joined carries for everyone else. */
  readonly displayName: string
  readonly boxKey: string
}
export interface ChannelCreatedBody {
  readonly type: 'channel_created'
  readonly channelId: string
  readonly name: string
  readonly kind: ChannelKind
  readonly burnSeconds: number
}
export interface ChannelChangedBody {
  readonly type: 'channel_changed'
  readonly channelId: string
  readonly name?: string
  readonly burnSeconds?: number
}
export interface ChannelDeletedBody {
  readonly type: 'channel_deleted'
  readonly channelId: string
}
export interface ServerRenamedBody {
  readonly type: 'server_renamed'
  readonly name: string
}
export interface InviteCreatedBody {
  readonly type: 'invite_created'
  readonly inviteId: string
  /** null: unlimited joins. */
  readonly maxUses: number | null
  /** ms since the epoch; null: never expires. */
  readonly expiresAt: number | null
}
export interface InviteRevokedBody {
  readonly type: 'invite_revoked'
  readonly inviteId: string
}
export interface MemberJoinedBody {
  readonly type: 'member_joined'
  readonly inviteId: string
  readonly displayName: string
  /** The joiner's X25519 public key, which key rotations seal new keys to. */
  readonly boxKey: string
}
export interface MemberLeftBody {
  readonly type: 'member_left'
}
export interface ProfileChangedBody {
  readonly type: 'profile_changed'
  readonly displayName?: string
  readonly status?: string
}
export interface RoleChangedBody {
  readonly type: 'role_changed'
  readonly userId: string
  readonly role: AssignableRole
}
export interface MemberRemovedBody {
  readonly type: 'member_removed'
  readonly userId: string
}
export interface KeyRotatedBody {
  readonly type: 'key_rotated'
  readonly epoch: number
  /** userId → the new keys sealed to that member's boxKey; opaque to the spine. */
  readonly envelopes: Readonly<Record<string, string>>
}

export type SpineBody =
  | GenesisBody
  | ChannelCreatedBody
  | ChannelChangedBody
  | ChannelDeletedBody
  | ServerRenamedBody
  | InviteCreatedBody
  | InviteRevokedBody
  | MemberJoinedBody
  | MemberLeftBody
  | ProfileChangedBody
  | RoleChangedBody
  | MemberRemovedBody
  | KeyRotatedBody

export type SpineBodyType = SpineBody['type']

export interface SpineEntry {
  readonly v: typeof SPINE_VERSION
  /** base64url BLAKE2b-256 of the previous accepted entry's canonical bytes; null for genesis. */
  readonly prev: string | null
  /** ms since the epoch, by the author's clock. */
  readonly at: number
  /** The author's user id. */
  readonly author: string
  /** The author's Ed25519 identity public key, base64url. */
  readonly authorKey: string
  readonly body: SpineBody
  /** Ed25519 signature over the entry's signing bytes, base64url. */
  readonly sig: string
}

export interface Member {
  readonly role: Role
  readonly displayName: string
  readonly status: string
  /** The Ed25519 key pinned when the member joined; every later entry must carry it. */
  readonly signKey: string
  readonly boxKey: string
  readonly joinedAt: number
}

export interface Channel {
  readonly name: string
  readonly kind: ChannelKind
  readonly burnSeconds: number
}

export interface Invite {
  readonly maxUses: number | null
  /** Accepted joins through this invite. */
  readonly uses: number
  readonly expiresAt: number | null
  readonly revoked: boolean
  readonly createdBy: string
  readonly createdAt: number
  /** Position of the invite_created entry in the spine (0 = genesis). */
  readonly position: number
}

export interface Removal {
  readonly removedBy: string
  readonly at: number
  /** Position of the member_removed entry in the spine. */
  readonly position: number
}

export interface SpineState {
  /** null until a genesis is accepted. */
  readonly serverId: string | null
  readonly name: string
  /** Key epoch: 1 at genesis, +1 per key rotation; 0 before genesis. */
  readonly epoch: number
  readonly ownerId: string | null
  readonly members: ReadonlyMap<string, Member>
  readonly channels: ReadonlyMap<string, Channel>
  readonly invites: ReadonlyMap<string, Invite>
  /** Users removed by an admin and not rejoined since. */
  readonly removed: ReadonlyMap<string, Removal>
  /** A member left or was removed and no key rotation has followed yet. */
  readonly rotationDue: boolean
  readonly headHash: string | null
  readonly headAt: number | null
  /** Number of accepted entries. */
  readonly length: number
}

export interface SpineRejection {
  /** Index into the `entries` argument of the foldSpine call that rejected it. */
  readonly index: number
  readonly entry: SpineEntry
  readonly reason: string
}

export interface SpineAuthor {
  readonly userId: string
  readonly signKey: { readonly publicKey: Uint8Array; readonly privateKey: Uint8Array }
}
