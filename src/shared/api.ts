// ParacordApi: the one contract between the user interface and the client core. The core
// implements it; the preload exposes exactly it; the Electron shell and the web bridge register
// one handler per method from API_METHODS. Inputs are schemas (validated at every boundary);
// outputs are plain data. No key and no ciphertext ever crosses it.
import { Type, type Static, type TSchema } from 'typebox'
import { NAME_TEXT_PATTERN } from './name-text'

// --- values ------------------------------------------------------------------------------------

const Id = Type.String({ pattern: '^[A-Za-z0-9_-]{16,64}$' })
const LoginName = Type.String({ minLength: 3, maxLength: 32, pattern: '^[A-Za-z0-9._-]+$' })
const Password = Type.String({ minLength: 1, maxLength: 1024 })
/** The longest server, channel or display name, in characters (Unicode code points). */
export const NAME_MAX_CHARS = 64
// Names and statuses are single lines with nothing that disguises them: no control, direction
// or invisible format characters (name-text.ts; the group's commit rules refuse the same).
const DisplayName = Type.String({
  minLength: 1,
  maxLength: NAME_MAX_CHARS,
  pattern: NAME_TEXT_PATTERN,
})
const Status = Type.String({ maxLength: 128, pattern: NAME_TEXT_PATTERN })
const Name = Type.String({ minLength: 1, maxLength: NAME_MAX_CHARS, pattern: NAME_TEXT_PATTERN })
/** 5 seconds to 14 days. */
export const BURN_SECONDS_MIN = 5
export const BURN_SECONDS_MAX = 14 * 24 * 3600
const BurnSeconds = Type.Integer({ minimum: BURN_SECONDS_MIN, maximum: BURN_SECONDS_MAX })
const MessageText = Type.String({ minLength: 1, maxLength: 4000 })
/** One simple-peer signal (SDP or ICE candidate) as JSON; opaque to the core. */
export const VOICE_SIGNAL_MAX_CHARS = 16_384
const VoiceSignal = Type.String({ minLength: 2, maxLength: VOICE_SIGNAL_MAX_CHARS })
const ChannelKind = Type.Union([Type.Literal('text'), Type.Literal('voice')])

export type ChannelKind = Static<typeof ChannelKind>
export type Role = 'owner' | 'admin' | 'member'

export type AuthStatus = 'signed_out' | 'locked' | 'unlocked'

export interface AuthState {
  readonly status: AuthStatus
  /** The account's login name when locked or unlocked. */
  readonly name: string | null
  readonly userId: string | null
}

/**
 * Where an account lives: the server this app runs on this computer (its port may change from
 * run to run, so only the choice is kept), or a paracord server at an address.
 */
export type BackendChoice =
  { readonly kind: 'this_computer' } | { readonly kind: 'address'; readonly url: string }

/** Why a chosen server cannot be used; `message` says it in words a person can act on. */
export type BackendProblem =
  /** Not an address (or not http/https). */
  | 'invalid_address'
  /** Plain http:// to another machine. */
  | 'insecure'
  | 'unreachable'
  /** Something answered, but not a paracord server. */
  | 'not_paracord'
  /** A paracord server speaking another protocol version. */
  | 'wrong_version'
  /** "This computer" while this app runs no server of its own. */
  | 'unavailable'

export type BackendCheck =
  | { readonly ok: true; readonly backend: BackendChoice }
  | { readonly ok: false; readonly problem: BackendProblem; readonly message: string }

export interface AccountBackend {
  readonly name: string
  readonly backend: BackendChoice
  /** The account that is open now, or locked and waiting for its password. */
  readonly current: boolean
}

export interface BackendOptions {
  /** This app runs a server of its own, offered as "This computer". */
  readonly thisComputer: boolean
  /** What the sign-in screens start with. */
  readonly suggested: BackendChoice
  /** Every account kept on this device, and the server each lives on. */
  readonly accounts: readonly AccountBackend[]
}

export interface Profile {
  readonly userId: string
  readonly name: string
  readonly displayName: string
  readonly status: string
}

export interface Settings {
  /** Minutes of inactivity before the app locks; 0 = never. */
  readonly autoLockMinutes: number
  /** Force calls through the TURN relay so peers never learn each other's IP. */
  readonly alwaysRelayCalls: boolean
  /** Show message text in notifications. */
  readonly notificationPreviews: boolean
  readonly theme: 'dark' | 'light'
  /**
   * By server id, the answer to "call directly?", asked when relaying is on and the server
   * offers no relay: true calls there without one (peers see each other's IP address), false
   * does not. A server not listed is asked at its next call; absent in vaults from before.
   */
  readonly directCalls?: Readonly<Record<string, boolean>>
}

