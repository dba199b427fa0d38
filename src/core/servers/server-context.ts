// What the modules of the servers service share: the session, keys, the spine reader/writer,
// events, and a few helpers every one of them needs.
import { ParacordError } from '../../shared/api'
import { fromBase64Url, toBase64Url } from '../../shared/encoding'
import { streamAdminKeys } from '../server-keys'
import { TypedEmitter } from '../net/typed-emitter'
import type { SpineAuthor, SpineBody, SpineEntry, SpineState } from '../spine'
import type { CoreEvents } from '../events'
import type { UnlockedSession } from '../session'
import type { VaultServerKeys } from '../vault-model'
import { notFound, toParacordError } from './errors'
import type { Keyring } from './keyring'
import type { PeerKeyPins } from './peer-key-pins'
import { SpineRefusedError, type SpineIo } from './spine-io'

/** Internal news for the sync and message services. */
export interface ServerSignalMap {
  /** The server's streams or keys changed: subscribe to what is new, refresh proofs. */
  streamsChanged: { readonly serverId: string }
  /** The account now belongs to this server (created or joined). */
  serverAdded: { readonly serverId: string }
  /** The server is gone from this account (left or removed). */
  serverDropped: { readonly serverId: string }
}

export class ServerSignals extends TypedEmitter<ServerSignalMap> {
  override emit<K extends keyof ServerSignalMap>(event: K, payload: ServerSignalMap[K]): void {
    super.emit(event, payload)
  }
}

export interface ServerContext {
  readonly session: UnlockedSession
  readonly keyring: Keyring
  readonly spine: SpineIo
  readonly events: CoreEvents
  readonly peers: PeerKeyPins
  readonly signals: ServerSignals
  /** Unread messages of a channel, from the message service. */
  unread(serverId: string, channelId: string): number
  /** Runs a key rotation in the server's rotation queue (one at a time per server). */
  rotate(serverId: string, epochBefore: number, mode: 'due' | 'forced'): Promise<boolean>
}

export function authorOf(session: UnlockedSession): SpineAuthor {
  return { userId: session.userId, signKey: session.identity.signing }
}

/** The server's keys, or not_found when this account is not in it. */
export function requireServer(ctx: ServerContext, serverId: string): VaultServerKeys {
  const record = ctx.keyring.record(serverId)
  if (!record) throw notFound('You are not in this server.')
  return record
}

/**
 * Posts a spine entry; the fold's refusal becomes `refusedCode` with the fold's reason, network
 * failures their own codes.
 */
export async function postEntry(
  ctx: ServerContext,
  serverId: string,
  makeBody: (state: SpineState) => SpineBody | null,
  refusedCode: 'forbidden' | 'invite_invalid' | 'conflict' = 'forbidden',
): Promise<SpineEntry | null> {
  try {
    return await ctx.spine.post(serverId, authorOf(ctx.session), makeBody)
  } catch (error) {
    if (error instanceof SpineRefusedError) throw new ParacordError(refusedCode, error.reason)
    throw toParacordError(error)
  }
}

export function vaultKeysFor(
  epoch: number,
  masterKeys: Readonly<Record<string, string>>,
  adminSecret: Uint8Array | null,
): VaultServerKeys {
  return {
    epoch,
    epochs: { ...masterKeys },
    adminSecret: adminSecret ? toBase64Url(adminSecret) : null,
  }
}

export async function saveServerKeys(ctx: ServerContext, serverId: string, keys: VaultServerKeys) {
  const before = ctx.session.vault().servers[serverId]?.adminSecret
  if (before) rememberAdminSecret(ctx, serverId, before)
  await ctx.session.updateVault((vault) => ({
    ...vault,
    servers: { ...vault.servers, [serverId]: mergeKeys(vault.servers[serverId], keys) },
  }))
}

const adminHistoryKey = (serverId: string) => `admin-secrets:${serverId}`

/**
 * Keeps a replaced admin secret on this device: a stream or invite made just before a rotation
 * may still name the admin key derived from it, and only that key can rotate or delete it.
 */
export function rememberAdminSecret(ctx: ServerContext, serverId: string, secret: string): void {
  const known = ctx.session.cache.getValue<string[]>(adminHistoryKey(serverId)) ?? []
  if (!known.includes(secret))
    ctx.session.cache.setValue(adminHistoryKey(serverId), [...known, secret].slice(-16))
}

export function forgetAdminSecrets(ctx: ServerContext, serverId: string): void {
  ctx.session.cache.deleteValue(adminHistoryKey(serverId))
}

/** The admin secret (current or remembered) whose key for `id` is `ownerKey`; null if none. */
export function adminSecretFor(
  ctx: ServerContext,
  serverId: string,
  id: string,
  ownerKey: string,
): Uint8Array | null {
  const current = ctx.keyring.record(serverId)?.adminSecret
  const candidates = [
    ...(current ? [current] : []),
    ...(ctx.session.cache.getValue<string[]>(adminHistoryKey(serverId)) ?? []).reverse(),
  ]
  for (const candidate of candidates) {
    const secret = fromBase64Url(candidate)
    if (toBase64Url(streamAdminKeys(secret, id).publicKey) === ownerKey) return secret
  }
  return null
}

/** Combines two records of one server: every epoch's key, the newest epoch's admin secret. */
export function mergeKeys(
  known: VaultServerKeys | undefined,
  incoming: VaultServerKeys,
): VaultServerKeys {
  if (!known) return incoming
  const newer = incoming.epoch >= known.epoch ? incoming : known
  return {
    epoch: newer.epoch,
    epochs: { ...known.epochs, ...incoming.epochs },
    adminSecret: newer.adminSecret,
  }
}

export async function removeServerKeys(ctx: ServerContext, serverId: string) {
  await ctx.session.updateVault((vault) => {
    const servers = { ...vault.servers }
    delete servers[serverId]
    return { ...vault, servers }
  })
}
