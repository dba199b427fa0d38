// Run-time shape checks for entries that arrive from the network. Each check returns a human
// reason, or null when the value is well formed; nothing here throws, so one malformed entry
// can never stop a fold.
import { fromBase64Url } from '../../shared/encoding'
import { LIMITS } from '../../shared/protocol/limits'
import { SPINE_VERSION, type SpineBodyType } from './types'

export const SPINE_LIMITS = {
  /** Random ids (server, user, channel, invite), base64url: as the API's Id. */
  minIdChars: 16,
  maxIdChars: 64,
  maxServerNameChars: 100,
  maxChannelNameChars: 100,
  maxDisplayNameChars: 64,
  maxStatusChars: 128,
  minBurnSeconds: 5,
  maxBurnSeconds: LIMITS.maxBurnSeconds,
  maxInviteUses: 100_000,
  /** One sealed envelope of new keys, base64url characters. */
  maxEnvelopeChars: 32_768,
  /** Latest representable time, as the wire's Time schema. */
  maxTime: 8_640_000_000_000_000,
} as const

type Check = (value: unknown) => string | null

const BASE64URL = /^[A-Za-z0-9_-]*$/
// Control characters would let a name break the layout or fake a second line.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

const id: Check = (value) =>
  typeof value === 'string' &&
  value.length >= SPINE_LIMITS.minIdChars &&
  value.length <= SPINE_LIMITS.maxIdChars &&
  BASE64URL.test(value)
    ? null
    : `must be a base64url id of ${SPINE_LIMITS.minIdChars}-${SPINE_LIMITS.maxIdChars} characters`

const bytes =
  (length: number, what: string): Check =>
  (value) => {
    if (typeof value !== 'string' || !BASE64URL.test(value)) return `must be a base64url ${what}`
    try {
      return fromBase64Url(value).length === length ? null : `must be a ${length}-byte ${what}`
    } catch {
      return `must be a canonical base64url ${what}`
    }
  }

const publicKey = bytes(32, 'public key')
const hash = bytes(32, 'hash')
const signature = bytes(64, 'signature')

const text =
  (minChars: number, maxChars: number): Check =>
  (value) => {
    if (typeof value !== 'string') return 'must be a string'
    if (value.length > maxChars) return `must be at most ${maxChars} characters`
    if (value.trim().length < minChars) return 'must not be blank'
    if (CONTROL.test(value)) return 'must not contain control characters'
    return null
  }

const integer =
  (min: number, max: number): Check =>
  (value) =>
    Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max
      ? null
      : `must be an integer from ${min} to ${max}`

const time = integer(0, SPINE_LIMITS.maxTime)

const nullable =
  (check: Check): Check =>
  (value) =>
    value === null ? null : check(value)

const oneOf =
  (...allowed: readonly string[]): Check =>
  (value) =>
    allowed.includes(value as string) ? null : `must be one of ${allowed.join(', ')}`

const literal =
  (expected: number): Check =>
  (value) =>
    value === expected ? null : `must be ${expected}`

const envelopes: Check = (value) => {
  if (!isPlainObject(value)) return 'must be an object of userId → sealed keys'
  for (const [userId, sealed] of Object.entries(value)) {
    if (id(userId) !== null) return `has a key that is not a user id`
    if (
      typeof sealed !== 'string' ||
      sealed.length === 0 ||
      sealed.length > SPINE_LIMITS.maxEnvelopeChars ||
      !BASE64URL.test(sealed)
    )
      return `for ${userId} must be base64url of 1-${SPINE_LIMITS.maxEnvelopeChars} characters`
  }
  return null
}

interface BodySpec {
  readonly required: Readonly<Record<string, Check>>
  readonly optional?: Readonly<Record<string, Check>>
  /** At least one optional field must be present (a change that changes nothing is noise). */
  readonly needsOneOptional?: boolean
}