export interface ServerSummary {
  readonly id: string
  readonly name: string
  readonly myRole: Role
  readonly unread: number
}

export interface ChannelInfo {
  readonly id: string
  readonly serverId: string
  readonly name: string
  readonly kind: ChannelKind
  readonly burnSeconds: number
  readonly unread: number
}

export interface MemberInfo {
  readonly userId: string
  readonly displayName: string
  readonly status: string
  readonly role: Role
  /** The member's identity key differs from the one pinned on first sight. */
  readonly keyChanged: boolean
  /** The id of the invite the member joined with (an `InviteInfo.id`); null for the founder. */
  readonly joinedVia: string | null
}

export interface InviteInfo {
  readonly id: string
  /** What a person types or pastes; carries a secret the backend never sees. Empty when this device did not make the invite. */
  readonly code: string
  /**
   * What to send: `https://HOST/invite#CODE`, naming the server, when the account's server has an
   * address others reach; else `paracord://invite/CODE`. Empty like `code`.
   */
  readonly link: string
  /** The server address the link names; null for the server this computer runs. */
  readonly server: string | null
  readonly maxUses: number | null
  readonly uses: number
  readonly expiresAt: number | null
  readonly revoked: boolean
}

/** What a user without the authority is told when a control is disabled. */
export interface Permissions {
  readonly canPost: boolean
  readonly canManageChannels: boolean
  readonly canInvite: boolean
  readonly canRemoveMembers: boolean
  readonly canChangeRoles: boolean
}

export interface ServerDetails extends ServerSummary {
  readonly channels: readonly ChannelInfo[]
  readonly members: readonly MemberInfo[]
  readonly permissions: Permissions
  readonly epoch: number
  /**
   * The server's safety code: equal for two members exactly when they see the same server
   * (members, roles, channels and keys). Compared aloud, it shows a backend that forked them.
   */
  readonly safetyCode: string
  /**
   * The group epoch in which this account joined; 0 for the server's founder. A member who
   * joined later is not shown messages sent before their join.
   */
  readonly joinedEpoch: number
}

export type DeliveryState = 'pending' | 'sent'

export interface MessageInfo {
  readonly id: string
  readonly serverId: string
  readonly channelId: string
  readonly authorId: string
  readonly authorName: string
  readonly text: string
  readonly sentAt: number
  readonly editedAt: number | null
  /** When the message burns (ms since epoch). */
  readonly burnAt: number
  readonly delivery: DeliveryState
  /** Position in the channel; pending messages have none yet. */
  readonly seq: number | null
}

export interface MessagePage {
  readonly messages: readonly MessageInfo[]
  /** True when older messages exist before the first of `messages`. */
  readonly hasOlder: boolean
}

export interface ConnectionState {
  readonly status: 'online' | 'connecting' | 'offline'
  /** Messages composed offline, waiting to be sent. */
  readonly outbox: number
  readonly reason: string | null
  /**
   * While the server asked the client to slow down (a refusal with Retry-After), nothing is
   * sent before this time (ms since epoch), when the outbox tries again; null otherwise.
   */
  readonly sendingPausedUntil: number | null
}

export interface SafetyNumber {
  readonly userId: string
  readonly displayName: string
  /** 60 digits in 12 groups of 5, the same on both sides. */
  readonly digits: string
  readonly keyChanged: boolean
}

/** One TURN (or STUN) server in the shape RTCPeerConnection takes. */
export interface IceServer {
  readonly urls: readonly string[]
  readonly username: string
  readonly credential: string
}

export interface IceConfig {
  /** Empty when the backend offers no relay. */
  readonly iceServers: readonly IceServer[]
  /** The "always relay calls" setting: use only relayed candidates, so no peer learns an IP. */
  readonly relayOnly: boolean
  /** When the credentials stop working (ms since epoch); fetch new ones before. */
  readonly expiresAt: number | null
}

export interface VoiceParticipant {
  readonly userId: string
  readonly displayName: string
  /** Random per join: a rejoin is a new session, so peers start their connection again. */
  readonly sessionId: string
}

/** Who is in one voice channel now, in the order they joined. */
export interface VoiceChannelState {
  readonly serverId: string
  readonly channelId: string
  readonly participants: readonly VoiceParticipant[]
}

/** The call this device is in. */
export interface VoiceCall extends VoiceChannelState {
  readonly sessionId: string
}

export interface VoiceState {
  readonly call: VoiceCall | null
  /** Every voice channel of the joined servers that has someone in it. */
  readonly channels: readonly VoiceChannelState[]
}

