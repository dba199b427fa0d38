// The server's authenticated state: name, owner, admins, channels, invites and member profiles.
// It lives in a GroupContext extension of the server's MLS group, so every change is a commit
// that every member's client checks (rules.ts) before taking it, and the epoch authenticator
// covers it: two members who agree on the safety code agree on this state.
import type { Extension, GroupContext } from 'ts-mls'
import { canonicalJson } from '../../shared/canonical-json'
import { fromUtf8, utf8 } from '../../shared/encoding'
import { SERVER_STATE_EXTENSION } from './suite'

export const SERVER_STATE_VERSION = 1
export const LIMITS = {
  name: 100,
  channelName: 64,
  displayName: 64,
  status: 140,
  channels: 200,
  invites: 200,
  /** The longest burn a channel may choose: fourteen days. */
  maxBurnSeconds: 14 * 24 * 3600,
  minBurnSeconds: 1,
} as const

export type ChannelKind = 'text' | 'voice'
export type Role = 'owner' | 'admin' | 'member'

export interface ChannelState {
  readonly name: string
  readonly kind: ChannelKind
  readonly burnSeconds: number
  /** Where it is listed: channels are shown in this order (the state's keys are sorted by id). */
  readonly position: number
}

export interface InviteState {
  /** Ed25519 public key derived from the invite secret; a joiner proves the secret with it. */
  readonly signKey: string
  /** X25519 public key derived from the invite secret; the group's join key is sealed to it. */
  readonly boxKey: string
  /** null: unlimited. */
  readonly maxUses: number | null
  /** ms since the epoch, by the creator's clock; enforced by withholding the join key. */
  readonly expiresAt: number | null
  readonly uses: number
  readonly revoked: boolean
  readonly createdBy: string
  /** The MLS epoch the invite was created in; a removed user needs a later one to come back. */
  readonly createdEpoch: number
}

export interface MemberState {
  /** The account's Ed25519 identity key; every device credential of the user is signed by it. */
  readonly identityKey: string
  /** The account's X25519 key: the group's join key is sealed to it for the user's new devices. */
  readonly boxKey: string
  readonly displayName: string
  readonly status: string
  /** The invite the user joined with; null for the owner. */
  readonly joinedVia: string | null
  readonly joinedEpoch: number
}

export interface ServerState {
  readonly v: typeof SERVER_STATE_VERSION
  readonly name: string
  readonly ownerId: string
  /** Sorted user ids. */
  readonly admins: readonly string[]
  readonly channels: Readonly<Record<string, ChannelState>>
  readonly invites: Readonly<Record<string, InviteState>>
  readonly members: Readonly<Record<string, MemberState>>
  /** userId → the epoch in which an admin removed them. */
  readonly removed: Readonly<Record<string, number>>
}

export class ServerStateError extends Error {}

export function roleOf(state: ServerState, userId: string): Role {
  if (state.ownerId === userId) return 'owner'
  return state.admins.includes(userId) ? 'admin' : 'member'
}

export function encodeServerState(state: ServerState): Uint8Array {
  return utf8(canonicalJson(state))
}

export function serverStateExtension(state: ServerState): Extension {
  return { extensionType: SERVER_STATE_EXTENSION, extensionData: encodeServerState(state) }
}

/** The state a GroupContext carries; throws ServerStateError when it is missing or malformed. */
export function serverStateOf(context: GroupContext): ServerState {
  const extension = context.extensions.find((e) => e.extensionType === SERVER_STATE_EXTENSION)
  if (!extension) throw new ServerStateError('the group carries no server state')
  return decodeServerState(extension.extensionData)
}

export function decodeServerState(bytes: Uint8Array): ServerState {
  let value: unknown
  try {
    value = JSON.parse(fromUtf8(bytes))
  } catch {
    throw new ServerStateError('the server state is not JSON')
  }
  const problem = serverStateProblem(value)
  if (problem) throw new ServerStateError(`the server state is malformed: ${problem}`)
  return value as ServerState
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
const isText = (v: unknown, max: number, min = 0): v is string =>
  typeof v === 'string' && v.length >= min && v.length <= max
const isId = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(v)
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0
const isKey = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9_-]{43}$/.test(v)

const exactly = (v: Record<string, unknown>, keys: readonly string[]) =>
  Object.keys(v).length === keys.length && keys.every((k) => Object.hasOwn(v, k))

function serverStateProblem(v: unknown): string | null {
  if (!isRecord(v)) return 'not an object'
  if (!exactly(v, ['v', 'name', 'ownerId', 'admins', 'channels', 'invites', 'members', 'removed']))
    return 'unknown or missing fields'
  if (v.v !== SERVER_STATE_VERSION) return `unknown version ${String(v.v)}`
  if (!isText(v.name, LIMITS.name, 1)) return 'name'
  if (!isId(v.ownerId)) return 'ownerId'
  if (!Array.isArray(v.admins) || !v.admins.every(isId)) return 'admins'
  const admins = v.admins
  if (admins.some((id, i) => i > 0 && admins[i - 1]! >= id)) return 'admins must be sorted'
  if (!isRecord(v.channels) || Object.keys(v.channels).length > LIMITS.channels) return 'channels'
  for (const [id, c] of Object.entries(v.channels))
    if (!isId(id) || channelProblem(c)) return `channel ${id}`
  if (!isRecord(v.invites) || Object.keys(v.invites).length > LIMITS.invites) return 'invites'
  for (const [id, i] of Object.entries(v.invites))
    if (!isId(id) || inviteProblem(i)) return `invite ${id}`
  if (!isRecord(v.members)) return 'members'
  for (const [id, m] of Object.entries(v.members))
    if (!isId(id) || memberProblem(m)) return `member ${id}`
  if (!isRecord(v.removed) || !Object.entries(v.removed).every(([id, e]) => isId(id) && isCount(e)))
    return 'removed'
  return null
}

function channelProblem(c: unknown): boolean {
  return !(
    isRecord(c) &&
    exactly(c, ['name', 'kind', 'burnSeconds', 'position']) &&
    isCount(c.position) &&
    isText(c.name, LIMITS.channelName, 1) &&
    (c.kind === 'text' || c.kind === 'voice') &&
    Number.isSafeInteger(c.burnSeconds) &&
    (c.burnSeconds as number) >= LIMITS.minBurnSeconds &&
    (c.burnSeconds as number) <= LIMITS.maxBurnSeconds
  )
}

function inviteProblem(i: unknown): boolean {
  return !(
    isRecord(i) &&
    exactly(i, [
      'signKey',
      'boxKey',
      'maxUses',
      'expiresAt',
      'uses',
      'revoked',
      'createdBy',
      'createdEpoch',
    ]) &&
    isKey(i.signKey) &&
    isKey(i.boxKey) &&
    (i.maxUses === null || (isCount(i.maxUses) && i.maxUses > 0)) &&
    (i.expiresAt === null || isCount(i.expiresAt)) &&
    isCount(i.uses) &&
    typeof i.revoked === 'boolean' &&
    isId(i.createdBy) &&
    isCount(i.createdEpoch)
  )
}

function memberProblem(m: unknown): boolean {
  return !(
    isRecord(m) &&
    exactly(m, ['identityKey', 'boxKey', 'displayName', 'status', 'joinedVia', 'joinedEpoch']) &&
    isKey(m.identityKey) &&
    isKey(m.boxKey) &&
    isText(m.displayName, LIMITS.displayName, 1) &&
    isText(m.status, LIMITS.status) &&
    (m.joinedVia === null || isId(m.joinedVia)) &&
    isCount(m.joinedEpoch)
  )
}
