// What the user vault holds (docs/KEYS.md section 1). The vault is the only place secrets live
// between sessions; it is sealed with the password-derived vault key, on the server and in a
// local copy. Parsing is strict because a vault may come back from an untrusted server.
import { Type, type Static } from 'typebox'
import { Compile } from 'typebox/compile'
import type { Settings } from '../shared/api'

const B64 = Type.String({ pattern: '^[A-Za-z0-9_-]+$' })

/**
 * A server the account is in. No key: each device holds its own MLS state and epoch keys, and
 * a new device joins from the server's join enclave with the account's box key (docs/KEYS.md).
 */
export const VaultServer = Type.Object({
  /** When the account joined (ms), for ordering. */
  joinedAt: Type.Integer({ minimum: 0 }),
})
export type VaultServer = Static<typeof VaultServer>

export const VaultData = Type.Object({
  v: Type.Literal(2),
  userId: B64,
  identity: Type.Object({ userId: B64, signSecretKey: B64, boxSecretKey: B64 }),
  /** Seals the local cache's columns; never stored beside the cache. */
  cacheKey: B64,
  profile: Type.Object({ displayName: Type.String(), status: Type.String() }),
  settings: Type.Object({
    autoLockMinutes: Type.Integer({ minimum: 0 }),
    alwaysRelayCalls: Type.Boolean(),
    notificationPreviews: Type.Boolean(),
    theme: Type.Union([Type.Literal('dark'), Type.Literal('light')]),
    directCalls: Type.Optional(Type.Record(B64, Type.Boolean())),
  }),
  servers: Type.Record(B64, VaultServer),
})
export type VaultData = Static<typeof VaultData>

export const DEFAULT_SETTINGS: Settings = {
  autoLockMinutes: 15,
  alwaysRelayCalls: true,
  notificationPreviews: false,
  theme: 'dark',
}

const checkVault = Compile(VaultData)

export class VaultFormatError extends Error {
  constructor(detail: string) {
    super(`the vault is not in a format this version understands: ${detail}`)
    this.name = 'VaultFormatError'
  }
}

export function parseVault(json: string): VaultData {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    throw new VaultFormatError('not JSON')
  }
  if (!checkVault.Check(value)) {
    const first = checkVault.Errors(value)[0]
    throw new VaultFormatError(`${first?.instancePath || '/'} ${first?.message ?? 'invalid'}`)
  }
  return value
}