export type VoiceEndReason = 'channel_deleted' | 'server_left' | 'session_ended'

/** A server change or a message this device refused, and why: shown as a warning. */
export interface SpineRejection {
  readonly serverId: string
  readonly reason: string
}

// --- methods: one input schema per method ------------------------------------------------------

const Empty = Type.Object({}, { additionalProperties: false })
const obj = <T extends Record<string, TSchema>>(props: T) =>
  Type.Object(props, { additionalProperties: false })
const InServer = { serverId: Id }
/** As typed: the core adds https:// when no scheme is given, then checks the rest. */
const BackendAddress = Type.String({ minLength: 1, maxLength: 2048 })
export const BackendChoiceSchema = Type.Union([
  obj({ kind: Type.Literal('this_computer') }),
  obj({ kind: Type.Literal('address'), url: BackendAddress }),
])
const InChannel = { serverId: Id, channelId: Id }

export const API_INPUTS = {
  getAuthState: Empty,
  /** `backend`: where the account lives; the host's suggestion (getBackendOptions) if absent. */
  register: obj({
    name: LoginName,
    password: Password,
    backend: Type.Optional(BackendChoiceSchema),
  }),
  login: obj({ name: LoginName, password: Password, backend: Type.Optional(BackendChoiceSchema) }),
  unlock: obj({ password: Password }),
  lock: Empty,
  logout: Empty,
  changePassword: obj({ currentPassword: Password, newPassword: Password }),
  deleteAccount: obj({ password: Password }),
  /** Marks user activity, which postpones auto-lock. */
  touch: Empty,
  /** What the sign-in screens offer, and which account lives where; answers while signed out. */
  getBackendOptions: Empty,
  /** Whether a server can be used: reachable, paracord, the same protocol version, https unless loopback. */
  checkBackend: obj({ backend: BackendChoiceSchema }),

  getProfile: Empty,
  updateProfile: obj({ displayName: Type.Optional(DisplayName), status: Type.Optional(Status) }),
  getSettings: Empty,
  updateSettings: obj({
    autoLockMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 24 * 60 })),
    alwaysRelayCalls: Type.Optional(Type.Boolean()),
    notificationPreviews: Type.Optional(Type.Boolean()),
    theme: Type.Optional(Type.Union([Type.Literal('dark'), Type.Literal('light')])),
    /** Replaces the whole map (Settings.directCalls). */
    directCalls: Type.Optional(
      Type.Record(Id, Type.Boolean(), { maxProperties: 1000, additionalProperties: false }),
    ),
  }),

  listServers: Empty,
  getServer: obj(InServer),
  createServer: obj({ name: Name }),
  renameServer: obj({ ...InServer, name: Name }),
  leaveServer: obj(InServer),
  createChannel: obj({ ...InServer, name: Name, kind: ChannelKind, burnSeconds: BurnSeconds }),
  updateChannel: obj({
    ...InChannel,
    name: Type.Optional(Name),
    burnSeconds: Type.Optional(BurnSeconds),
  }),
  deleteChannel: obj(InChannel),
  createInvite: obj({
    ...InServer,
    maxUses: Type.Union([Type.Integer({ minimum: 1, maximum: 10_000 }), Type.Null()]),
    expiresInSeconds: Type.Union([
      Type.Integer({ minimum: 60, maximum: 30 * 24 * 3600 }),
      Type.Null(),
    ]),
  }),
  listInvites: obj(InServer),
  revokeInvite: obj({ ...InServer, inviteId: Id }),
  /** A code, a paracord://invite/... link or an https://HOST/invite#CODE link. */
  joinByInvite: obj({ invite: Type.String({ minLength: 8, maxLength: 512 }) }),
  removeMember: obj({ ...InServer, userId: Id }),
  setRole: obj({
    ...InServer,
    userId: Id,
    role: Type.Union([Type.Literal('admin'), Type.Literal('member')]),
  }),

  listMessages: obj({
    ...InChannel,
    beforeSeq: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Integer({ minimum: 1, maximum: 200 }),
  }),
  sendMessage: obj({ ...InChannel, text: MessageText }),
  editMessage: obj({ ...InChannel, messageId: Id, text: MessageText }),
  deleteMessage: obj({ ...InChannel, messageId: Id }),
  markRead: obj(InChannel),

  getSafetyNumber: obj({ userId: Id }),
  /** Accepts a peer's changed identity key after the user compared safety numbers. */
  acceptKeyChange: obj({ userId: Id }),

  getConnectionState: Empty,

  /** Fresh TURN credentials and the relay setting, for RTCPeerConnection. */
  getIceServers: Empty,
  getVoiceState: Empty,
  /** Joins a voice channel (leaving any other call); `conflict` when it already holds 8. */
  joinVoice: obj(InChannel),
  leaveVoice: Empty,
  /** Sends one signal to one participant's session of the call this device is in. */
  sendVoiceSignal: obj({ ...InChannel, to: Id, toSession: Id, signal: VoiceSignal }),
} as const