const serverName = text(1, SPINE_LIMITS.maxServerNameChars)
const channelName = text(1, SPINE_LIMITS.maxChannelNameChars)
const displayName = text(1, SPINE_LIMITS.maxDisplayNameChars)
const burnSeconds = integer(SPINE_LIMITS.minBurnSeconds, SPINE_LIMITS.maxBurnSeconds)

const BODY_SPECS: { readonly [T in SpineBodyType]: BodySpec } = {
  genesis: {
    required: { serverId: id, name: serverName, epoch: literal(1), displayName, boxKey: publicKey },
  },
  channel_created: {
    required: { channelId: id, name: channelName, kind: oneOf('text', 'voice'), burnSeconds },
  },
  channel_changed: {
    required: { channelId: id },
    optional: { name: channelName, burnSeconds },
    needsOneOptional: true,
  },
  channel_deleted: { required: { channelId: id } },
  server_renamed: { required: { name: serverName } },
  invite_created: {
    required: {
      inviteId: id,
      maxUses: nullable(integer(1, SPINE_LIMITS.maxInviteUses)),
      expiresAt: nullable(time),
    },
  },
  invite_revoked: { required: { inviteId: id } },
  member_joined: { required: { inviteId: id, displayName, boxKey: publicKey } },
  member_left: { required: {} },
  profile_changed: {
    required: {},
    optional: { displayName, status: text(0, SPINE_LIMITS.maxStatusChars) },
    needsOneOptional: true,
  },
  role_changed: { required: { userId: id, role: oneOf('admin', 'member') } },
  member_removed: { required: { userId: id } },
  key_rotated: { required: { epoch: integer(2, Number.MAX_SAFE_INTEGER), envelopes } },
}

function isBodyType(value: unknown): value is SpineBodyType {
  return typeof value === 'string' && Object.hasOwn(BODY_SPECS, value)
}

/** Why `body` is not a well-formed spine body, or null when it is. */
export function bodyShapeProblem(body: unknown): string | null {
  if (!isPlainObject(body)) return 'body is not an object'
  if (!isBodyType(body.type)) return 'body has an unknown type'
  const spec = BODY_SPECS[body.type]
  const optional = spec.optional ?? {}
  for (const key of Object.keys(body)) {
    if (key !== 'type' && !Object.hasOwn(spec.required, key) && !Object.hasOwn(optional, key))
      return `${body.type} body has an unexpected field "${key}"`
  }
  for (const [key, check] of Object.entries(spec.required)) {
    if (!Object.hasOwn(body, key)) return `${body.type} body is missing "${key}"`
    const problem = check(body[key])
    if (problem) return `${body.type} body: "${key}" ${problem}`
  }
  let optionalPresent = 0
  for (const [key, check] of Object.entries(optional)) {
    if (!Object.hasOwn(body, key)) continue
    optionalPresent++
    const problem = check(body[key])
    if (problem) return `${body.type} body: "${key}" ${problem}`
  }
  if (spec.needsOneOptional && optionalPresent === 0)
    return `${body.type} body changes nothing (give ${Object.keys(optional).join(' or ')})`
  return null
}

const ENTRY_FIELDS: Readonly<Record<string, Check>> = {
  v: literal(SPINE_VERSION),
  prev: nullable(hash),
  at: time,
  author: id,
  authorKey: publicKey,
  body: () => null, // checked by bodyShapeProblem, with its own reasons
  sig: signature,
}

/** Why `entry` is not a well-formed spine entry (envelope and body), or null when it is. */
export function entryShapeProblem(entry: unknown): string | null {
  if (!isPlainObject(entry)) return 'entry is not an object'
  for (const key of Object.keys(entry)) {
    if (!Object.hasOwn(ENTRY_FIELDS, key)) return `entry has an unexpected field "${key}"`
  }
  for (const [key, check] of Object.entries(ENTRY_FIELDS)) {
    if (!Object.hasOwn(entry, key)) return `entry is missing "${key}"`
    const problem = check(entry[key])
    if (problem) return `entry "${key}" ${problem}`
  }
  return bodyShapeProblem(entry.body)
}
