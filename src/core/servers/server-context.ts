// What the modules of the servers service share: the session, the keyring, the group io,
// events, and the few steps every change takes (commit, post to the log, settle the epoch).
import { ParacordError } from '../../shared/api'
import { fromBase64Url, toBase64Url } from '../../shared/encoding'
import { TypedEmitter } from '../net/typed-emitter'
import type { DeviceSigner } from '../mls/credential'
import { GroupError, type GroupChange, type ServerGroup } from '../mls/group'
import type { CoreEvents } from '../events'
import type { UnlockedSession } from '../session'
import { notFound, toParacordError } from './errors'
import { CommitRaceError, type GroupIo, type LogItem } from './group-io'
import { randomId } from './ids'
import { publishJoinInfo } from './join-info'
import type { Keyring } from './keyring'
import type { PeerKeyPins } from './peer-key-pins'
import { postItem } from './post-item'
import { ensureStreamCurrent, StreamMismatchError } from './streams'

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
  readonly io: GroupIo
  readonly events: CoreEvents
  readonly peers: PeerKeyPins
  readonly signals: ServerSignals
  /** Unread messages of a channel, from the message service. */
  unread(serverId: string, channelId: string): number
}

const DEVICE_ID_KEY = 'device-id'

/** This device's signer for MLS credentials: the account identity and a device id of its own. */
export function deviceSigner(session: UnlockedSession): DeviceSigner {
  let deviceId = session.cache.getValue<string>(DEVICE_ID_KEY)
  if (!deviceId) {
    deviceId = randomId()
    session.cache.setValue(DEVICE_ID_KEY, deviceId)
  }
  return { userId: session.userId, deviceId, identity: session.identity.signing }
}

/** The server's group, or not_found when this device is not in it. */
export function requireServer(ctx: ServerContext, serverId: string): ServerGroup {
  const group = ctx.io.group(serverId)
  if (!group || !ctx.session.vault().servers[serverId])
    throw notFound('You are not in this server.')
  return group
}

/** Warns the people looking at the server (shown, never silently dropped). */
export function warn(ctx: ServerContext, serverId: string, reason: string): void {
  ctx.events.emit('spineRejected', { serverId, reason })
}

/** Posts one item to the server's log, sealed in `epoch`, after moving a log left behind. */
export function logPoster(ctx: ServerContext, serverId: string) {
  return async (epoch: number, item: LogItem): Promise<void> => {
    if (epoch === ctx.keyring.currentEpoch(serverId))
      await ensureStreamCurrent(ctx.session, ctx.keyring, serverId, serverId, true)
    const posted = await postItem(ctx.session, ctx.keyring, {
      serverId,
      streamId: serverId,
      shardId: randomId(),
      burnAt: null,
      epoch,
      payload: () => item,
      // Called under the server's lock: the log is read by whoever holds it, not from here.
      catchUp: () => Promise.resolve(),
      retryAfterRotation: false,
    })
    // No key of that epoch here yet: the commit loop reads the log and tries again.
    if (!posted) throw new StreamMismatchError(serverId)
  }
}

/**
 * Commits a change to the server's group, then settles the new epoch (streams and the join
 * enclave). A change the rules refuse becomes `forbidden` with the rule's reason.
 */
export async function commitChange(
  ctx: ServerContext,
  serverId: string,
  build: (group: ServerGroup) => GroupChange | null,
): Promise<ServerGroup | null> {
  requireServer(ctx, serverId)
  let next: ServerGroup | null
  try {
    next = await ctx.io.commit(serverId, build, logPoster(ctx, serverId))
  } catch (error) {
    if (error instanceof GroupError && error.code === 'refused')
      throw new ParacordError('forbidden', `Not allowed: ${error.message}.`)
    if (error instanceof GroupError && error.code === 'removed')
      throw notFound('You are not in this server.')
    if (error instanceof CommitRaceError) throw new ParacordError('conflict', error.message)
    throw toParacordError(error)
  }
  if (next) await settleEpoch(ctx, serverId)
  return next
}

/** Recipients of the join key: every member account and every invite still open now. */
export function joinRecipients(ctx: ServerContext, group: ServerGroup): Uint8Array[] {
  const state = group.state
  const view = ctx.io.view(group.groupId)
  const now = ctx.session.now()
  const keys = Object.values(state.members).map((member) => member.boxKey)
  for (const [id, invite] of Object.entries(state.invites)) {
    const uses = view.invites.get(id)?.uses ?? invite.uses
    if (invite.revoked) continue
    if (invite.expiresAt !== null && invite.expiresAt <= now) continue
    if (invite.maxUses !== null && uses >= invite.maxUses) continue
    keys.push(invite.boxKey)
  }
  return [...new Set(keys)].map((key) => fromBase64Url(key))
}

/**
 * Brings the backend in line with the group's current epoch: every stream on the epoch's keys,
 * the join enclave written for it. Any member may do it; the committer does it first.
 */
export async function settleEpoch(ctx: ServerContext, serverId: string): Promise<void> {
  const group = ctx.io.group(serverId)
  if (!group) return
  const streams: Array<[string, boolean]> = [
    [serverId, true],
    ...[...ctx.io.view(serverId).channels.keys()].map((id): [string, boolean] => [id, false]),
  ]
  for (const [streamId, permanent] of streams) {
    try {
      await ensureStreamCurrent(ctx.session, ctx.keyring, serverId, streamId, permanent)
    } catch (error) {
      if (!(error instanceof StreamMismatchError)) throw error
      // Keys of an epoch this device has not reached yet, most likely: read the log, try again.
      const epoch = ctx.keyring.currentEpoch(serverId)
      await ctx.io.catchUp(serverId)
      if (ctx.keyring.currentEpoch(serverId) !== epoch) return settleEpoch(ctx, serverId)
      warn(ctx, serverId, error.message)
    }
  }
  const epoch = ctx.keyring.currentEpoch(serverId)
  const secrets = ctx.io.secrets(serverId, epoch)
  if (!secrets) return
  await publishJoinInfo(
    ctx.session,
    group,
    secrets,
    ctx.io.seq(serverId),
    joinRecipients(ctx, group),
    (at) => ctx.io.secrets(serverId, at),
  )
  ctx.signals.emit('streamsChanged', { serverId })
}

/** A display name for the founder's or joiner's profile. */
export function ownDisplayName(session: UnlockedSession): string {
  return session.vault().profile.displayName || session.name
}

export function ownBoxKey(session: UnlockedSession): string {
  return toBase64Url(session.identity.box.publicKey)
}

export async function addServerToVault(ctx: ServerContext, serverId: string): Promise<void> {
  await ctx.session.updateVault((vault) => ({
    ...vault,
    servers: { ...vault.servers, [serverId]: { joinedAt: ctx.session.now() } },
  }))
}

export async function removeServerFromVault(ctx: ServerContext, serverId: string) {
  await ctx.session.updateVault((vault) => {
    const servers = { ...vault.servers }
    delete servers[serverId]
    return { ...vault, servers }
  })
}