export type ApiInput<M extends ApiMethodName> = Static<(typeof API_INPUTS)[M]>

/** What each method resolves to. */
export interface ApiOutputs {
  getAuthState: AuthState
  register: AuthState
  login: AuthState
  unlock: AuthState
  lock: AuthState
  logout: AuthState
  changePassword: null
  deleteAccount: AuthState
  touch: null
  getBackendOptions: BackendOptions
  checkBackend: BackendCheck
  getProfile: Profile
  updateProfile: Profile
  getSettings: Settings
  updateSettings: Settings
  listServers: readonly ServerSummary[]
  getServer: ServerDetails
  createServer: ServerDetails
  renameServer: ServerDetails
  leaveServer: null
  createChannel: ChannelInfo
  updateChannel: ChannelInfo
  deleteChannel: null
  createInvite: InviteInfo
  listInvites: readonly InviteInfo[]
  revokeInvite: null
  joinByInvite: ServerDetails
  removeMember: null
  setRole: null
  listMessages: MessagePage
  sendMessage: MessageInfo
  editMessage: MessageInfo
  deleteMessage: null
  markRead: null
  getSafetyNumber: SafetyNumber
  acceptKeyChange: null
  getConnectionState: ConnectionState
  getIceServers: IceConfig
  getVoiceState: VoiceState
  joinVoice: VoiceCall
  leaveVoice: null
  sendVoiceSignal: null
}

export type ApiMethodName = keyof typeof API_INPUTS

/** Every method, derived from the input schemas: adding or renaming one breaks every side. */
export type ApiMethods = {
  [M in ApiMethodName]: (input: ApiInput<M>) => Promise<ApiOutputs[M]>
}

export const API_METHODS = Object.keys(API_INPUTS) as readonly ApiMethodName[]

// Each method has an output type and each output type a method.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never
const _outputsMatchMethods: Exact<keyof ApiOutputs, ApiMethodName> = true
void _outputsMatchMethods

// --- events ------------------------------------------------------------------------------------

export interface ApiEvents {
  authChanged: AuthState
  serversChanged: readonly ServerSummary[]
  serverChanged: ServerDetails
  /** A server the user left or was removed from. */
  serverRemoved: { readonly serverId: string; readonly reason: 'left' | 'removed' }
  messagesChanged: {
    readonly serverId: string
    readonly channelId: string
    readonly messages: readonly MessageInfo[]
  }
  messagesBurned: {
    readonly serverId: string
    readonly channelId: string
    readonly ids: readonly string[]
  }
  messagesDeleted: {
    readonly serverId: string
    readonly channelId: string
    readonly ids: readonly string[]
  }
  connectionChanged: ConnectionState
  keyChanged: { readonly userId: string; readonly displayName: string }
  spineRejected: SpineRejection
  /** Someone joined, left or timed out of a voice channel. */
  voiceParticipants: VoiceChannelState
  /** A signal addressed to this device's session of its call. */
  voiceSignal: {
    readonly serverId: string
    readonly channelId: string
    readonly from: string
    readonly fromSession: string
    readonly signal: string
  }
  /** The core ended this device's call by itself (not through leaveVoice). */
  voiceEnded: {
    readonly serverId: string
    readonly channelId: string
    readonly reason: VoiceEndReason
  }
}
export type ApiEventName = keyof ApiEvents

export const API_EVENTS = [
  'authChanged',
  'serversChanged',
  'serverChanged',
  'serverRemoved',
  'messagesChanged',
  'messagesBurned',
  'messagesDeleted',
  'connectionChanged',
  'keyChanged',
  'spineRejected',
  'voiceParticipants',
  'voiceSignal',
  'voiceEnded',
] as const satisfies readonly ApiEventName[]
const _eventsComplete: Exact<(typeof API_EVENTS)[number], ApiEventName> = true
void _eventsComplete

export type Unsubscribe = () => void

/** The whole contract: the methods plus a typed event subscription. */
export interface ParacordApi extends ApiMethods {
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): Unsubscribe
}

// --- errors ---------------------------------------------------------------------------------

export * from './api-errors'
import type { ApiFailure } from './api-errors'
export type { ApiFailure }
