// Renaming the server and managing channels: spine entries, and a stream per new channel.
import { ParacordError, type ChannelInfo, type ChannelKind } from '../../shared/api'
import { hasAuthority } from '../spine'
import { toParacordError } from './errors'
import { randomId } from './ids'
import { postEntry, requireServer, type ServerContext } from './server-context'
import { createServerStream } from './streams'
import { channelInfos } from './views'

function requireAuthority(ctx: ServerContext, serverId: string, what: string): void {
  if (!hasAuthority(ctx.spine.state(serverId), ctx.session.userId, 'channel_created'))
    throw new ParacordError('forbidden', `Only the owner or an admin can ${what}.`)
}

function channelInfo(ctx: ServerContext, serverId: string, channelId: string): ChannelInfo {
  const info = channelInfos(ctx, serverId, ctx.spine.state(serverId)).find(
    (c) => c.id === channelId,
  )
  if (!info) throw new ParacordError('not_found', 'This channel does not exist.')
  return info
}

export async function renameServer(ctx: ServerContext, serverId: string, name: string) {
  requireServer(ctx, serverId)
  await postEntry(ctx, serverId, () => ({ type: 'server_renamed', name }))
}

export async function createChannel(
  ctx: ServerContext,
  serverId: string,
  input: { name: string; kind: ChannelKind; burnSeconds: number },
): Promise<ChannelInfo> {
  requireServer(ctx, serverId)
  requireAuthority(ctx, serverId, 'create channels')
  const adminSecret = ctx.keyring.adminSecret(serverId)
  if (!adminSecret) throw new ParacordError('forbidden', 'This device holds no admin key yet.')
  const channelId = randomId()
  try {
    // 1. The channel's stream, under the keys of the epoch the spine stream is in now.
    const access = await ctx.keyring.currentAccess(serverId, serverId, true)
    const epoch = access.epoch ?? ctx.keyring.currentEpoch(serverId)
    const keys = ctx.keyring.streamKeys(serverId, channelId, epoch)!
    ctx.keyring.rememberStreamInfo(
      await createServerStream(ctx.session.client, channelId, keys, adminSecret, false),
    )
  } catch (error) {
    throw toParacordError(error)
  }
  // 2. The spine entry that makes it a channel for everyone.
  await postEntry(ctx, serverId, () => ({
    type: 'channel_created',
    channelId,
    name: input.name,
    kind: input.kind,
    burnSeconds: input.burnSeconds,
  }))
  return channelInfo(ctx, serverId, channelId)
}

export async function updateChannel(
  ctx: ServerContext,
  serverId: string,
  channelId: string,
  change: { name?: string; burnSeconds?: number },
): Promise<ChannelInfo> {
  requireServer(ctx, serverId)
  if (change.name === undefined && change.burnSeconds === undefined)
    throw new ParacordError('invalid_input', 'Give a new name or a new burn time.')
  if (!ctx.spine.state(serverId).channels.has(channelId))
    throw new ParacordError('not_found', 'This channel does not exist.')
  await postEntry(ctx, serverId, () => ({
    type: 'channel_changed',
    channelId,
    ...(change.name === undefined ? {} : { name: change.name }),
    ...(change.burnSeconds === undefined ? {} : { burnSeconds: change.burnSeconds }),
  }))
  return channelInfo(ctx, serverId, channelId)
}

export async function deleteChannel(ctx: ServerContext, serverId: string, channelId: string) {
  requireServer(ctx, serverId)
  if (!ctx.spine.state(serverId).channels.has(channelId))
    throw new ParacordError('not_found', 'This channel does not exist.')
  await postEntry(ctx, serverId, () => ({ type: 'channel_deleted', channelId }))
}
